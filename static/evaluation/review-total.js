/* The review sheet's weighted total, recomputed as the reviewer types (the server recomputes
   it on save; this is only a preview). Each criterion's <legend> carries its weight, maximum
   score and the name of its score field. */
(function () {
  "use strict";
  var sheet = document.getElementById("review-sheet");
  var out = document.getElementById("review-total");
  if (!sheet || !out) return;
  var legends = sheet.querySelectorAll("legend[data-field]");
  var format = new Intl.NumberFormat(document.documentElement.lang || undefined, {
    minimumFractionDigits: 1,
    maximumFractionDigits: 1,
  });

  function update() {
    var total = 0;
    var scored = 0;
    legends.forEach(function (legend) {
      var input = sheet.elements[legend.dataset.field];
      if (!input || input.value === "") return;
      var value = Number(input.value);
      var max = Number(legend.dataset.max);
      var weight = Number(legend.dataset.weight);
      if (!isFinite(value) || value < 0 || value > max || !max) return;
      total += (weight * value) / max;
      scored += 1;
    });
    out.textContent = scored ? format.format(Math.round(total * 10) / 10) : "—";
  }

  sheet.addEventListener("input", update);
  update();
})();
