/**
 * Hosts the scheduler (src/scheduler) beside the controllers, on the same alarm and due table:
 * every pod or node change marks the one scheduling key dirty; a run schedules a batch and
 * returns bindings (applied through `pods/binding` in batches), status patches for pods that fit
 * nowhere, and Events.
 */
import type { Namespace, Node, Pod, Stored } from "../../../lib/types.js";
import { Scheduler } from "../../../scheduler/scheduler.js";
import type { Action } from "../../types.js";
import type { Controller } from "../controller.js";

const KEY = "queue";

/** One per host: the scheduler keeps its queue and assumed pods in memory between runs. */
export function schedulerController(scheduler = new Scheduler()): Controller {
  return {
    name: "scheduler",
    resources: ["pods", "nodes", "namespaces"],
    keysFor: (resource) => (resource === "namespaces" ? [] : [KEY]),
    allKeys: () => [KEY],
    reconcile(_key, ctx) {
      const run = scheduler.run(
        {
          nodes: ctx.cache.list<Stored<Node>>("nodes"),
          pods: ctx.cache.list<Stored<Pod>>("pods"),
          namespaces: ctx.cache.list<Stored<Namespace>>("namespaces"),
        },
        ctx.now.getTime(),
      );
      const actions: Action[] = [
        ...run.bindings.map((b): Action => ({ type: "bind", ...b })),
        ...run.statusPatches.map(
          (p): Action => ({ type: "patch", resource: "pods", namespace: p.namespace, name: p.name, patch: { status: p.status }, subresource: "status" }),
        ),
        ...run.events,
      ];
      return { actions, requeue: run.nextWakeAt === undefined ? [] : [{ key: KEY, at: run.nextWakeAt }] };
    },
    actionFailed(action, state) {
      if (action.type === "bind") scheduler.forget(action.uid);
      return state;
    },
  };
}
