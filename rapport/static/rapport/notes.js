// Meeting notes that save themselves. Loaded as a module by meetings/_notes.html.
//
// Each save names the version the text was typed on; the server answers 409 when the note
// moved on meanwhile (another tab or device) and keeps the refused text, so this module only
// shows both texts and sends the person's choice. Network failures are retried with backoff
// and said out loud; a database that refuses writes answers 503 with its reason, which is shown,
// and a Retry-After, which is obeyed. Leaving the page with unsaved text asks first.
//
// Each save attempt carries a random key, sent again unchanged until an answer arrives, so a
// save whose answer was lost is recognised by the server instead of conflicting with itself.
// Unsaved text is also kept in this browser's localStorage (keyed by person, meeting and kind)
// until the server acknowledges it, and offered again after a reload; sign-out clears it.
// No eval, no inline handlers, and user text only ever goes into the page as text (server
// HTML is sanitised).

import { csrfToken, readJson } from "./common.js";

const SAVE_AFTER_IDLE_MS = 800;
const SAVE_WHILE_TYPING_MS = 5000;
const RETRY_DELAYS_S = [2, 5, 10, 20, 30];

// Every key Rapport puts in localStorage starts with this; forget.js clears them all.
const LOCAL_PREFIX = "rapport:";

const editors = new Set();
const localTexts = new WeakMap();

function timeFormatter(zone) {
  const options = { hour: "2-digit", minute: "2-digit", hourCycle: "h23" };
  try {
    return new Intl.DateTimeFormat(undefined, { ...options, timeZone: zone || undefined });
  } catch {
    return new Intl.DateTimeFormat(undefined, options);
  }
}

function newSaveKey() {
  // crypto.randomUUID needs a secure context; getRandomValues works on plain http too.
  const bytes = crypto.getRandomValues(new Uint8Array(16));
  return Array.from(bytes, (byte) => byte.toString(16).padStart(2, "0")).join("");
}

// localStorage may be missing or full (private windows, quotas): saving never depends on it.
const local = {
  read(key) {
    try {
      const value = JSON.parse(localStorage.getItem(key) || "null");
      return value && typeof value.body === "string" ? value : null;
    } catch {
      return null;
    }
  },
  write(key, value) {
    try {
      localStorage.setItem(key, JSON.stringify(value));
    } catch {
      // Nothing to do: the text is still in the page and still being sent.
    }
  },
  forget(key) {
    try {
      localStorage.removeItem(key);
    } catch {
      // As above.
    }
  },
};

class NoteEditor {
  constructor(box, section) {
    this.box = box;
    this.section = section;
    this.editor = box.querySelector("[data-editor]");
    this.status = box.querySelector("[data-status]");
    this.preview = box.querySelector("[data-preview]");
    this.conflicts = box.querySelector("[data-conflicts]");
    this.saveUrl = box.dataset.saveUrl;
    this.resolveUrl = box.dataset.resolveUrl;
    this.version = Number(box.dataset.version || "0");
    // The text the server holds at `version`: what "unsaved" is measured against.
    this.savedBody = this.editor ? this.editor.value : "";
    this.inFlight = false;
    this.idleTimer = null;
    this.typingTimer = null;
    this.retryTimer = null;
    this.countdown = null;
    this.retries = 0;
    this.stopped = false; // a refusal that retrying cannot fix (closed 1:1, stale page)
    this.heldBack = null; // text the server refused as invalid, not sent again unchanged
    // The save sent but not yet answered: {key, version}. A retry sends the same key and base
    // version (with the newest text); a new key is drawn only once an answer has arrived.
    this.attempt = null;
    // Only for a signed-in person: the page names them; without a name nothing is stored.
    const person = section.dataset.person;
    this.localKey = person
      ? `${LOCAL_PREFIX}note:${person}:${section.dataset.meeting}:${box.dataset.kind}`
      : null;
    this.formatTime = timeFormatter(section.dataset.timezone);
    this.savedAt = box.querySelector("[data-status] time")?.getAttribute("datetime") || null;
    if (this.editor) {
      this.editor.addEventListener("input", () => this.typed());
      this.editor.addEventListener("blur", () => this.saveNow());
    }
    this.conflicts.addEventListener("click", (event) => this.clicked(event));
    this.restore();
  }

  // --- This browser's copy of unsaved text ---------------------------------------------------

