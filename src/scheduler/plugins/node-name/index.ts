/** NodeName: a pod that names its node (`spec.nodeName`) fits only there. */
import type { FilterPlugin, PluginFactory } from "../../framework/interface.js";
import { SUCCESS, unresolvable } from "../../framework/status.js";
import { names } from "../names.js";

export const Name = names.NodeName;
export const ErrReason = "node(s) didn't match the requested node name";

export const New: PluginFactory = (): FilterPlugin => ({
  name: Name,
  events: ["NodeAdd"],
  filter(_state, pod, node) {
    const wanted = pod.pod.spec?.nodeName;
    return !wanted || wanted === node.name ? SUCCESS : unresolvable(ErrReason);
  },
});
