// Referral forms. Without JavaScript every club and every field shows, and the server says what is wrong.
document.addEventListener("DOMContentLoaded", () => {
  // Giving a referral or logging a one-to-one: offer only the clubs shared with the chosen member.
  document.querySelectorAll("[data-referral-form]").forEach((form) => {
    const person = form.querySelector("select[name=to_user_id], select[name=with_user_id]");
    const club = form.querySelector("select[name=club_id]");
    if (!person || !club) return;
    const update = () => {
      const chosen = person.selectedOptions[0];
      const shared = chosen && chosen.dataset.clubs ? chosen.dataset.clubs.split(" ") : null;
      [...club.options].forEach((option) => {
        const off = shared !== null && option.value !== "" && !shared.includes(option.value);
        option.hidden = off;
        option.disabled = off;
      });
      if (shared && (shared.length === 1 || !shared.includes(club.value))) club.value = shared.length === 1 ? shared[0] : "";
    };
    person.addEventListener("change", update);
    update();
  });
  // Following a referral up: the amount and currency matter once it is won.
  document.querySelectorAll("[data-follow-up]").forEach((form) => {
    const amount = form.querySelector("[data-when-won]");
    if (!amount) return;
    const update = () => {
      const status = form.querySelector("input[name=status]:checked");
      // A refused amount stays in sight with its message; a hidden amount is not sent.
      const off = (!status || status.value !== "won") && !amount.querySelector("[aria-invalid=true]");
      amount.hidden = off;
      amount.querySelectorAll("input").forEach((input) => { input.disabled = off; });
    };
    form.addEventListener("change", update);
    update();
  });
});