  remember() {
    if (!this.localKey) return;
    // Signing out (forget.js marks the page): the last save on leaving must not store it again.
    if (document.documentElement.dataset.signingOut) {
      this.forgetLocal();
      return;
    }
    if (!this.unsaved) {
      local.forget(this.localKey);
      return;
    }
    const key = this.attempt ? this.attempt.key : null;
    const version = this.attempt ? this.attempt.version : this.version;
    local.write(this.localKey, { body: this.editor.value, version, key });
  }

  forgetLocal() {
    if (this.localKey) local.forget(this.localKey);
    this.localKey = null; // signed out: nothing more is kept in this browser
  }

  restore() {
    if (!this.localKey) return;
    const kept = local.read(this.localKey);
    if (!kept) return;
    if (!this.editor || this.stopped) {
      local.forget(this.localKey); // the note can no longer be written from this page
      return;
    }
    if (this.hasConflict || kept.body === this.editor.value) {
      // Already saved, or the server holds a copy the person chooses from first.
      if (!this.hasConflict) local.forget(this.localKey);
      return;
    }
    // Sent as the save it was: on the version it was typed on, with its key. If the note moved
    // on elsewhere meanwhile the server answers 409 and both texts are offered side by side.
    this.editor.value = kept.body;
    const version = Number(kept.version);
    if (Number.isInteger(version) && version >= 0 && version !== this.version) {
      this.attempt = { key: kept.key || newSaveKey(), version };
    } else if (kept.key) {
      this.attempt = { key: kept.key, version: this.version };
    }
    this.say(this.words("restored", "Unsaved text from this device restored; saving…"), "pending");
    this.schedule();
  }

  get hasConflict() {
    return this.conflicts.querySelector("[data-conflict]") !== null;
  }

  get unsaved() {
    return Boolean(this.editor) && this.editor.value !== this.savedBody;
  }

  // The words shown, in the viewer's language: _notes.html renders them as data-say-*
  // attributes on the notes section, with {name} slots; the English here is only a fallback.
  words(key, english, values = {}) {
    const name = `say${key.replace(/(^|-)([a-z])/g, (_, dash, letter) => letter.toUpperCase())}`;
    const text = this.section.dataset[name] || english;
    return text.replace(/\{(\w+)\}/g, (slot, field) => (field in values ? values[field] : slot));
  }

  say(text, tone = "") {
    this.status.textContent = text;
    this.status.dataset.tone = tone;
  }

  saidSaved(isoTime) {
    this.savedAt = isoTime;
    const time = this.formatTime.format(new Date(isoTime));
    this.say(this.words("saved", "Saved {time}", { time }), "saved");
  }

  typed() {
    if (this.stopped || this.hasConflict) return;
    this.remember();
    // While a retry is waiting its countdown stays on screen: it is the more useful news.
    if (this.retryTimer === null) this.say(this.words("not-yet", "Not saved yet"), "pending");
    this.schedule();
  }

  schedule() {
    clearTimeout(this.idleTimer);
    this.idleTimer = setTimeout(() => this.saveNow(), SAVE_AFTER_IDLE_MS);
    // Long uninterrupted typing still saves every few seconds.
    if (this.typingTimer === null) {
      this.typingTimer = setTimeout(() => this.saveNow(), SAVE_WHILE_TYPING_MS);
    }
  }

  clearTimers() {
    clearTimeout(this.idleTimer);
    clearTimeout(this.typingTimer);
    this.idleTimer = null;
    this.typingTimer = null;
  }

  async saveNow({ keepalive = false } = {}) {
    this.clearTimers();
    if (!this.editor || this.stopped || this.hasConflict || this.inFlight) return;
    if (this.retryTimer !== null && !keepalive) return; // the retry is already on its way
    const body = this.editor.value;
    if (body === this.heldBack) return;
    if (body === this.savedBody) {
      // Typed and undone: nothing to send, and nothing unsaved any more.
      if (this.savedAt) this.saidSaved(this.savedAt);
      else this.say("");
      return;
    }
    this.inFlight = true;
    this.say(this.words("saving", "Saving…"), "pending");
    if (this.attempt === null) this.attempt = { key: newSaveKey(), version: this.version };
    const { key, version } = this.attempt;
    this.remember();
    let response;
    try {
      response = await this.post(this.saveUrl, { body, version: String(version), key }, keepalive);
    } catch {
      this.inFlight = false;
      this.retryLater();
      return;
    }
    this.inFlight = false;
    await this.answered(response, body, this.editor.value);
    this.remember();
    // Typing that happened while the save was on its way is saved next.
    const pending = this.unsaved && this.editor.value !== this.heldBack;
    if (pending && !this.stopped && !this.hasConflict && this.retryTimer === null) {
      this.schedule();
    }
  }

