// Which human the browser is: ?user=<id>, else the sandbox's default human (createSandbox's
// humanName), else the one this browser created before, else ask for a name and create one.
import { getJson, postJson } from "./api.js";

const STORAGE_KEY = "bobb-sandbox-user";

async function human(id) {
  const user = await getJson(`/control/users/${encodeURIComponent(id)}`).catch(() => null);
  return user && !user.bot ? user : null;
}

/** Resolves with { id, username } of the human this page acts as. */
export async function signIn(defaultHuman) {
  const requested = new URLSearchParams(location.search).get("user");
  if (requested) {
    const user = await human(requested);
    if (user) return user;
  }
  if (defaultHuman) return defaultHuman;
  const stored = localStorage.getItem(STORAGE_KEY);
  if (stored) {
    const user = await human(stored);
    if (user) return user;
  }
  const user = await askForName();
  localStorage.setItem(STORAGE_KEY, user.id);
  return user;
}

function askForName() {
  const overlay = document.getElementById("signin");
  const form = document.getElementById("signin-form");
  const input = document.getElementById("signin-name");
  const error = document.getElementById("signin-error");
  overlay.hidden = false;
  input.focus();
  return new Promise((resolve) => {
    form.addEventListener("submit", async (event) => {
      event.preventDefault();
      const username = input.value.trim();
      try {
        const { id } = await postJson("/control/users", { username });
        overlay.hidden = true;
        resolve({ id, username });
      } catch (failure) {
        error.textContent = failure.code === "username_taken" ? "That name is taken, pick another." : failure.message;
      }
    });
  });
}
