// Filters fold away on a phone (<details class="filters-fold">) and stay open on wider
// screens, where there is room for them beside the results.
(function () {
  "use strict";
  var wide = window.matchMedia("(min-width: 900px)");
  function apply() {
    document.querySelectorAll("details.filters-fold").forEach(function (el) {
      if (wide.matches) el.open = true;
    });
  }
  apply();
  wide.addEventListener("change", apply);
})();
