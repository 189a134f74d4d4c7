/**
 * A tiny DOM builder. Text always goes in as text nodes, never as HTML, so whatever the cluster
 * holds (names, labels, messages, logs) cannot inject markup.
 */
export type Child = Node | string | number | false | null | undefined | Child[];
export type Attrs = Record<string, string | number | boolean | undefined | ((e: Event) => void)>;

function append(parent: Node, child: Child): void {
  if (child === false || child === null || child === undefined) return;
  if (Array.isArray(child)) for (const c of child) append(parent, c);
  else parent.appendChild(typeof child === "object" ? child : document.createTextNode(String(child)));
}

/** `h("a", { href: "#/pods", class: "x" }, "Pods")`; `on*` attributes become listeners. */
export function h<K extends keyof HTMLElementTagNameMap>(tag: K, attrs: Attrs | null = null, ...children: Child[]): HTMLElementTagNameMap[K] {
  const el = document.createElement(tag);
  for (const [k, v] of Object.entries(attrs ?? {})) {
    if (v === undefined || v === false) continue;
    if (typeof v === "function") el.addEventListener(k.slice(2).toLowerCase(), v);
    else if (v === true) el.setAttribute(k, "");
    else el.setAttribute(k, String(v));
  }
  append(el, children);
  return el;
}

/** Skiff's mark: a sail over a hull, in the accent colour (no emoji font needed). */
export function logo(): SVGSVGElement {
  const ns = "http://www.w3.org/2000/svg";
  const svg = document.createElementNS(ns, "svg");
  svg.setAttribute("viewBox", "0 0 24 24");
  svg.setAttribute("class", "logo");
  svg.setAttribute("aria-hidden", "true");
  for (const [d, fill] of [
    ["M12 2 L12 16 L4 16 Z", "currentColor"],
    ["M13.5 5 L20 16 L13.5 16 Z", "currentColor"],
    ["M2 18 H22 L19 22 H5 Z", "var(--text)"],
  ]) {
    const path = document.createElementNS(ns, "path");
    path.setAttribute("d", d);
    path.setAttribute("fill", fill);
    svg.appendChild(path);
  }
  return svg;
}

/** A coloured status pill; `tone` picks the colour (ok, warn, bad, idle, info). */
export function badge(text: string, tone: Tone): HTMLElement {
  return h("span", { class: `badge ${tone}` }, text);
}

export type Tone = "ok" | "warn" | "bad" | "idle" | "info";

/**
 * A table that becomes a list of cards on a narrow screen (style.css): each cell carries its
 * column's name in `data-label`.
 */
export function table(headers: string[], rows: { cells: Child[]; href?: string; key?: string }[], empty = "Nothing here yet."): HTMLElement {
  if (rows.length === 0) return h("p", { class: "empty" }, empty);
  return h(
    "table",
    { class: "list" },
    h("thead", null, h("tr", null, headers.map((x) => h("th", null, x)))),
    h(
      "tbody",
      null,
      rows.map((r) =>
        h(
          "tr",
          r.href
            ? { class: "link", "data-key": r.key, tabindex: 0, role: "link", onclick: () => open(r.href), onkeydown: (e) => (e as KeyboardEvent).key === "Enter" && open(r.href) }
            : { "data-key": r.key },
          r.cells.map((c, i) => h("td", { "data-label": headers[i] }, c)),
        ),
      ),
    ),
  );
}

function open(href: string | undefined): void {
  if (href) location.hash = href;
}

/** A titled section. */
export function section(title: string, ...children: Child[]): HTMLElement {
  return h("section", { class: "panel" }, h("h2", null, title), children);
}

/** Label chips (`key=value`). */
export function chips(map: Record<string, string> | undefined, cls = "chip"): HTMLElement {
  const entries = Object.entries(map ?? {});
  if (entries.length === 0) return h("span", { class: "muted" }, "none");
  return h("span", { class: "chips" }, entries.map(([k, v]) => h("span", { class: cls }, v === "" ? k : `${k}=${v}`)));
}
