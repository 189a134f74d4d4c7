/**
 * Wires node IPAM's pure core (src/controllers/node-ipam.ts) into the host. Allocation needs
 * every Node's range, so there is one key, reconciled when a Node joins, leaves, or lacks a range.
 */
import type { Node, Stored } from "../../../lib/types.js";
import { NODE_RESOURCE, reconcileNodeIpam } from "../../node-ipam.js";
import type { Controller } from "../controller.js";

const KEY = "cluster";

export const nodeIpamController: Controller = {
  name: "node-ipam",
  resources: [NODE_RESOURCE],
  keysFor(resource, obj, previous, cache) {
    const deleted = !cache.get(resource, "", obj.metadata.name);
    return deleted || !previous || !(obj as Stored<Node>).spec?.podCIDR ? [KEY] : [];
  },
  allKeys: () => [KEY],
  reconcile(_key, ctx) {
    return reconcileNodeIpam({ nodes: ctx.cache.list<Stored<Node>>(NODE_RESOURCE) });
  },
};
