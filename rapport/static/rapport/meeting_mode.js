// Meeting mode. Loaded as a module by meetings/mode.html.
//
// The server renders the clock (state, times, split, controls) as a fragment that htmx swaps
// in after every press and every few seconds. This module decides nothing about the clock: it
// only (1) counts the running section's seconds on between two swaps, from the `data-seconds`
// the server rendered, (2) turns the C, P and Space keys into presses of the same forms,
// (3) asks for a fresh fragment when the tab comes back or the network returns, and says when
// the server cannot be reached, (4) shows the three columns as tabs on a phone, and (5) sends
// the signals card's "add to the agenda" through htmx so the meeting carries on here.
// (6) It also says politely, in a live region outside the clock, what changed (a start, a
// switch, a pause, minutes left), never the ticking seconds.
// Without it every control is a plain form, and every column is visible, one under the other.
// No eval, no inline handlers, no inline styles.

import { isTyping } from "./common.js";

const CLOCK = "#mode-clock";
const clockBox = () => document.querySelector(CLOCK);

// --- (1) Ticking between swaps -------------------------------------------------------------

let swappedAt = performance.now();
// The highest second shown per running stretch, so a swap's latency never steps the clock back.
const shown = new Map();

function clockText(seconds) {
  const whole = Math.max(0, Math.floor(seconds));
  const hours = Math.floor(whole / 3600);
  const minutes = Math.floor((whole % 3600) / 60);
  const secs = String(whole % 60).padStart(2, "0");
  return hours ? `${hours}:${String(minutes).padStart(2, "0")}:${secs}` : `${minutes}:${secs}`;
}

function tick() {
  const box = clockBox();
  if (!box || box.dataset.state !== "running") return;
  const elapsed = Math.floor((performance.now() - swappedAt) / 1000);
  const stretch = box.dataset.runningSince;
  const count = (element, key) => {
    if (!element) return;
    const seconds = Math.max(Number(element.dataset.seconds) + elapsed, shown.get(key) || 0);
    shown.set(key, seconds);
    const text = clockText(seconds);
    if (element.textContent !== text) element.textContent = text;
  };
  count(box.querySelector(`[data-time="${box.dataset.running}"]`), `${stretch}:section`);
  count(box.querySelector("[data-total]"), `${stretch}:total`);
  sayTimeLeft(shown.get(`${stretch}:total`));
}

setInterval(tick, 1000);

// --- (2) Keys ----------------------------------------------------------------------------

function press(name, section = "") {
  const box = clockBox();
  const form = section
    ? box?.querySelector(`button[data-section="${section}"]:not(:disabled)`)?.form
    : box?.querySelector(`form[data-control="${name}"]`);
  if (form) form.requestSubmit();
  return Boolean(form);
}

document.addEventListener("keydown", (event) => {
  if (event.defaultPrevented || event.ctrlKey || event.metaKey || event.altKey) return;
  if (isTyping(event.target)) return;
  const key = event.key.toLowerCase();
  if (key === "c" || key === "p") {
    if (press("switch", key === "c" ? "connection" : "performance")) event.preventDefault();
  } else if (key === " ") {
    // Space on a focused button, link or summary is that element's own press.
    if (event.target.closest?.("button, a[href], summary")) return;
    if (press("start") || press("pause") || press("resume")) event.preventDefault();
  }
});

// A mouse click leaves focus on the pressed button, where Space would press it again.
document.addEventListener("click", (event) => {
  const button = event.target.closest?.(`${CLOCK} form[data-control] button`);
  if (button && event.detail > 0) setTimeout(() => button.blur(), 0);
});

// --- (3) Following the server ---------------------------------------------------------------

function refresh() {
  const box = clockBox();
  if (box && box.hasAttribute("hx-get") && window.htmx) window.htmx.trigger(box, "mode:refresh");
}

document.addEventListener("visibilitychange", () => {
  if (document.visibilityState === "visible") refresh();
});
window.addEventListener("online", refresh);

function say(text) {
  const network = clockBox()?.querySelector("[data-network]");
  if (!network) return;
  network.textContent = text;
  network.dataset.tone = text ? "error" : "";
}

