/** Wires the DaemonSet controller's pure core (src/controllers/daemonset.ts) into the host. */
import type { ControllerRevision, DaemonSet, Node, Pod, Stored } from "../../../lib/types.js";
import { deepEqual } from "../../../lib/json.js";
import { DAEMONSET_RESOURCE, reconcileDaemonSet } from "../../daemonset.js";
import { forget, type ExpectationTable } from "../../expectations.js";
import { CONTROLLER_REVISIONS_RESOURCE } from "../../statefulset.js";
import type { Controller } from "../controller.js";
import { objectKey, parseKey } from "../keys.js";
import { observePod, ownersOf, podActionFailed } from "./owned-pods.js";

const wiring = { resource: DAEMONSET_RESOURCE, kind: "DaemonSet" };

const allDaemonSets = (cache: Parameters<Controller["allKeys"]>[0]) =>
  cache.list(DAEMONSET_RESOURCE).map((d) => objectKey(DAEMONSET_RESOURCE, d));

/** Whether a node change can change where daemons run (not every status heartbeat). */
function placementChanged(node: Stored<Node>, previous: Stored<Node> | undefined): boolean {
  if (!previous || node.metadata.resourceVersion === previous.metadata.resourceVersion) return true;
  return !deepEqual(node.metadata.labels, previous.metadata.labels) || !deepEqual(node.spec, previous.spec);
}

export const daemonSetController: Controller = {
  name: "daemonset",
  resources: [DAEMONSET_RESOURCE, "pods", "nodes", CONTROLLER_REVISIONS_RESOURCE],
  keysFor(resource, obj, previous, cache) {
    if (resource === DAEMONSET_RESOURCE) return [objectKey(resource, obj)];
    if (resource === "nodes") return placementChanged(obj as Stored<Node>, previous as Stored<Node> | undefined) ? allDaemonSets(cache) : [];
    return ownersOf(wiring, obj, previous, cache);
  },
  observe(resource, type, obj, _previous, state) {
    return resource === "pods" ? observePod(wiring, type, obj, state) : state;
  },
  allKeys: allDaemonSets,
  reconcile(key, ctx) {
    const { namespace, name } = parseKey(key);
    const expectations = (ctx.state as ExpectationTable | undefined) ?? {};
    const daemonSet = ctx.cache.get<Stored<DaemonSet>>(DAEMONSET_RESOURCE, namespace, name);
    if (!daemonSet) return { actions: [], state: forget(expectations, key) };
    const plan = reconcileDaemonSet({
      daemonSet,
      nodes: ctx.cache.list<Stored<Node>>("nodes"),
      pods: ctx.cache.list<Stored<Pod>>("pods", namespace),
      revisions: ctx.cache.list<Stored<ControllerRevision>>(CONTROLLER_REVISIONS_RESOURCE, namespace),
      expectations,
      now: ctx.now,
      randomSuffix: ctx.randomSuffix,
    });
    return { actions: plan.actions, requeue: plan.requeue, state: plan.expectations, createBatches: plan.createBatches };
  },
  actionFailed: (action, state) => podActionFailed(wiring, action, state),
};
