// Behaviour of every page, bound here because the Content-Security-Policy allows no inline script.
(function () {
  "use strict";
  // A form with data-confirm asks before it is sent (a final move cannot be undone).
  document.addEventListener("submit", function (event) {
    var form = event.target;
    var message = form.dataset.confirm;
    if (form.dataset.confirmOption !== undefined && form.elements.move) {
      var option = form.elements.move.options[form.elements.move.selectedIndex];
      message = option && option.dataset.confirm;
    }
    if (!message) return;
    if (!window.confirm(message)) { event.preventDefault(); return; }
    // confirmed here: the server does not ask again (nongzhuancheng/confirm.py)
    var confirmed = form.querySelector("input[name=confirmed]");
    if (!confirmed) {
      confirmed = document.createElement("input");
      confirmed.type = "hidden";
      confirmed.name = "confirmed";
      form.appendChild(confirmed);
    }
    confirmed.value = "1";
  });
  // A select with data-autosubmit sends its form when it changes (the language switch).
  document.addEventListener("change", function (event) {
    if (event.target.matches("select[data-autosubmit]")) event.target.form.submit();
  });
  // A button with data-print prints the page (the receipt).
  document.addEventListener("click", function (event) {
    var button = event.target.closest("[data-print]");
    if (button) window.print();
  });
  // Bars: widths and markers come as data attributes (no inline style under the policy).
  function place() {
    document.querySelectorAll("[data-width]").forEach(function (el) { el.style.width = el.dataset.width + "%"; });
    document.querySelectorAll("[data-left]").forEach(function (el) { el.style.left = el.dataset.left + "%"; });
  }
  if (document.readyState === "loading") document.addEventListener("DOMContentLoaded", place); else place();
})();
