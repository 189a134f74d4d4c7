/**
 * Wires the node lifecycle controller's pure core (src/controllers/node-lifecycle.ts) into the
 * host, one key per Node. Lease renewals need no reconcile: each pass asks to run again just after
 * the heartbeat deadline, and reads the newest Lease then; so a healthy cluster's heartbeats cost
 * the host a catch-up, not a reconcile.
 */
import type { Lease, Node, Pod, Stored } from "../../../lib/types.js";
import { NODE_LEASE_NAMESPACE, NODE_RESOURCE, reconcileNodeLifecycle } from "../../node-lifecycle.js";
import type { Controller } from "../controller.js";
import { keyFor, parseKey } from "../keys.js";

const LEASES = "leases.coordination.k8s.io";
const nodeKey = (name: string) => keyFor(NODE_RESOURCE, "", name);

export const nodeLifecycleController: Controller = {
  name: "node-lifecycle",
  resources: [NODE_RESOURCE, LEASES, "pods"],
  keysFor(resource, obj, previous, cache) {
    if (resource === NODE_RESOURCE) return [nodeKey(obj.metadata.name)];
    if (resource === LEASES) {
      return obj.metadata.namespace === NODE_LEASE_NAMESPACE && !previous ? [nodeKey(obj.metadata.name)] : [];
    }
    // A pod on a node with NoExecute taints must be timed for eviction.
    const nodeName = (obj as Stored<Pod>).spec?.nodeName;
    const node = nodeName ? cache.get<Stored<Node>>(NODE_RESOURCE, "", nodeName) : undefined;
    return node?.spec?.taints?.some((t) => t.effect === "NoExecute") ? [nodeKey(node.metadata.name)] : [];
  },
  allKeys: (cache) => cache.list(NODE_RESOURCE).map((n) => nodeKey(n.metadata.name)),
  reconcile(key, ctx) {
    const { name } = parseKey(key);
    const node = ctx.cache.get<Stored<Node>>(NODE_RESOURCE, "", name);
    if (!node) return { actions: [] };
    const lease = ctx.cache.get<Stored<Lease>>(LEASES, NODE_LEASE_NAMESPACE, name);
    const pods = ctx.cache.list<Stored<Pod>>("pods").filter((p) => p.spec?.nodeName === name);
    return reconcileNodeLifecycle({ nodes: [node], leases: lease ? [lease] : [], pods, now: ctx.now });
  },
};
