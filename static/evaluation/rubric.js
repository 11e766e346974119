"use strict";
(function () {
  var out = document.getElementById("weight-total");
  if (!out) return;
  function sum() {
    var total = 0;
    document.querySelectorAll("input[name$='-weight']").forEach(function (el) {
      var del = document.querySelector("input[name='" + el.name.replace("-weight", "-DELETE") + "']");
      if (del && del.checked) return;
      total += parseInt(el.value || "0", 10) || 0;
    });
    out.textContent = total;
    out.style.color = total === 100 ? "var(--c-ok)" : "var(--c-bad)";
  }
  document.addEventListener("input", sum);
  document.addEventListener("change", sum);
  sum();
})();