  post(url, fields, keepalive = false) {
    const data = new URLSearchParams(fields);
    return fetch(url, {
      method: "POST",
      body: data,
      credentials: "same-origin",
      // A redirect here means the session ended (sign-in page): never follow it as success.
      redirect: "manual",
      keepalive,
      headers: { "X-CSRFToken": csrfToken(this.section), Accept: "application/json" },
    });
  }

  async answered(response, body, newest) {
    const data = await readJson(response);
    // Any answer but "try again later" settles the attempt: the next save draws a new key.
    const settled = response.status !== 503 && response.type !== "opaqueredirect";
    if (settled && (response.ok || (response.status >= 400 && response.status < 500))) {
      this.attempt = null;
    }
    if (response.ok && data) {
      this.retries = 0;
      this.version = data.version;
      this.savedBody = body;
      if (this.preview) this.preview.innerHTML = data.html; // sanitised by the server
      this.saidSaved(data.saved_at);
    } else if (response.status === 409 && data) {
      this.retries = 0;
      this.showConflict(data, newest);
    } else if (response.status === 400 && data) {
      // Retrying the same text cannot help; the next change is tried again.
      this.heldBack = body;
      this.say(this.words("refused", "Not saved: {error}", { error: data.error }), "error");
    } else if (response.status === 403 && data) {
      this.stopped = true;
      this.editor.readOnly = true;
      this.say(
        this.words("refused-copy", "Not saved: {error} Copy your text if you need it.", {
          error: data.error,
        }),
        "error",
      );
    } else if (response.status === 404) {
      this.stopped = true;
      this.say(
        this.words("gone", "Not saved: this meeting is no longer open to you. Copy your text."),
        "error",
      );
    } else if (response.status === 503 && data && data.error) {
      // The server is up but its database refuses writes: say why, and wait as long as it asks.
      const asked = Number(data.retry_after || response.headers.get("Retry-After"));
      this.retryLater("", {
        reason: this.words("refused", "Not saved: {error}", { error: data.error }),
        delay: asked,
      });
    } else if (response.type === "opaqueredirect") {
      // Nothing is kept in this browser for someone signed out (it may be a shared computer).
      this.forgetLocal();
      this.retryLater(
        this.words(
          "signed-out",
          "Not saved: you are signed out. Sign in in another tab; retrying in {seconds} s",
        ),
      );
    } else if (response.status === 403) {
      // Django's CSRF refusal: the page's token is from an older sign-in and stays wrong.
      this.stopped = true;
      this.say(
        this.words("stale", "Not saved: this page is out of date. Copy your text, then reload."),
        "error",
      );
    } else {
      this.retryLater();
    }
  }

  retryLater(message = "", { reason = "", delay: asked = 0 } = {}) {
    const counting = message || this.words("retrying", "Not saved: retrying in {seconds} s");
    const backoff = RETRY_DELAYS_S[Math.min(this.retries, RETRY_DELAYS_S.length - 1)];
    const delay = Number.isFinite(asked) && asked > 0 ? Math.min(asked, 300) : backoff;
    this.retries += 1;
    let left = delay;
    const tell = () => {
      if (!navigator.onLine) this.say(this.words("offline", "Offline: your text is kept here"), "error");
      else if (reason) this.say(reason, "error"); // the server's own words, with its delay
      else this.say(counting.replace("{seconds}", String(left)), "error");
    };
    tell();
    clearInterval(this.countdown);
    this.countdown = setInterval(() => {
      left = Math.max(left - 1, 0);
      tell();
    }, 1000);
    clearTimeout(this.retryTimer);
    this.retryTimer = setTimeout(() => this.retryNow(), delay * 1000);
  }

  retryNow() {
    clearTimeout(this.retryTimer);
    clearInterval(this.countdown);
    this.retryTimer = null;
    this.countdown = null;
    this.saveNow();
  }

  // --- Conflicts ---------------------------------------------------------------------------

