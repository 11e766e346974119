"use strict";
// A search box restored with a query (back button, reload) shows its results again.
// (Replaces htmx's `load[this.value.length > 1]` trigger filter, which needs eval.)
(function () {
  var box = document.querySelector("[data-partner-search]");
  if (!box || !window.htmx) return;
  var done = false;
  window.htmx.onLoad(function () {
    if (done) return;
    done = true;
    if (box.value.length > 1) window.htmx.trigger(box, "partner-restore");
  });
})();
