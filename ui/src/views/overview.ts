/** The overview: nodes ready, pods by phase, workloads rolling, and the latest warnings. */
import type { DaemonSet, Deployment, Node, Pod, StatefulSet } from "../../../src/lib/types.js";
import { pending, type View } from "../context.js";
import { badge, h, section, table } from "../dom.js";
import { kinds } from "../kinds.js";
import { allocatable, daemonSetRollout, deploymentRollout, formatBytes, formatCpu, nodeReady, podsByPhase, statefulSetRollout, type Rollout } from "../model.js";
import { stackedBar, tile } from "./widgets.js";

export const overviewView: View = {
  title: "Overview",
  render(ctx) {
    const nodes = ctx.watch<Node>(kinds.nodes);
    const pods = ctx.watch<Pod>(kinds.pods);
    const deployments = ctx.watch<Deployment>(kinds.deployments);
    const statefulsets = ctx.watch<StatefulSet>(kinds.statefulsets);
    const daemonsets = ctx.watch<DaemonSet>(kinds.daemonsets);
    const wait = pending(nodes, pods, deployments, statefulsets, daemonsets);
    if (wait) return wait;

    const nodeList = nodes.list();
    const ready = nodeList.filter((n) => nodeReady(n) === "True").length;
    const phases = podsByPhase(pods.list());
    const workloads: { kind: string; name: string; namespace: string; rollout: Rollout }[] = [
      ...deployments.list().map((d) => ({ kind: "Deployment", name: d.metadata.name ?? "", namespace: d.metadata.namespace ?? "", rollout: deploymentRollout(d) })),
      ...statefulsets.list().map((s) => ({ kind: "StatefulSet", name: s.metadata.name ?? "", namespace: s.metadata.namespace ?? "", rollout: statefulSetRollout(s) })),
      ...daemonsets.list().map((d) => ({ kind: "DaemonSet", name: d.metadata.name ?? "", namespace: d.metadata.namespace ?? "", rollout: daemonSetRollout(d) })),
    ];
    const rolling = workloads.filter((w) => w.rollout.rolling || w.rollout.tone === "bad");
    const podTotal = pods.items.size;
    const scope = ctx.namespace ? `in ${ctx.namespace}` : "in all namespaces";

    return h(
      "div",
      { class: "overview" },
      h(
        "div",
        { class: "tiles" },
        tile("#/nodes", h("span", null, h("b", { class: ready === nodeList.length && ready > 0 ? "ok-text" : "warn-text" }, ready), ` / ${nodeList.length}`), "nodes ready"),
        tile("#/pods", h("b", null, podTotal), `pods ${scope}`, h("div", { class: "mini" }, `${phases.Running} running · ${phases.Pending} pending`)),
        tile("#/workloads", h("span", null, h("b", { class: rolling.length ? "warn-text" : "ok-text" }, rolling.length), ` / ${workloads.length}`), "workloads rolling"),
      ),
      section(
        "Pods by phase",
        stackedBar([
          { label: "Running", value: phases.Running, tone: "ok" },
          { label: "Pending", value: phases.Pending, tone: "warn" },
          { label: "Succeeded", value: phases.Succeeded, tone: "idle" },
          { label: "Failed", value: phases.Failed, tone: "bad" },
          { label: "Unknown", value: phases.Unknown, tone: "info" },
        ]),
      ),
      section(
        "Rolling out",
        table(
          ["Workload", "Ready", "State", "Progress"],
          rolling.map((w) => ({
            href: "#/workloads",
            cells: [h("span", null, h("span", { class: "kind" }, w.kind), ` ${w.namespace}/${w.name}`), w.rollout.ready, badge(w.rollout.state, w.rollout.tone), w.rollout.detail],
          })),
          workloads.length ? "Every workload is rolled out." : "No workloads yet: kubectl apply -f a Deployment.",
        ),
      ),
      section(
        "Nodes",
        nodeList.length
          ? h(
              "div",
              { class: "node-mini" },
              nodeList.map((n) => {
                const alloc = allocatable(n);
                const r = nodeReady(n);
                return h(
                  "a",
                  { class: "card", href: "#/nodes" },
                  h("div", { class: "card-head" }, h("b", null, n.metadata.name), badge(r === "True" ? "Ready" : r === "False" ? "NotReady" : "Unknown", r === "True" ? "ok" : "bad")),
                  h("div", { class: "muted" }, `${formatCpu(alloc.cpuMilli)} CPU · ${formatBytes(alloc.memoryBytes)} · ${alloc.pods} pods max`),
                );
              }),
            )
          : h("p", { class: "empty" }, "No nodes have joined yet."),
      ),
    );
  },
};
