/**
 * NodeReady (ours): a node whose Ready condition is not True takes no new pods.
 *
 * Upstream has no such filter today: the node lifecycle controller taints such nodes
 * `node.kubernetes.io/not-ready` (Ready False or missing) or `node.kubernetes.io/unreachable`
 * (Ready Unknown) with NoSchedule, and TaintToleration rejects them. We keep that path, and add
 * this filter so placement is right even before (or without) the taint: it stands in for the
 * NoSchedule taint, so a pod that tolerates that taint passes, exactly as upstream would let it.
 * It runs after TaintToleration, so a tainted node reports the taint as upstream does; the reason
 * is the one of upstream's former CheckNodeCondition predicate, "node(s) were not ready".
 */
import type { FilterPlugin, PluginFactory } from "../../framework/interface.js";
import { SUCCESS, unresolvable } from "../../framework/status.js";
import { names } from "../names.js";
import { tolerated } from "../helpers/tolerations.js";

export const Name = names.NodeReady;
export const ErrReasonNotReady = "node(s) were not ready";
export const TaintNodeNotReady = "node.kubernetes.io/not-ready";
export const TaintNodeUnreachable = "node.kubernetes.io/unreachable";

export const New: PluginFactory = (): FilterPlugin => ({
  name: Name,
  events: ["NodeAdd", "NodeConditionUpdate"],
  filter(_state, pod, node) {
    const ready = node.node.status?.conditions?.find((c) => c.type === "Ready")?.status;
    if (ready === "True") return SUCCESS;
    const key = ready === "Unknown" ? TaintNodeUnreachable : TaintNodeNotReady;
    if (tolerated(pod.pod.spec?.tolerations ?? [], { key, effect: "NoSchedule" })) return SUCCESS;
    return unresolvable(ErrReasonNotReady);
  },
});
