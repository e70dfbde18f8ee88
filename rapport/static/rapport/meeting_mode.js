// Meeting mode: the clock of a running 1:1. Loaded as a module by meetings/mode.html.
//
// The server holds the clock (time segments), so this module decides nothing by itself: it
// counts the running section on from the last state the server sent, posts the manager's
// presses, and polls so that a reload, a second device or the report's screen all show the
// same clock. Without this module every control still works as a plain form.
// No eval, no inline handlers, no inline styles: the split bar moves through SVG attributes.

const POLL_MS = 5000;
const RETRY_DELAYS_S = [1, 2, 5, 10];
const SECTIONS = ["connection", "performance"];
const LABELS = { connection: "Connection", performance: "Performance" };

const root = document.querySelector("[data-mode]");

function csrfToken(form) {
  const input = form?.querySelector("input[name=csrfmiddlewaretoken]");
  if (input) return input.value;
  try {
    return JSON.parse(document.body.getAttribute("hx-headers") || "{}")["X-CSRFToken"] || "";
  } catch {
    return "";
  }
}

async function readJson(response) {
  const type = response.headers.get("content-type") || "";
  if (!type.includes("application/json")) return null;
  try {
    return await response.json();
  } catch {
    return null;
  }
}

// The same text as the server's clock_text(): m:ss, or h:mm:ss from an hour on.
function clockText(seconds) {
  const whole = Math.max(0, Math.floor(seconds));
  const hours = Math.floor(whole / 3600);
  const minutes = Math.floor((whole % 3600) / 60);
  const secs = String(whole % 60).padStart(2, "0");
  return hours ? `${hours}:${String(minutes).padStart(2, "0")}:${secs}` : `${minutes}:${secs}`;
}

class MeetingClock {
  constructor(box) {
    this.box = box;
    this.clockUrl = box.dataset.clockUrl;
    this.network = box.querySelector("[data-network]");
    this.state = null;
    this.offsetMs = 0; // server clock minus this device's clock
    this.shown = {}; // per section, so a poll's latency never makes the clock step back
    this.shownSince = null;
    this.pending = null; // the latest press that did not reach the server yet
    this.failures = 0;
    this.pollTimer = null;
    this.stopped = false;
    this.inFlight = false;

    const initial = document.getElementById("mode-clock-state");
    if (initial) this.apply(JSON.parse(initial.textContent));
    box.addEventListener("submit", (event) => this.submitted(event));
    box.addEventListener("click", (event) => this.clicked(event));
    document.addEventListener("keydown", (event) => this.keyed(event));
    window.addEventListener("online", () => this.pollNow());
    document.addEventListener("visibilitychange", () => {
      if (document.visibilityState === "visible") this.pollNow();
    });
    setInterval(() => this.render(), 1000);
    this.pollNow();
  }

  control(name) {
    return this.box.querySelector(`form[data-control="${name}"]`);
  }

  get canRun() {
    return this.control("switch") !== null;
  }

  // --- Reading the state -----------------------------------------------------------------

  apply(state) {
    const received = Date.now();
    this.offsetMs = Date.parse(state.server_now) - received;
    if (state.running_since !== this.shownSince) {
      this.shown = {};
      this.shownSince = state.running_since;
    }
    this.state = state;
    this.render();
    if (state.ended) this.stopPolling();
  }

  secondsOf(section) {
    const state = this.state;
    const recorded = state.totals[section] || 0;
    if (state.running !== section || !state.running_since) return recorded;
    // The finished segments count as the server said; the running one counts on from its
    // start on the server's clock, so this device's wrong clock does not matter.
    const since = Date.parse(state.running_since);
    const finished = recorded - Math.floor((Date.parse(state.server_now) - since) / 1000);
    const running = Math.floor((Date.now() + this.offsetMs - since) / 1000);
    const seconds = Math.max(finished + running, recorded, this.shown[section] || 0);
    this.shown[section] = seconds;
    return seconds;
  }

  stateName() {
    const state = this.state;
    if (state.ended) return "ended";
    if (state.running) return "running";
    return state.paused ? "paused" : "idle";
  }

