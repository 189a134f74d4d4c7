/** NodePorts: a pod's host ports must be free on the node (same protocol and port, overlapping IP). */
import type { FilterPlugin, PluginFactory } from "../../framework/interface.js";
import { SUCCESS, unschedulable } from "../../framework/status.js";
import { names } from "../names.js";

export const Name = names.NodePorts;
export const ErrReason = "node(s) didn't have free ports for the requested pod ports";

export const New: PluginFactory = (): FilterPlugin => ({
  name: Name,
  events: ["NodeAdd", "AssignedPodDelete"],
  filter(_state, pod, node) {
    for (const port of pod.hostPorts) if (node.usedPorts.conflicts(port)) return unschedulable(ErrReason);
    return SUCCESS;
  },
});
