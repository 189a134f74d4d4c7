/**
 * NodeUnschedulable: a cordoned node (`spec.unschedulable`) takes only pods that tolerate the
 * `node.kubernetes.io/unschedulable:NoSchedule` taint, as DaemonSet pods do.
 */
import type { FilterPlugin, PluginFactory } from "../../framework/interface.js";
import { SUCCESS, unresolvable } from "../../framework/status.js";
import { names } from "../names.js";
import { tolerated } from "../helpers/tolerations.js";

export const Name = names.NodeUnschedulable;
export const ErrReasonUnschedulable = "node(s) were unschedulable";
export const TaintNodeUnschedulable = "node.kubernetes.io/unschedulable";

const unschedulableTaint = { key: TaintNodeUnschedulable, effect: "NoSchedule" };

export const New: PluginFactory = (): FilterPlugin => ({
  name: Name,
  events: ["NodeAdd", "NodeTaintUpdate"],
  filter(_state, pod, node) {
    if (!node.node.spec?.unschedulable) return SUCCESS;
    if (tolerated(pod.pod.spec?.tolerations ?? [], unschedulableTaint)) return SUCCESS;
    return unresolvable(ErrReasonUnschedulable);
  },
});
