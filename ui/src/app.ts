/**
 * The dashboard shell: header (namespace switcher, live indicator, sign out), navigation, and
 * the current view, re-rendered whenever something it watches changes. Views declare what they
 * watch by asking for it while rendering; whatever no view asked for in the last render is
 * stopped, so only what is on screen is streamed (browsers allow few connections per host).
 */
import type { KubeObject, Namespace } from "../../src/lib/types.js";
import type { Api } from "./api.js";
import type { Stoppable, View, ViewContext } from "./context.js";
import { h, logo } from "./dom.js";
import { Informer } from "./informer.js";
import { kinds, type ResourceType } from "./kinds.js";
import { eventsView } from "./views/events.js";
import { nodesView } from "./views/nodes.js";
import { overviewView } from "./views/overview.js";
import { podView } from "./views/pod.js";
import { podsView } from "./views/pods.js";
import { servicesView } from "./views/services.js";
import { workloadsView } from "./views/workloads.js";

const NAMESPACE_KEY = "skiff.namespace";
const TICK_MS = 5_000;

const views: Record<string, View> = {
  overview: overviewView,
  nodes: nodesView,
  workloads: workloadsView,
  pods: podsView,
  pod: podView,
  services: servicesView,
  events: eventsView,
};
const nav = ["overview", "nodes", "workloads", "pods", "services", "events"];

function route(): { name: string; params: string[] } {
  const parts = location.hash.replace(/^#\/?/, "").split("/").filter(Boolean).map(decodeURIComponent);
  const name = parts[0] && views[parts[0]] ? parts[0] : "overview";
  return { name, params: parts.slice(1) };
}

export function startApp(root: HTMLElement, api: Api, signOut: () => void): void {
  const kept = new Map<string, Stoppable>();
  let used = new Set<string>();
  let namespace = localStorage.getItem(NAMESPACE_KEY) ?? "default";
  let scheduled: ReturnType<typeof setTimeout> | undefined;
  const schedule = () => {
    scheduled ??= setTimeout(render, 40);
  };

  const keep = <T extends Stoppable>(key: string, create: () => T): T => {
    used.add(key);
    let thing = kept.get(key) as T | undefined;
    if (!thing) kept.set(key, (thing = create()));
    return thing;
  };
  const watch = <T extends KubeObject>(type: ResourceType, ns = namespace): Informer<T> =>
    keep(`watch:${type.group}/${type.plural}@${type.namespaced ? ns : ""}`, () => new Informer<T>(api, type, type.namespaced ? ns : "", schedule).start());

  const select = h("select", { "aria-label": "Namespace", onchange: () => setNamespace(select.value) });
  const live = h("span", { class: "live", title: "Live" });
  const navLinks = nav.map((n) => h("a", { href: `#/${n}`, "data-view": n }, views[n].title));
  const main = h("main");
  root.replaceChildren(
    h(
      "header",
      null,
      h("a", { class: "brand", href: "#/overview" }, logo(), "Skiff"),
      h("label", { class: "ns" }, select),
      live,
      h("button", { class: "quiet", onclick: signOut }, "Sign out"),
    ),
    h("nav", null, navLinks),
    main,
  );

  function setNamespace(ns: string) {
    namespace = ns;
    localStorage.setItem(NAMESPACE_KEY, ns);
    render();
  }

  let namespaceSignature = "";
  function renderNamespaces(list: Namespace[]) {
    const names = list.map((n) => n.metadata.name ?? "").sort();
    if (namespace && !names.includes(namespace)) names.unshift(namespace);
    const signature = `${namespace}|${names.join(",")}`;
    if (signature === namespaceSignature) return;
    namespaceSignature = signature;
    select.replaceChildren(
      h("option", { value: "" }, "All namespaces"),
      ...names.map((n) => h("option", { value: n }, n)),
    );
    select.value = namespace;
  }

  function render() {
    if (scheduled) clearTimeout(scheduled);
    scheduled = undefined;
    const { name, params } = route();
    used = new Set();
    const namespaces = watch<Namespace>(kinds.namespaces, "");
    renderNamespaces(namespaces.list());
    const ctx: ViewContext = { api, namespace, now: new Date(), params, watch, keep };
    const view = views[name];
    const content = view.render(ctx);
    main.replaceChildren(content);
    document.title = `${view.title} · Skiff`;
    for (const a of navLinks) a.classList.toggle("active", a.dataset.view === (name === "pod" ? "pods" : name));
    // Stop what this render did not ask for.
    for (const [key, thing] of kept) {
      if (used.has(key)) continue;
      thing.stop();
      kept.delete(key);
    }
    const informers = [...kept.values()].filter((k): k is Informer => k instanceof Informer);
    const down = informers.find((i) => i.error);
    live.className = `live ${down ? "down" : informers.every((i) => i.synced) ? "up" : "wait"}`;
    live.title = down ? `Reconnecting: ${down.error}` : "Live: changes appear as they happen";
  }

  window.addEventListener("hashchange", render);
  setInterval(() => {
    if (document.visibilityState === "visible") schedule();
  }, TICK_MS);
  render();
}
