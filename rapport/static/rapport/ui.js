// Page-wide helpers loaded as a module by base.html: the phone's navigation menu and the time
// zone filter. Both only enhance: without JavaScript the links wrap and the zone list is a plain
// grouped <select>.

// --- Navigation menu (phones) -------------------------------------------------------------
// rapport.css shows the toggle and hides the links below 900px once the nav has "has-menu".
function setUpNavMenu(nav) {
  const toggle = nav.querySelector(".nav-toggle");
  const links = nav.querySelector(".nav-links");
  if (!toggle || !links) return;
  nav.classList.add("has-menu");

  const isOpen = () => toggle.getAttribute("aria-expanded") === "true";
  const setOpen = (open) => {
    toggle.setAttribute("aria-expanded", open ? "true" : "false");
    nav.classList.toggle("is-open", open);
  };

  toggle.addEventListener("click", () => {
    setOpen(!isOpen());
    if (isOpen()) links.querySelector("a")?.focus();
  });
  nav.addEventListener("keydown", (event) => {
    if (event.key === "Escape" && isOpen()) {
      event.preventDefault();
      setOpen(false);
      toggle.focus();
    }
  });
  // A click or focus anywhere else closes it.
  document.addEventListener("click", (event) => {
    if (isOpen() && !nav.contains(event.target)) setOpen(false);
  });
  nav.addEventListener("focusout", (event) => {
    if (isOpen() && event.relatedTarget && !nav.contains(event.relatedTarget)) setOpen(false);
  });
}

for (const nav of document.querySelectorAll("[data-nav-menu]")) setUpNavMenu(nav);

// --- Time zone filter ----------------------------------------------------------------------
// A text box before each zone <select>: typing "berl" or "new york" keeps the matching zones
// (and the chosen one) and selects the first match, so a long grouped list is quick to search.
function normalise(text) {
  return text.toLowerCase().replaceAll("_", " ").replaceAll("/", " ");
}

function setUpZoneFilter(select) {
  if (select.dataset.zoneFilterReady) return;
  select.dataset.zoneFilterReady = "1";
  const input = document.createElement("input");
  input.type = "search";
  input.className = "zone-filter";
  input.id = `${select.id || "zone"}-filter`;
  // The words, in the viewer's language, come from the select's data-say-* attributes
  // (people/forms.py); the English is only a fallback.
  const say = select.dataset;
  input.placeholder = say.sayPlaceholder || "Type a city or region to filter";
  input.autocomplete = "off";
  const label = document.createElement("label");
  label.className = "visually-hidden";
  label.htmlFor = input.id;
  label.textContent = say.sayLabel || "Filter time zones";
  const status = document.createElement("span");
  status.className = "visually-hidden";
  status.setAttribute("role", "status");
  select.before(label, input);
  select.after(status);

  input.addEventListener("input", () => {
    const words = normalise(input.value).split(/\s+/).filter(Boolean);
    let shown = 0;
    let first = null;
    for (const group of select.querySelectorAll("optgroup")) {
      let groupShown = 0;
      for (const option of group.querySelectorAll("option")) {
        const text = normalise(`${group.label} ${option.value} ${option.textContent}`);
        const match = words.every((word) => text.includes(word));
        option.hidden = !match && !option.selected;
        if (match) {
          groupShown += 1;
          first ??= option;
        }
      }
      group.hidden = groupShown === 0 && !group.querySelector("option:checked");
      shown += groupShown;
    }
    if (words.length && first) select.value = first.value;
    const matches =
      shown === 1
        ? say.sayMatchesOne || "{count} time zone matches"
        : say.sayMatchesOther || "{count} time zones match";
    status.textContent = words.length ? matches.replace("{count}", String(shown)) : "";
  });
}

for (const select of document.querySelectorAll("select[data-zone-filter]")) setUpZoneFilter(select);

// --- Wide tables -----------------------------------------------------------------------------
// A table wider than the screen scrolls inside its .table-wrap. Keyboard users scroll it once it
// can take focus, and a screen reader names it after its caption or its section's heading.
// Checked again whenever a wrap or its table changes size, not only on the window's resize
// event: the layout can change without one (a viewport set from outside, a table whose
// content grows), and a table was then left scrollable but out of reach of the keyboard.
function makeScrollableTablesFocusable() {
  for (const wrap of document.querySelectorAll(".table-wrap")) {
    const scrolls = wrap.scrollWidth > wrap.clientWidth;
    if (scrolls && !wrap.hasAttribute("tabindex")) {
      const heading =
        wrap.querySelector("caption") ||
        wrap.closest("section, .card")?.querySelector("h2, h3") ||
        document.querySelector("h1");
      wrap.setAttribute("tabindex", "0");
      wrap.setAttribute("role", "region");
      if (heading) wrap.setAttribute("aria-label", heading.textContent.trim());
    } else if (!scrolls && wrap.getAttribute("tabindex") === "0") {
      wrap.removeAttribute("tabindex");
      wrap.removeAttribute("role");
      wrap.removeAttribute("aria-label");
    }
  }
}

makeScrollableTablesFocusable();
if ("ResizeObserver" in window) {
  const resized = new ResizeObserver(makeScrollableTablesFocusable);
  for (const wrap of document.querySelectorAll(".table-wrap")) {
    resized.observe(wrap);
    if (wrap.firstElementChild) resized.observe(wrap.firstElementChild);
  }
} else {
  window.addEventListener("resize", makeScrollableTablesFocusable);
}
