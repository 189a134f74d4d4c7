/** Events, newest first; warnings stand out. */
import type { Event } from "../../../src/lib/types.js";
import { pending, type View } from "../context.js";
import { badge, h, table } from "../dom.js";
import { kinds } from "../kinds.js";
import { ago, eventTime } from "../model.js";

export const eventsView: View = {
  title: "Events",
  render(ctx) {
    const events = ctx.watch<Event>(kinds.events);
    const wait = pending(events);
    if (wait) return wait;
    const list = events.list().sort((a, b) => Date.parse(eventTime(b) ?? "") - Date.parse(eventTime(a) ?? ""));
    return table(
      ["Last seen", "Type", "Reason", "Object", "Message", "Count"],
      list.map((e) => {
        const o = e.involvedObject;
        const isPod = o?.kind === "Pod" && o.name;
        return {
          href: isPod ? `#/pod/${encodeURIComponent(o.namespace ?? "")}/${encodeURIComponent(o.name ?? "")}` : undefined,
          key: e.metadata.name,
          cells: [
            ago(eventTime(e), ctx.now),
            badge(e.type ?? "Normal", e.type === "Warning" ? "bad" : "info"),
            h("b", null, e.reason ?? ""),
            h("span", null, ctx.namespace ? null : h("span", { class: "muted" }, `${o?.namespace ?? ""}/`), `${(o?.kind ?? "").toLowerCase()}/${o?.name ?? ""}`),
            e.message ?? "",
            e.count ?? 1,
          ],
        };
      }),
      `No events ${ctx.namespace ? `in ${ctx.namespace}` : ""}.`,
    );
  },
};