  stateText() {
    const state = this.state;
    if (state.ended) return "Ended";
    if (state.running) return `${LABELS[state.running]} running`;
    return state.paused ? "Paused" : "Not started";
  }

  render() {
    if (!this.state) return;
    const state = this.state;
    const seconds = Object.fromEntries(SECTIONS.map((s) => [s, this.secondsOf(s)]));
    const total = seconds.connection + seconds.performance;
    this.box.dataset.state = this.stateName();
    this.setText("[data-state-text]", this.stateText());
    this.setText("[data-total]", clockText(total));
    for (const section of SECTIONS) {
      this.setText(`[data-time="${section}"]`, clockText(seconds[section]));
      const item = this.box.querySelector(`[data-section="${section}"]`);
      if (!item) continue;
      const running = state.running === section;
      item.classList.toggle("is-running", running);
      if (item.tagName === "BUTTON") {
        item.setAttribute("aria-pressed", String(running));
        item.disabled = state.ended;
      }
      const live = item.querySelector("[data-live]");
      if (live) live.textContent = running ? "running" : "";
    }
    this.renderShare(seconds, total);
    this.renderControls();
  }

  renderShare(seconds, total) {
    const target = this.state.target.connection;
    const connection = total ? Math.round((100 * seconds.connection) / total) : null;
    this.setText('[data-share="connection"]', connection === null ? "–" : `${connection}%`);
    this.setText('[data-share="performance"]', connection === null ? "–" : `${100 - connection}%`);
    this.setText("[data-target]", String(target));
    const bar = this.box.querySelector("[data-split]");
    if (!bar) return;
    const width = connection ?? 0;
    bar.querySelector("[data-split-connection]").setAttribute("width", String(width));
    const performance = bar.querySelector("[data-split-performance]");
    performance.setAttribute("x", String(width));
    performance.setAttribute("width", String(connection === null ? 0 : 100 - width));
    for (const end of ["x1", "x2"]) {
      bar.querySelector("[data-split-target]").setAttribute(end, String(target));
    }
    const label =
      connection === null
        ? `No time measured yet; target ${target}% connection`
        : `${connection}% connection, ${100 - connection}% performance; target ${target}%`;
    if (bar.getAttribute("aria-label") !== label) {
      bar.setAttribute("aria-label", label);
      bar.querySelector("[data-split-title]").textContent = label;
    }
  }

  renderControls() {
    const state = this.state;
    const show = (element, visible) => {
      if (element) element.hidden = !visible;
    };
    show(this.control("start"), !state.started && !state.ended);
    show(this.control("pause"), Boolean(state.running));
    show(this.control("resume"), state.paused);
    show(this.box.querySelector("[data-end]"), state.started && !state.ended);
    show(this.box.querySelector("[data-ended]"), state.ended);
  }

  setText(selector, text) {
    const element = this.box.querySelector(selector);
    if (element && element.textContent !== text) element.textContent = text;
  }

  say(text, tone = "") {
    this.network.textContent = text;
    this.network.dataset.tone = tone;
  }

  // --- Following the server ----------------------------------------------------------------

  pollNow() {
    if (this.stopped) return;
    clearTimeout(this.pollTimer);
    this.poll();
  }

  schedulePoll(delayMs) {
    if (this.stopped) return;
    clearTimeout(this.pollTimer);
    this.pollTimer = setTimeout(() => this.poll(), delayMs);
  }

  stopPolling() {
    this.stopped = true;
    clearTimeout(this.pollTimer);
  }

  lostConnection() {
    this.failures += 1;
    const delay = RETRY_DELAYS_S[Math.min(this.failures - 1, RETRY_DELAYS_S.length - 1)];
    this.say(navigator.onLine ? "Reconnecting…" : "Offline: reconnecting…", "error");
    this.schedulePoll(delay * 1000);
  }

