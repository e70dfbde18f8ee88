// "Everyone on the team" ticks every report at once, and unticks itself when one is unticked.
// Without JavaScript the box still works: the server then takes the whole team.
for (const form of document.querySelectorAll("form[data-select-all]")) {
  const everyone = form.querySelector('input[name="everyone"]');
  const people = [...form.querySelectorAll('input[name="reports"]')];
  if (!everyone || people.length === 0) continue;
  const sync = () => {
    everyone.checked = people.every((box) => box.checked);
  };
  everyone.addEventListener("change", () => {
    for (const box of people) box.checked = everyone.checked;
  });
  for (const box of people) box.addEventListener("change", sync);
}
