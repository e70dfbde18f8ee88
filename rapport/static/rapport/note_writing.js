// Writing notes: the rendered note when the editor is not in use, and Markdown shortcuts.
// Loaded as a module by meetings/_notes.html after notes.js, which saves the text and puts
// the server's sanitised rendering of each saved version into [data-preview].
//
// The rendered view is shown only while what it shows is the saved text (the status says
// "Saved", or nothing has been typed since the page was built) and no conflict waits for a
// choice; otherwise the editor stays, so nobody mistakes an old rendering for their words.
// Without scripts the editor is always there and nothing here is needed.

const LIST_ITEM = /^(\s*)([-*+]|\d+[.)])(\s+\[[ xX]\])?\s+/;

function replaceSelection(editor, text, selectFrom, selectTo) {
  const start = editor.selectionStart;
  editor.focus();
  // insertText keeps the browser's undo history; setRangeText is the fallback.
  const done = document.execCommand && document.execCommand("insertText", false, text);
  if (!done) {
    editor.setRangeText(text, editor.selectionStart, editor.selectionEnd, "end");
    editor.dispatchEvent(new Event("input", { bubbles: true }));
  }
  if (selectFrom !== undefined) editor.setSelectionRange(start + selectFrom, start + selectTo);
}

function wrap(editor, marker) {
  const { selectionStart: start, selectionEnd: end, value } = editor;
  const chosen = value.slice(start, end);
  const before = value.slice(Math.max(0, start - marker.length), start);
  const after = value.slice(end, end + marker.length);
  if (before === marker && after === marker) {
    // Already wrapped: unwrap.
    editor.setSelectionRange(start - marker.length, end + marker.length);
    replaceSelection(editor, chosen, 0, chosen.length);
    return;
  }
  replaceSelection(editor, `${marker}${chosen}${marker}`, marker.length, marker.length + chosen.length);
}

function link(editor) {
  const { selectionStart: start, selectionEnd: end, value } = editor;
  const chosen = value.slice(start, end) || "text";
  const text = `[${chosen}](https://)`;
  // The address is selected, ready to be typed over.
  replaceSelection(editor, text, chosen.length + 3, text.length - 1);
}

// Enter at the end of a list item starts the next one; on an empty item it ends the list.
function continueList(editor, event) {
  const { selectionStart: start, selectionEnd: end, value } = editor;
  if (start !== end) return;
  const lineStart = value.lastIndexOf("\n", start - 1) + 1;
  const line = value.slice(lineStart, start);
  const match = LIST_ITEM.exec(line);
  if (!match || value.slice(start).split("\n", 1)[0].trim() !== "") return;
  event.preventDefault();
  if (line.trim() === match[0].trim()) {
    // The empty item's marker gives way to a blank line, so what follows is a new paragraph.
    editor.setSelectionRange(lineStart, start);
    replaceSelection(editor, "\n");
    return;
  }
  const [, indent, bullet, box] = match;
  const number = Number.parseInt(bullet, 10);
  const next = Number.isNaN(number) ? bullet : `${number + 1}${bullet.slice(-1)}`;
  replaceSelection(editor, `\n${indent}${next}${box ? " [ ]" : ""} `);
}

class NoteWriting {
  constructor(box) {
    this.box = box;
    this.editor = box.querySelector("[data-editor]");
    this.rendered = box.querySelector("[data-preview]");
    this.status = box.querySelector("[data-status]");
    this.editButton = box.querySelector("[data-edit]");
    this.label = box.querySelector(`label[for="${this.editor.id}"]`);
    this.editor.addEventListener("keydown", (event) => this.keyed(event));
    this.editor.addEventListener("blur", () => this.maybeRender());
    this.rendered.addEventListener("click", (event) => {
      if (!event.target.closest("a")) this.edit();
    });
    this.editButton.addEventListener("click", () => this.edit());
    if (this.label) this.label.addEventListener("click", () => this.edit());
    // notes.js sets the status's tone to "saved" once the rendering is the saved text's.
    new MutationObserver(() => this.maybeRender()).observe(this.status, {
      attributes: true,
      attributeFilter: ["data-tone"],
    });
    this.maybeRender();
  }

  get showsSavedText() {
    const tone = this.status.dataset.tone || "";
    const conflict = this.box.querySelector("[data-conflict]");
    return (tone === "" || tone === "saved") && !conflict && !this.editor.readOnly;
  }

  maybeRender() {
    if (document.activeElement === this.editor) return;
    if (!this.showsSavedText || this.editor.value.trim() === "") {
      this.show(false);
      return;
    }
    this.show(true);
  }

  show(rendered) {
    this.rendered.hidden = !rendered;
    this.editor.hidden = rendered;
    this.editButton.hidden = !rendered;
  }

  edit() {
    const wasRendered = this.editor.hidden;
    this.show(false);
    this.editor.focus();
    if (wasRendered) {
      const end = this.editor.value.length;
      this.editor.setSelectionRange(end, end);
    }
  }

  keyed(event) {
    if (this.editor.readOnly) return;
    const mod = event.ctrlKey || event.metaKey;
    if (mod && !event.altKey && !event.shiftKey) {
      const key = event.key.toLowerCase();
      if (key === "b") wrap(this.editor, "**");
      else if (key === "i") wrap(this.editor, "_");
      else if (key === "k") link(this.editor);
      else return;
      event.preventDefault();
    } else if (event.key === "Enter" && !mod && !event.shiftKey && !event.altKey) {
      continueList(this.editor, event);
    } else if (event.key === "Escape") {
      this.editor.blur();
    }
  }
}

for (const box of document.querySelectorAll("[data-note]")) {
  if (box.querySelector("[data-editor]") && box.querySelector("[data-preview]")) new NoteWriting(box);
}