  // `newest` is the editor's text, which may hold words typed while the refused save was on
  // its way: it is what "yours" shows and what "Keep mine" saves.
  showConflict(data, newest = data.yours) {
    this.clearTimers();
    this.editor.readOnly = true;
    let panel = this.conflicts.querySelector(`[data-copy="${CSS.escape(data.copy)}"]`);
    if (!panel) {
      const template = this.section.querySelector("[data-conflict-template]");
      panel = template.content.firstElementChild.cloneNode(true);
      panel.dataset.copy = data.copy;
      const merge = panel.querySelector("[data-merge]");
      const label = panel.querySelector("label");
      const id = `merge-${this.box.dataset.kind}-${data.copy}`;
      merge.id = id;
      label.htmlFor = id;
      this.conflicts.append(panel);
    }
    panel.dataset.currentVersion = String(data.current_version);
    panel.querySelector("[data-theirs]").textContent = data.current_body;
    panel.querySelector("[data-yours]").textContent = newest;
    panel.querySelector("[data-merge]").value = newest;
    if (newest !== data.yours) localTexts.set(panel, newest);
    else localTexts.delete(panel);
    this.say(
      this.words("conflict", "Changed elsewhere: choose which text to keep below"),
      "error",
    );
    panel.querySelector("[data-choice=mine]")?.focus();
  }

  async clicked(event) {
    const button = event.target.closest("button[data-choice]");
    if (!button) return;
    const panel = button.closest("[data-conflict]");
    const error = panel.querySelector("[data-conflict-error]");
    const merge = panel.querySelector("[data-merge]");
    const fields = {
      copy: panel.dataset.copy,
      choice: button.dataset.choice,
      version: panel.dataset.currentVersion,
      body: button.dataset.choice === "merge" && merge ? merge.value : "",
    };
    if (fields.choice === "mine" && localTexts.has(panel)) {
      // The kept copy lacks the last words typed before the 409: send the whole text.
      Object.assign(fields, { choice: "merge", body: localTexts.get(panel) });
    }
    panel.querySelectorAll("button").forEach((each) => (each.disabled = true));
    let response;
    try {
      response = await this.post(this.resolveUrl, fields);
    } catch {
      response = null;
    }
    panel.querySelectorAll("button").forEach((each) => (each.disabled = false));
    const data = response ? await readJson(response) : null;
    if (response && response.ok && data) {
      panel.remove();
      this.version = data.version;
      this.savedBody = data.body;
      if (this.editor) this.editor.value = data.body;
      if (this.preview) this.preview.innerHTML = data.html; // sanitised by the server
      this.remember();
      if (!this.hasConflict) {
        if (this.editor && !this.stopped) this.editor.readOnly = false;
        this.saidSaved(data.saved_at);
      }
    } else if (response && response.status === 409 && data) {
      localTexts.delete(panel);
      this.showConflict(data); // changed once more meanwhile: choose again with the newest
      error.textContent = this.words(
        "changed-again",
        "The note changed again while you chose. Here is the newest version.",
      );
      error.hidden = false;
    } else {
      error.textContent =
        data && data.error
          ? data.error
          : this.words(
              "unreachable",
              "Could not reach the server. Your text is safe on it; try again in a moment.",
            );
      error.hidden = false;
    }
  }
}

function start(root) {
  const sections = root.matches?.("[data-notes]") ? [root] : root.querySelectorAll("[data-notes]");
  for (const section of sections) {
    if (section.dataset.notesReady) continue;
    section.dataset.notesReady = "1";
    for (const box of section.querySelectorAll("[data-note]")) editors.add(new NoteEditor(box, section));
  }
}

start(document);
// htmx may swap a fresh notes card in later; the module itself runs only once per page.
document.addEventListener("htmx:load", (event) => start(event.detail.elt));

window.addEventListener("online", () => {
  for (const editor of editors) if (editor.retryTimer !== null) editor.retryNow();
});

// Hidden tabs may never come back (mobile browsers discard them): save while we still can.
document.addEventListener("visibilitychange", () => {
  if (document.visibilityState !== "hidden") return;
  for (const editor of editors) if (editor.unsaved) editor.saveNow({ keepalive: true });
});

window.addEventListener("beforeunload", (event) => {
  for (const editor of editors) {
    if (editor.box.isConnected && editor.unsaved) {
      event.preventDefault();
      event.returnValue = ""; // older browsers show the prompt only with this set
      return;
    }
  }
});
