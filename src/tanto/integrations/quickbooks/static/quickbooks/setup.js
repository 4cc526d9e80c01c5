// Enables a setup step's gated buttons (Continue, Done) only once every required choice is made.
// The server enforces the same rules; this only saves a round trip.
(function () {
  "use strict";

  function groupsSatisfied(form, attribute, key) {
    var groups = {};
    form.querySelectorAll("[" + attribute + "]").forEach(function (el) {
      var name = el.dataset[key];
      groups[name] = groups[name] || el.checked;
    });
    return Object.keys(groups).every(function (name) { return groups[name]; });
  }

  function complete(form) {
    var ok = true;
    form.querySelectorAll("[data-required]").forEach(function (el) {
      if (!el.value) { ok = false; }
    });
    form.querySelectorAll("[data-required-when]").forEach(function (el) {
      var toggle = document.getElementById(el.dataset.requiredWhen);
      if (toggle && toggle.checked && !el.value) { ok = false; }
    });
    return ok && groupsSatisfied(form, "data-required-choice", "requiredChoice")
      && groupsSatisfied(form, "data-one-of", "oneOf");
  }

  function update(form) {
    var ok = complete(form);
    form.querySelectorAll("[data-gated]").forEach(function (button) { button.disabled = !ok; });
  }

  document.addEventListener("DOMContentLoaded", function () {
    document.querySelectorAll("form[data-complete-gate]").forEach(function (form) {
      update(form);
      form.addEventListener("change", function () { update(form); });
      form.addEventListener("input", function () { update(form); });
    });
  });
})();
