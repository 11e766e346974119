"use strict";
(function () {
  var meta = JSON.parse(document.getElementById("registry-meta").textContent);
  var country = document.getElementById("id_country");
  var registry = document.getElementById("id_registry");
  if (!country || !registry) return;
  function sync() {
    var c = country.value, any = false, first = null;
    Array.prototype.forEach.call(registry.options, function (o) {
      if (!o.value) return;
      var ok = meta[o.value] === c;
      o.hidden = !(ok || (!Object.values(meta).includes(c) && meta[o.value] === ""));
      if (!o.hidden) { any = true; first = first || o; }
    });
    if (registry.selectedOptions.length && registry.selectedOptions[0].hidden && first) registry.value = first.value;
    if (!registry.value && first) registry.value = first.value;
  }
  country.addEventListener("change", sync); sync();
})();
