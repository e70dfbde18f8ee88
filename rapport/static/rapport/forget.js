// Clears everything Rapport keeps in this browser's localStorage (unsaved note text, see
// notes.js), so nothing typed by one person is left for the next one on a shared computer.
// Loaded as a module by base.html (clears on "Sign out") and by the sign-in page (clears on
// arrival, which also covers a session that ended without a sign-out).

const LOCAL_PREFIX = "rapport:"; // the same prefix as in notes.js

function forgetAll() {
  try {
    const keys = [];
    for (let index = 0; index < localStorage.length; index += 1) {
      const key = localStorage.key(index);
      if (key && key.startsWith(LOCAL_PREFIX)) keys.push(key);
    }
    for (const key of keys) localStorage.removeItem(key);
  } catch {
    // No localStorage (disabled, private window): then nothing was kept either.
  }
}

if (document.querySelector("[data-forget-local]")) forgetAll();
for (const form of document.querySelectorAll("form[data-sign-out]")) {
  form.addEventListener("submit", () => {
    // notes.js reads this mark and stores nothing more while the page is leaving.
    document.documentElement.dataset.signingOut = "1";
    forgetAll();
  });
}
