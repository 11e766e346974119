// Autosave for draft forms (challenge and bid drafts).
//
// A form marked `data-autosave` is sent in the background a few seconds after the
// last change (header X-Autosave: 1, answered in JSON). The status line
// ([data-autosave-status]) says "Saved at 14:32"; the completeness panel is
// replaced by the server's. Leaving the page with unsaved changes asks first.
(function () {
  "use strict";
  var DELAY_MS = 3000;

  function init(form) {
    var status = document.querySelector("[data-autosave-status]");
    var dirty = false;
    var timer = null;
    var inFlight = false;
    var again = false;

    function say(text, isError) {
      if (!status) return;
      status.textContent = text;
      status.classList.toggle("autosave-error", Boolean(isError));
    }

    function save() {
      timer = null;
      if (inFlight) { again = true; return; }
      inFlight = true;
      dirty = false;
      say(form.dataset.autosaveSaving || "…");
      var data = new FormData(form);
      data.delete("then");
      fetch(form.getAttribute("action") || window.location.href, {
        method: "POST",
        body: data,
        credentials: "same-origin",
        headers: { "X-Autosave": "1", "X-Requested-With": "XMLHttpRequest" }
      }).then(function (response) {
        return response.json().then(function (body) { return { ok: response.ok, body: body }; });
      }).then(function (result) {
        say(result.body.message || "", !result.ok);
        if (!result.ok) { dirty = true; return; }
        if (result.body.url && result.body.url !== window.location.pathname) {
          // A new draft now exists: further saves update it instead of creating another.
          form.setAttribute("action", result.body.url);
          window.history.replaceState(null, "", result.body.url);
        }
        var panel = document.querySelector("[data-completeness]");
        if (panel && result.body.completeness) { panel.outerHTML = result.body.completeness; }
      }).catch(function () {
        dirty = true;
        say(form.dataset.autosaveOffline || "", true);
      }).then(function () {
        inFlight = false;
        if (again) { again = false; schedule(); }
      });
    }

    function schedule() {
      dirty = true;
      say(form.dataset.autosavePending || "");
      if (timer) window.clearTimeout(timer);
      timer = window.setTimeout(save, DELAY_MS);
    }

    form.addEventListener("input", schedule);
    form.addEventListener("change", schedule);
    form.addEventListener("submit", function () {
      dirty = false;
      if (timer) window.clearTimeout(timer);
    });
    window.addEventListener("beforeunload", function (event) {
      if (!dirty && !inFlight) return;
      event.preventDefault();
      event.returnValue = "";  // the browser shows its own "leave page?" question
    });
  }

  document.querySelectorAll("form[data-autosave]").forEach(init);
})();
