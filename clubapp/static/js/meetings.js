// Meeting forms: show only the fields that matter for the choices made. Without JavaScript every field shows.
document.addEventListener("DOMContentLoaded", () => {
  document.querySelectorAll("[data-meeting-form]").forEach((form) => {
    const value = (name) => {
      const checked = form.querySelector(`input[name="${name}"]:checked`);
      if (checked) return checked.value;
      const control = form.querySelector(`select[name="${name}"]`);
      return control ? control.value : "";
    };
    const update = () => {
      form.querySelectorAll("[data-show-when]").forEach((block) => {
        const wanted = block.dataset.values.split(" ");
        block.hidden = !wanted.includes(value(block.dataset.showWhen));
      });
    };
    form.addEventListener("change", update);
    update();
  });
});
