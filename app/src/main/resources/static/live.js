// Live page parts are htmx fragments re-fetched on server-sent events (and on a timer for the wallboard).
// A fragment is not swapped while the user is typing or choosing inside it, so a half-filled form survives.
document.addEventListener('htmx:beforeSwap', function (ev) {
  var f = document.activeElement, target = ev.detail.target;
  var typing = f && f !== document.body && target && target.contains(f) && (f.tagName === 'INPUT' || f.tagName === 'SELECT' || f.tagName === 'TEXTAREA');
  if (typing) ev.detail.shouldSwap = false;
  else window.foresightUpdated = Date.now();
});
