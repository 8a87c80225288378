// Following a link into a collapsed cassette opens it first, so the target row can be seen;
// the buttons open or close every cassette. The page reads the same without this script.
(function () {
  "use strict";
  function reveal() {
    var id = decodeURIComponent(location.hash.slice(1));
    var target = id && document.getElementById(id);
    if (!target) return;
    for (var box = target.closest("details"); box; box = box.parentElement && box.parentElement.closest("details")) {
      box.open = true;
    }
    target.scrollIntoView({ block: "center" });
  }
  function setAll(open) {
    document.querySelectorAll("details.cassette").forEach(function (box) { box.open = open; });
  }
  document.documentElement.classList.add("js");
  document.querySelectorAll("button[data-action]").forEach(function (button) {
    button.addEventListener("click", function () { setAll(button.dataset.action === "expand"); });
  });
  window.addEventListener("hashchange", reveal);
  reveal();
})();
