/** Wires the ReplicaSet controller's pure core (src/controllers/replicaset.ts) into the host. */
import type { Pod, ReplicaSet, Stored } from "../../../lib/types.js";
import { forget, type ExpectationTable } from "../../expectations.js";
import { reconcileReplicaSet, REPLICASET_RESOURCE } from "../../replicaset.js";
import type { Controller } from "../controller.js";
import { objectKey, parseKey } from "../keys.js";
import { observePod, ownersOf, podActionFailed } from "./owned-pods.js";

const wiring = { resource: REPLICASET_RESOURCE, kind: "ReplicaSet" };

export const replicaSetController: Controller = {
  name: "replicaset",
  resources: [REPLICASET_RESOURCE, "pods"],
  keysFor(resource, obj, previous, cache) {
    if (resource === REPLICASET_RESOURCE) return [objectKey(resource, obj)];
    return ownersOf(wiring, obj, previous, cache);
  },
  observe(resource, type, obj, _previous, state) {
    return resource === "pods" ? observePod(wiring, type, obj, state) : state;
  },
  allKeys: (cache) => cache.list(REPLICASET_RESOURCE).map((rs) => objectKey(REPLICASET_RESOURCE, rs)),
  reconcile(key, ctx) {
    const { namespace, name } = parseKey(key);
    const expectations = (ctx.state as ExpectationTable | undefined) ?? {};
    const rs = ctx.cache.get<Stored<ReplicaSet>>(REPLICASET_RESOURCE, namespace, name);
    if (!rs) return { actions: [], state: forget(expectations, key) };
    const plan = reconcileReplicaSet({
      replicaSet: rs,
      pods: ctx.cache.list<Stored<Pod>>("pods", namespace),
      expectations,
      now: ctx.now,
      randomSuffix: ctx.randomSuffix,
    });
    return { actions: plan.actions, requeue: plan.requeue, state: plan.expectations, createBatches: plan.createBatches };
  },
  actionFailed: (action, state) => podActionFailed(wiring, action, state),
};
