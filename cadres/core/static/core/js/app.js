// Small behaviours for every page. No inline scripts: a strict Content-Security-Policy applies.
(function () {
  "use strict";

  // A form marked data-once disables its submit buttons after the first submit, so a slow
  // import cannot be started twice by a double click.
  document.addEventListener("submit", function (event) {
    var form = event.target;
    if (!(form instanceof HTMLFormElement) || !form.hasAttribute("data-once")) {
      return;
    }
    if (form.dataset.submitted === "1") {
      event.preventDefault();
      return;
    }
    form.dataset.submitted = "1";
    form.querySelectorAll("button[type=submit]").forEach(function (button) {
      button.disabled = true;
      if (button.dataset.busyLabel) {
        button.textContent = button.dataset.busyLabel;
      }
    });
  });

  // Buttons marked data-reset-form clear every field of their form and submit it.
  document.addEventListener("click", function (event) {
    var button = event.target.closest("[data-reset-form]");
    if (!button) {
      return;
    }
    event.preventDefault();
    var form = button.form;
    form.querySelectorAll("input[type=search], input[type=text]").forEach(function (input) {
      input.value = "";
    });
    form.querySelectorAll("select").forEach(function (select) {
      select.selectedIndex = 0;
    });
    form.requestSubmit();
  });
})();
