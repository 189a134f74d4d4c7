/** Pieces several views draw: usage bars, phase bars, stat tiles. */
import { h, type Child, type Tone } from "../dom.js";

/** A labelled bar: how much of `total` is `used` (requests against allocatable). */
export function usageBar(label: string, used: number, total: number, text: string): HTMLElement {
  const pct = total > 0 ? Math.min(100, Math.round((used / total) * 100)) : 0;
  const tone: Tone = pct >= 90 ? "bad" : pct >= 70 ? "warn" : "ok";
  return h(
    "div",
    { class: "usage" },
    h("div", { class: "usage-label" }, h("span", null, label), h("span", { class: "muted" }, text)),
    h("div", { class: "bar", role: "meter", "aria-label": label, "aria-valuenow": pct, "aria-valuemin": 0, "aria-valuemax": 100 }, h("span", { class: `fill ${tone}`, style: `width:${pct}%` })),
  );
}

/** One bar split into coloured segments, with a legend. */
export function stackedBar(parts: { label: string; value: number; tone: Tone }[]): HTMLElement {
  const total = parts.reduce((s, p) => s + p.value, 0);
  return h(
    "div",
    { class: "stacked" },
    h(
      "div",
      { class: "bar" },
      parts.filter((p) => p.value > 0).map((p) => h("span", { class: `fill ${p.tone}`, style: `width:${(p.value / total) * 100}%`, title: `${p.label}: ${p.value}` })),
    ),
    h(
      "ul",
      { class: "legend" },
      parts.map((p) => h("li", { class: p.value ? undefined : "muted" }, h("i", { class: `dot ${p.tone}` }), `${p.label} `, h("b", null, p.value))),
    ),
  );
}

/** A big figure with a caption, linking to the view with the details. */
export function tile(href: string, figure: Child, caption: string, extra?: Child): HTMLElement {
  return h("a", { class: "tile", href }, h("div", { class: "figure" }, figure), h("div", { class: "caption" }, caption), extra);
}