  async poll() {
    let response;
    try {
      response = await fetch(this.clockUrl, {
        credentials: "same-origin",
        redirect: "manual",
        cache: "no-store",
        headers: { Accept: "application/json" },
      });
    } catch {
      this.lostConnection();
      return;
    }
    const data = await readJson(response);
    if (response.ok && data) {
      this.failures = 0;
      if (this.network.dataset.tone === "error" && this.pending === null) this.say("");
      this.apply(data);
      if (this.pending) {
        const { form, fields } = this.pending;
        this.pending = null;
        this.post(form, fields);
      }
      this.schedulePoll(POLL_MS);
    } else if (response.status === 404) {
      this.stopPolling();
      this.say("This meeting is no longer open to you.", "error");
    } else if (response.type === "opaqueredirect") {
      this.say("Signed out: sign in again in another tab. Reconnecting…", "error");
      this.schedulePoll(POLL_MS);
    } else {
      this.lostConnection();
    }
  }

  // --- The manager's presses ---------------------------------------------------------------

  submitted(event) {
    const form = event.target.closest("form[data-control]");
    if (!form) return;
    event.preventDefault();
    const fields = new URLSearchParams(new FormData(form, event.submitter));
    this.post(form, fields);
  }

  clicked(event) {
    // A mouse click leaves focus on the pressed button, where Space would press it again:
    // give focus back to the page so that Space keeps meaning pause/resume.
    const button = event.target.closest("form[data-control] button");
    if (button && event.detail > 0) setTimeout(() => button.blur(), 0);
  }

  async post(form, fields) {
    if (this.inFlight) {
      this.pending = { form, fields }; // sent once the press on its way is answered
      return;
    }
    const hadFocus = form.contains(document.activeElement);
    this.inFlight = true;
    this.box.setAttribute("aria-busy", "true");
    let response;
    try {
      response = await fetch(form.action, {
        method: "POST",
        body: fields,
        credentials: "same-origin",
        redirect: "manual",
        headers: { "X-CSRFToken": csrfToken(form), Accept: "application/json" },
      });
    } catch {
      response = null;
    }
    this.inFlight = false;
    this.box.removeAttribute("aria-busy");
    if (response === null || response.status >= 500) {
      // Kept and sent when the server answers again; the clock stays where the server has it.
      this.pending = { form, fields };
      this.lostConnection();
      return;
    }
    const data = await readJson(response);
    if (response.ok && data) {
      this.failures = 0;
      this.say("");
      this.apply(data);
      if (form.dataset.control === "end") {
        window.location.assign(data.summary_url);
        return;
      }
      if (hadFocus && form.hidden) this.focusVisibleControl();
      if (this.pending) {
        const next = this.pending;
        this.pending = null;
        this.post(next.form, next.fields);
      }
    } else if (data && data.error) {
      this.say(data.error, "error");
      this.pollNow();
    } else if (response.type === "opaqueredirect") {
      this.say("Signed out: sign in again in another tab, then press again.", "error");
    } else if (response.status === 404) {
      this.stopPolling();
      this.say("This meeting is no longer open to you.", "error");
    } else {
      // Django's CSRF refusal: the page's token belongs to an older sign-in.
      this.say("This page is out of date: reload it to carry on with the same clock.", "error");
    }
  }

  focusVisibleControl() {
    for (const name of ["pause", "resume", "start"]) {
      const form = this.control(name);
      if (form && !form.hidden) {
        form.querySelector("button").focus();
        return;
      }
    }
  }

  press(name, section = null) {
    const form = this.control(name === "switch" ? "switch" : name);
    if (!form) return;
    if (section) {
      const button = this.box.querySelector(`button[data-section="${section}"]`);
      if (button && !button.disabled) button.form.requestSubmit(button);
      return;
    }
    form.requestSubmit();
  }

  keyed(event) {
    if (!this.canRun || !this.state || this.state.ended) return;
    if (event.defaultPrevented || event.ctrlKey || event.metaKey || event.altKey) return;
    const target = event.target;
    const typing =
      target.isContentEditable || target.closest?.("input, textarea, select, [contenteditable]");
    if (typing) return;
    const key = event.key.toLowerCase();
    if (key === "c" || key === "p") {
      event.preventDefault();
      this.press("switch", key === "c" ? "connection" : "performance");
    } else if (key === " ") {
      // Space on a focused button or link is that element's own press.
      if (target.closest?.("button, a[href], summary")) return;
      event.preventDefault();
      if (!this.state.started) this.press("start");
      else if (this.state.running) this.press("pause");
      else this.press("resume");
    }
  }
}

if (root) new MeetingClock(root);
