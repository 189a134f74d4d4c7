/** Nodes: status, capacity against what pods request, labels, taints, last heartbeat (the node's Lease). */
import type { Lease, Node, Pod } from "../../../src/lib/types.js";
import { pending, type View } from "../context.js";
import { badge, chips, h } from "../dom.js";
import { kinds } from "../kinds.js";
import { ago, allocatable, formatBytes, formatCpu, nodeReady, nodeRoles, requestedOn } from "../model.js";
import { usageBar } from "./widgets.js";

/** Where node heartbeats live, as upstream: one Lease per node in kube-node-lease. */
const LEASE_NAMESPACE = "kube-node-lease";

export const nodesView: View = {
  title: "Nodes",
  render(ctx) {
    const nodes = ctx.watch<Node>(kinds.nodes);
    // Requests count every pod on the node, whatever namespace is chosen.
    const pods = ctx.watch<Pod>(kinds.pods, "");
    const leases = ctx.watch<Lease>(kinds.leases, LEASE_NAMESPACE);
    const wait = pending(nodes, pods, leases);
    if (wait) return wait;
    const list = nodes.list().sort((a, b) => (a.metadata.name ?? "").localeCompare(b.metadata.name ?? ""));
    if (list.length === 0) return h("p", { class: "empty" }, "No nodes have joined yet. Start an agent: npm run agent -- --server … --token …");

    return h(
      "div",
      { class: "cards" },
      list.map((n) => {
        const ready = nodeReady(n);
        const alloc = allocatable(n);
        const req = requestedOn(n, pods.list());
        const lease = leases.items.get(`${LEASE_NAMESPACE}/${n.metadata.name}`);
        const renewed = lease?.spec?.renewTime;
        const readyCondition = n.status?.conditions?.find((c) => c.type === "Ready");
        const pressures = (n.status?.conditions ?? []).filter((c) => c.type !== "Ready" && c.status === "True");
        const info = n.status?.nodeInfo;
        const address = n.status?.addresses?.find((a) => a.type === "InternalIP")?.address;
        return h(
          "article",
          { class: "card node", "data-node": n.metadata.name },
          h(
            "div",
            { class: "card-head" },
            h("h3", null, n.metadata.name),
            badge(ready === "True" ? "Ready" : ready === "False" ? "NotReady" : "Unknown", ready === "True" ? "ok" : "bad"),
            n.spec?.unschedulable ? badge("SchedulingDisabled", "warn") : null,
            pressures.map((c) => badge(c.type, "warn")),
          ),
          h(
            "p",
            { class: "muted" },
            [
              nodeRoles(n).join(", ") || "worker",
              address,
              info ? `${info.osImage || info.operatingSystem} · ${info.architecture}` : undefined,
              info?.kubeletVersion,
              `up ${ago(n.metadata.creationTimestamp, ctx.now)}`,
            ]
              .filter(Boolean)
              .join(" · "),
          ),
          usageBar("CPU requested", req.cpuMilli, alloc.cpuMilli, `${formatCpu(req.cpuMilli)} of ${formatCpu(alloc.cpuMilli)}`),
          usageBar("Memory requested", req.memoryBytes, alloc.memoryBytes, `${formatBytes(req.memoryBytes)} of ${formatBytes(alloc.memoryBytes)}`),
          usageBar("Pods", req.pods, alloc.pods, `${req.pods} of ${alloc.pods}`),
          h(
            "dl",
            null,
            h("dt", null, "Last heartbeat"),
            h("dd", { class: "heartbeat" }, renewed ? `${ago(renewed, ctx.now)} ago` : "no Lease yet", lease?.spec?.holderIdentity ? h("span", { class: "muted" }, ` by ${lease.spec.holderIdentity}`) : null),
            h("dt", null, "Ready"),
            h("dd", null, readyCondition ? `${readyCondition.reason ?? readyCondition.status}${readyCondition.message ? `: ${readyCondition.message}` : ""}` : "not reported"),
            h("dt", null, "Pod CIDR"),
            h("dd", null, n.spec?.podCIDR ?? "none"),
            h("dt", null, "Labels"),
            h("dd", null, chips(n.metadata.labels)),
            h("dt", null, "Taints"),
            h(
              "dd",
              null,
              n.spec?.taints?.length
                ? h("span", { class: "chips" }, n.spec.taints.map((t) => h("span", { class: "chip taint" }, `${t.key}${t.value ? `=${t.value}` : ""}:${t.effect}`)))
                : h("span", { class: "muted" }, "none"),
            ),
          ),
        );
      }),
    );
  },
};
