// The flow page: clicking (or pressing Enter on) a node of a diagram shows that node's YAML lines beside it.
document.querySelectorAll('section.flow').forEach(function (section) {
  var view = section.querySelector('.yaml-view');
  function show(node) {
    var t = section.querySelector("template.yaml[data-node='" + node + "']");
    view.textContent = t ? t.content.textContent : '';
    view.dataset.node = node;
    section.querySelectorAll('g.node.selected').forEach(function (g) { g.classList.remove('selected'); });
    var g = section.querySelector("g.node[data-node='" + node + "']");
    if (g) g.classList.add('selected');
  }
  section.querySelectorAll('g.node').forEach(function (g) {
    g.addEventListener('click', function () { show(g.dataset.node); });
    g.addEventListener('keydown', function (e) { if (e.key === 'Enter') show(g.dataset.node); });
  });
});
