/** Pods, with the status kubectl prints, restarts, node, age and IP; a row opens the pod. */
import type { Pod } from "../../../src/lib/types.js";
import { byName, pending, type View } from "../context.js";
import { badge, h, table } from "../dom.js";
import { kinds } from "../kinds.js";
import { ago, podSummary, podTone } from "../model.js";

export const podHref = (p: Pod) => `#/pod/${encodeURIComponent(p.metadata.namespace ?? "")}/${encodeURIComponent(p.metadata.name ?? "")}`;

export const podsView: View = {
  title: "Pods",
  render(ctx) {
    const pods = ctx.watch<Pod>(kinds.pods);
    const wait = pending(pods);
    if (wait) return wait;
    return table(
      ["Name", "Ready", "Status", "Restarts", "Node", "Age", "IP"],
      byName(pods.list()).map((p) => {
        const s = podSummary(p, ctx.now);
        return {
          href: podHref(p),
          key: p.metadata.name,
          cells: [
            h("span", null, ctx.namespace ? null : h("span", { class: "muted" }, `${p.metadata.namespace}/`), h("b", null, p.metadata.name)),
            s.ready,
            badge(s.status, podTone(s.status)),
            s.restarts,
            p.spec?.nodeName || h("span", { class: "muted" }, "unscheduled"),
            ago(p.metadata.creationTimestamp, ctx.now),
            p.status?.podIP ?? h("span", { class: "muted" }, "none"),
          ],
        };
      }),
      `No pods ${ctx.namespace ? `in ${ctx.namespace}` : ""}.`,
    );
  },
};
