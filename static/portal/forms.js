"use strict";
// A double click sends one request: buttons are disabled once the form is on its way
// (after the browser has read the clicked button's name and value).
document.addEventListener("submit", function (event) {
  var form = event.target;
  if ((form.method || "").toLowerCase() !== "post" || event.defaultPrevented) return;
  setTimeout(function () {
    form.querySelectorAll("button[type=submit], button:not([type]), input[type=submit]").forEach(function (b) { if (!b.disabled) { b.disabled = true; b.dataset.autoDisabled = "1"; } });
  }, 0);
});
// A page restored from the back-forward cache gets its buttons back.
window.addEventListener("pageshow", function () {
  document.querySelectorAll("[data-auto-disabled]").forEach(function (b) { b.disabled = false; delete b.dataset.autoDisabled; });
});

// Choosing a language or an organization submits its form at once (a <noscript>
// button does it without JavaScript).
document.addEventListener("change", function (event) {
  var el = event.target;
  if (el.matches && el.matches("select[data-autosubmit]") && el.form) el.form.submit();
});

// The menu button on narrow screens opens and closes the main navigation.
document.addEventListener("click", function (event) {
  var button = event.target.closest && event.target.closest("[data-toggle-open]");
  if (!button) return;
  var target = document.getElementById(button.getAttribute("data-toggle-open"));
  if (!target) return;
  var open = target.classList.toggle("open");
  button.setAttribute("aria-expanded", open ? "true" : "false");
});
