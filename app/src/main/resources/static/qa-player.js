// The QA call page: click a line or a rule hit to play from there; the line being played is highlighted.
(function () {
  const player = document.getElementById('player');
  const lines = [...document.querySelectorAll('#transcript .line')];
  for (const el of document.querySelectorAll('#transcript .line, #hits .hit')) {
    el.addEventListener('click', () => {
      if (!player) return;
      player.currentTime = Number(el.dataset.start) / 1000;
      player.play().catch(() => {});
    });
  }
  if (player) player.addEventListener('timeupdate', () => {
    const ms = player.currentTime * 1000;
    for (const l of lines) l.classList.toggle('playing', ms >= Number(l.dataset.start) && ms <= Number(l.dataset.end) + 300);
  });
})();
