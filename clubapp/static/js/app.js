// Small progressive enhancements; every page works without JavaScript.
document.addEventListener("DOMContentLoaded", () => {
  // Confirm destructive actions.
  document.querySelectorAll("[data-confirm]").forEach((button) => {
    button.addEventListener("click", (event) => {
      if (!window.confirm(button.dataset.confirm)) event.preventDefault();
    });
  });
  // Pre-select the browser's time zone on forms that still show the default.
  const browserZone = Intl.DateTimeFormat().resolvedOptions().timeZone;
  document.querySelectorAll("select[name=timezone][data-browser-default]").forEach((select) => {
    if (browserZone && [...select.options].some((o) => o.value === browserZone)) select.value = browserZone;
  });
  document.querySelectorAll("[data-select-on-focus]").forEach((input) => {
    input.addEventListener("focus", () => input.select());
  });
  // Dropdown menus (<details class="dropdown">) close on Escape, back to their summary, and on a
  // click elsewhere, as menus do; without JavaScript the summary still toggles them.
  const dropdowns = () => document.querySelectorAll("details.dropdown[open]");
  document.addEventListener("keydown", (event) => {
    if (event.key !== "Escape") return;
    dropdowns().forEach((details) => {
      details.open = false;
      details.querySelector("summary")?.focus();
    });
  });
  document.addEventListener("click", (event) => {
    dropdowns().forEach((details) => {
      if (!details.contains(event.target)) details.open = false;
    });
  });
});
