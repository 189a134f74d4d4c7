/** Entry point: sign in with a bearer token (kept in localStorage), then the dashboard. */
import { Api, ApiError } from "./api.js";
import { startApp } from "./app.js";
import { h, logo } from "./dom.js";

const TOKEN_KEY = "skiff.token";
const root = document.getElementById("app") as HTMLElement;

function signOut(): void {
  localStorage.removeItem(TOKEN_KEY);
  location.reload();
}

/** Whether the server accepts `token`: any authenticated request will do. */
async function check(api: Api): Promise<void> {
  await api.get("/api");
}

function signIn(message?: string): void {
  const input = h("input", { type: "password", name: "token", autocomplete: "current-password", placeholder: "Bearer token", required: true });
  const error = h("p", { class: "error", role: "alert" }, message ?? "");
  const button = h("button", { type: "submit" }, "Sign in");
  const form = h(
    "form",
    { class: "signin" },
    h("div", { class: "brand big" }, logo(), "Skiff"),
    h("p", { class: "muted" }, "Paste the cluster's token (ADMIN_TOKEN, or the token in your kubeconfig). It stays in this browser."),
    input,
    button,
    error,
  );
  form.addEventListener("submit", async (e) => {
    e.preventDefault();
    const api = new Api(input.value.trim());
    button.disabled = true;
    error.textContent = "";
    try {
      await check(api);
      localStorage.setItem(TOKEN_KEY, api.token);
      startApp(root, api, signOut);
    } catch (err) {
      error.textContent = err instanceof ApiError && err.code === 401 ? "That token was not accepted." : `Could not reach the control plane: ${String(err instanceof Error ? err.message : err)}`;
      button.disabled = false;
    }
  });
  root.replaceChildren(form);
  input.focus();
}

const saved = localStorage.getItem(TOKEN_KEY);
if (!saved) signIn();
else {
  const api = new Api(saved);
  check(api).then(
    () => startApp(root, api, signOut),
    (err: unknown) => {
      if (err instanceof ApiError && err.code === 401) localStorage.removeItem(TOKEN_KEY);
      signIn(err instanceof ApiError && err.code === 401 ? "The saved token is no longer accepted." : `Could not reach the control plane: ${String(err instanceof Error ? err.message : err)}`);
    },
  );
}
