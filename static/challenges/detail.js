"use strict";
(function () {
  document.querySelectorAll("[data-local-time]").forEach(function (el) {
    var d = new Date(el.getAttribute("data-local-time"));
    el.querySelector("span").textContent = d.toLocaleString(document.documentElement.lang, {dateStyle: "full", timeStyle: "short"}) + " (" + Intl.DateTimeFormat().resolvedOptions().timeZone + ")";
    el.hidden = false;
  });
  document.querySelectorAll("[data-countdown]").forEach(function (el) {
    var end = new Date(el.getAttribute("data-countdown")).getTime();
    var labels = {d: el.dataset.labelDays, h: el.dataset.labelHours, m: el.dataset.labelMinutes, left: el.dataset.labelLeft, closed: el.dataset.labelClosed};
    function tick() {
      var s = Math.max(0, Math.floor((end - Date.now()) / 1000));
      if (s === 0) { el.textContent = labels.closed; return; }
      var d = Math.floor(s / 86400), h = Math.floor(s % 86400 / 3600), m = Math.floor(s % 3600 / 60);
      el.textContent = d + " " + labels.d + " " + h + " " + labels.h + " " + m + " " + labels.m + " " + labels.left;
      setTimeout(tick, 30000);
    }
    tick();
  });
})();
