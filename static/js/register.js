// Register: show how many families are marked so far. Progressive enhancement only: the
// register saves the same way without it.
const form = document.querySelector("[data-register]");
const counter = form && form.querySelector("[data-register-count]");

if (form && counter) {
  const rows = Array.from(form.querySelectorAll(".register-row"));
  const update = () => {
    const marked = rows.filter((row) => row.querySelector('input[type="radio"]:checked')).length;
    counter.textContent = `${marked} of ${rows.length} ${rows.length === 1 ? "family" : "families"} marked.`;
  };
  form.addEventListener("change", update);
  update();
}
