/**
 * Hosts the scheduler (src/scheduler) beside the controllers, on the same alarm and due table:
 * every pod or node change marks the one scheduling key dirty; a run schedules a batch and
 * returns bindings (applied through `pods/binding` in batches), status patches for pods that fit
 * nowhere, and Events.
 */
import type { Namespace, Node, Pod, Stored } from "../../../lib/types.js";
import { Scheduler, type ScheduleRun } from "../../../scheduler/scheduler.js";
import type { Action } from "../../types.js";
import type { Controller } from "../controller.js";

const KEY = "queue";

/** One per host: the scheduler keeps its queue and assumed pods in memory between runs. */
export function schedulerController(scheduler = new Scheduler()): Controller {
  return {
    name: "scheduler",
    component: "default-scheduler",
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
      return { actions: orderActions(run), requeue: run.nextWakeAt === undefined ? [] : [{ key: KEY, at: run.nextWakeAt }] };
    },
    actionFailed(action, state) {
      if (action.type === "bind") scheduler.forget(action.uid);
      return state;
    },
  };
}

/**
 * The host records an Event only if the write just before it succeeded, so each pod's Event goes
 * right after its own write (a bind lost to another binder must not report `Scheduled`), and
 * Events without a write (FailedScheduling with an unchanged condition) go first.
 */
export function orderActions(run: ScheduleRun): Action[] {
  const eventsOf = new Map<string, Action[]>();
  for (const e of run.events) {
    const uid = e.involvedObject.metadata.uid ?? "";
    eventsOf.set(uid, [...(eventsOf.get(uid) ?? []), e]);
  }
  const withEvents = (uid: string, write: Action): Action[] => {
    const events = eventsOf.get(uid) ?? [];
    eventsOf.delete(uid);
    return [write, ...events];
  };
  const writes = [
    ...run.bindings.flatMap((b) => withEvents(b.uid, { type: "bind", ...b })),
    ...run.statusPatches.flatMap((p) =>
      withEvents(p.uid, { type: "patch", resource: "pods", namespace: p.namespace, name: p.name, patch: { status: p.status }, subresource: "status" }),
    ),
  ];
  return [...[...eventsOf.values()].flat(), ...writes];
}
