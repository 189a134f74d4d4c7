/** Services with their ports and the endpoints behind them. */
import type { Endpoints, Service } from "../../../src/lib/types.js";
import { byName, pending, type View } from "../context.js";
import { badge, chips, h, table } from "../dom.js";
import { kinds } from "../kinds.js";
import { ago, endpointAddresses } from "../model.js";

function ports(s: Service): string {
  return (s.spec?.ports ?? [])
    .map((p) => `${p.port}${p.nodePort ? `:${p.nodePort}` : ""}/${p.protocol ?? "TCP"}${p.targetPort !== undefined && String(p.targetPort) !== String(p.port) ? ` → ${p.targetPort}` : ""}`)
    .join(", ");
}

export const servicesView: View = {
  title: "Services",
  render(ctx) {
    const services = ctx.watch<Service>(kinds.services);
    const endpoints = ctx.watch<Endpoints>(kinds.endpoints);
    const wait = pending(services, endpoints);
    if (wait) return wait;
    return table(
      ["Name", "Type", "Cluster IP", "Ports", "Selector", "Endpoints", "Age"],
      byName(services.list()).map((s) => {
        const addresses = endpointAddresses(endpoints.items.get(`${s.metadata.namespace}/${s.metadata.name}`));
        return {
          key: s.metadata.name,
          cells: [
            h("span", null, ctx.namespace ? null : h("span", { class: "muted" }, `${s.metadata.namespace}/`), h("b", null, s.metadata.name)),
            s.spec?.type ?? "ClusterIP",
            s.spec?.clusterIP ?? "None",
            ports(s),
            chips(s.spec?.selector),
            addresses.length
              ? h(
                  "span",
                  { class: "chips" },
                  addresses.map((a) => h("span", { class: `chip ${a.ready ? "ready" : "not-ready"}`, title: a.target ? `pod ${a.target}` : undefined }, `${a.ip}${a.ports ? `:${a.ports}` : ""}`)),
                )
              : s.spec?.selector
                ? badge("no ready pods", "warn")
                : h("span", { class: "muted" }, "none (no selector)"),
            ago(s.metadata.creationTimestamp, ctx.now),
          ],
        };
      }),
      `No services ${ctx.namespace ? `in ${ctx.namespace}` : ""}.`,
    );
  },
};