const fromClock = (event) => event.detail.target?.id === "mode-clock";
let endWasOpen = false;
let pressed = false;

document.addEventListener("htmx:beforeRequest", (event) => {
  if (!fromClock(event)) return;
  pressed = event.detail.elt.tagName === "FORM";
});

document.addEventListener("htmx:beforeSwap", (event) => {
  // A refused press (400, 403, 409) answers with the fragment and its reason: show it. (Django's
  // own CSRF refusal is a 403 too, but a whole page: that one is not swapped in.)
  // Whether the End fold is open is read now, not when the request left: it may have been
  // opened meanwhile, and the swap must not close it under the person's focus.
  if (fromClock(event)) endWasOpen = Boolean(clockBox()?.querySelector("[data-end]")?.open);
  const { xhr } = event.detail;
  const fragment = xhr.responseText.includes('id="mode-clock"');
  if (fromClock(event) && fragment && [400, 403, 409].includes(xhr.status)) {
    event.detail.shouldSwap = true;
    event.detail.isError = false;
  }
});

document.addEventListener("htmx:afterSwap", (event) => {
  if (!fromClock(event)) return;
  swappedAt = performance.now();
  const box = clockBox();
  sayChange(box);
  sayTimeLeft(Number(box?.querySelector("[data-total]")?.dataset.seconds));
  if (endWasOpen && !pressed) box?.querySelector("[data-end]")?.setAttribute("open", "");
  // After a press the pressed button may be gone (Pause becomes Resume): keep focus nearby,
  // on the button that took its place. (htmx itself keeps focus on any button whose id is in
  // the new clock, so the every-5-seconds swaps never move it.)
  if (pressed && document.activeElement === document.body) {
    const places = ["resume", "pause", "start"].map((name) => `[data-control=${name}] button`);
    const next = [...places, "[data-control] button:not(:disabled)"]
      .map((selector) => box?.querySelector(selector))
      .find(Boolean);
    next?.focus();
  }
});

// The words said aloud or shown, in the viewer's language: mode.html renders them as
// data-say-* attributes on the announcement region; the English here is only a fallback.
function words(key, english) {
  const region = document.querySelector("[data-clock-announce]");
  const name = `say${key.replace(/(^|-)([a-z])/g, (_, dash, letter) => letter.toUpperCase())}`;
  return region?.dataset[name] || english;
}

document.addEventListener("htmx:sendError", (event) => {
  if (!fromClock(event)) return;
  say(
    navigator.onLine
      ? words("reconnecting", "Reconnecting…")
      : words("offline", "Offline: reconnecting…"),
  );
});

document.addEventListener("htmx:responseError", (event) => {
  if (!fromClock(event)) return;
  const status = event.detail.xhr.status;
  if (status === 404) say(words("gone", "This meeting is no longer open to you."));
  else if (status === 403)
    say(words("stale", "This page is out of date: reload it to carry on with the same clock."));
  else say(words("reconnecting", "Reconnecting…"));
});

// --- (4) Tabs on a phone --------------------------------------------------------------------

function setUpTabs() {
  const list = document.querySelector("[data-mode-tabs]");
  const screen = document.querySelector("[data-mode-screen]");
  if (!list || !screen) return;
  const tabs = [...list.querySelectorAll("[role=tab]")];
  const panels = tabs.map((tab) => document.getElementById(tab.getAttribute("aria-controls")));
  const select = (index, focus = false) => {
    tabs.forEach((tab, i) => {
      const on = i === index;
      tab.setAttribute("aria-selected", String(on));
      tab.tabIndex = on ? 0 : -1;
      panels[i].classList.toggle("is-active", on);
    });
    if (focus) tabs[index].focus();
  };
  panels.forEach((panel, i) => {
    panel.setAttribute("role", "tabpanel");
    panel.setAttribute("aria-labelledby", tabs[i].id);
    panel.tabIndex = 0;
  });
  list.addEventListener("click", (event) => {
    const index = tabs.indexOf(event.target.closest("[role=tab]"));
    if (index >= 0) select(index);
  });
  list.addEventListener("keydown", (event) => {
    const current = tabs.indexOf(document.activeElement);
    if (current < 0) return;
    const moves = { ArrowRight: current + 1, ArrowLeft: current - 1, Home: 0, End: tabs.length - 1 };
    if (!(event.key in moves)) return;
    event.preventDefault();
    select((moves[event.key] + tabs.length) % tabs.length, true);
  });
  select(0);
  list.hidden = false;
  screen.dataset.tabsReady = "1"; // mode.css hides the inactive panels on narrow screens only
}

