// Helpers shared by Rapport's page scripts (notes.js, meeting_mode.js), imported as a module
// so that each exists once. No eval, no inline handlers.

// The CSRF token: from the form (or section) holding one, else the page's htmx headers.
export function csrfToken(root = document) {
  const input = root?.querySelector("input[name=csrfmiddlewaretoken]");
  if (input) return input.value;
  try {
    return JSON.parse(document.body.getAttribute("hx-headers") || "{}")["X-CSRFToken"] || "";
  } catch {
    return "";
  }
}

// The JSON body of a response, or null when it is not JSON (a sign-in page, a proxy's error).
export async function readJson(response) {
  const type = response.headers.get("content-type") || "";
  if (!type.includes("application/json")) return null;
  try {
    return await response.json();
  } catch {
    return null;
  }
}

// True while the person is typing in a field, where single-key shortcuts must not fire.
export function isTyping(target) {
  return Boolean(
    target?.isContentEditable || target?.closest?.("input, textarea, select, [contenteditable]"),
  );
}