setUpTabs();

// --- (5) Signals to the agenda without leaving meeting mode ---------------------------------

// The signals card posts to the insights view, which redirects to the meeting page; htmx
// follows that redirect and takes the fresh agenda from it. Without this, the plain form
// works and lands on the meeting page.
function enhanceSignals(root) {
  if (!window.htmx) return;
  for (const form of root.querySelectorAll("[data-mode-signals] form[method=post]")) {
    form.setAttribute("hx-post", form.action);
    form.setAttribute("hx-target", "#agenda-block");
    form.setAttribute("hx-select", "#agenda-block");
    form.setAttribute("hx-swap", "outerHTML");
    window.htmx.process(form);
  }
}

if (window.htmx) enhanceSignals(document);
else document.addEventListener("DOMContentLoaded", () => enhanceSignals(document));

// --- (6) Saying what changed, politely ----------------------------------------------------

// The ticking seconds are a role=timer (never announced); this region, outside the swapped
// clock (so it survives every swap) and outside the phone's tab panels (so a hidden tab does not
// silence it), gets one short sentence per change. The same words come
// from the manager's presses and from the report's polls.
const SECTION_NAMES = { connection: "connection", performance: "performance" };
const MINUTES_LEFT = [5, 1, 0]; // the moments worth a word

let pending = [];

function announce(text) {
  const region = document.querySelector("[data-clock-announce]");
  if (!region || !text) return;
  pending.push(text);
  // A second change in the same moment is said with the first: "Switched to performance. 5
  // minutes left".
  if (pending.length > 1) return;
  // Clear first, so the same words twice in a row (Paused, Resumed, Paused) are read again.
  region.textContent = "";
  setTimeout(() => {
    region.textContent = pending.join(". ");
    pending = [];
  }, 100);
}

const stateOf = (box) => (box ? `${box.dataset.state}:${box.dataset.running || ""}` : "");
let lastState = stateOf(clockBox());

function changeWords(before, box) {
  const [was] = before.split(":");
  const section = SECTION_NAMES[box.dataset.running] || box.dataset.running;
  const name = section ? section[0].toUpperCase() + section.slice(1) : "";
  switch (box.dataset.state) {
    case "ended":
      return words("ended", "Meeting ended");
    case "paused":
      return words("paused", "Paused");
    case "running":
      if (was === "idle") return words(`started-${box.dataset.running}`, `${name} started`);
      if (was === "paused") return words(`resumed-${box.dataset.running}`, `Resumed: ${section}`);
      return words(`switched-${box.dataset.running}`, `Switched to ${section}`);
    default:
      return "";
  }
}

function sayChange(box) {
  if (!box) return;
  const now = stateOf(box);
  if (lastState && now !== lastState) announce(changeWords(lastState, box));
  lastState = now;
}

// Minutes already said (or already past when the page opened): each is said once.
const saidLeft = new Set();

function sayTimeLeft(totalSeconds, quietly = false) {
  const box = clockBox();
  const planned = Number(box?.dataset.plannedMinutes) * 60;
  if (!planned || !Number.isFinite(totalSeconds)) return;
  const left = planned - totalSeconds;
  const crossed = MINUTES_LEFT.filter((minutes) => left <= minutes * 60 && !saidLeft.has(minutes));
  if (!crossed.length) return;
  crossed.forEach((minutes) => saidLeft.add(minutes));
  if (quietly || box.dataset.state !== "running") return;
  const minutes = Math.min(...crossed);
  if (minutes === 0) announce(words("time-up", "Time is up"));
  else announce(words(`left-${minutes}`, minutes === 1 ? "1 minute left" : `${minutes} minutes left`));
}

sayTimeLeft(Number(clockBox()?.querySelector("[data-total]")?.dataset.seconds), true);
