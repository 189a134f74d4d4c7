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

/**
 * One per host: the scheduler keeps its queue, snapshot and assumed pods in memory between runs.
 * Changes reach it one by one as the host sees them (`observe`); after a relist or resync
 * (`allKeys`) the next run first syncs it with the whole cache.
 */
export function schedulerController(scheduler = new Scheduler()): Controller {
  let resync = true;
  return {
    name: "scheduler",
    component: "default-scheduler",
    resources: ["pods", "nodes", "namespaces"],
    keysFor: (resource) => (resource === "namespaces" ? [] : [KEY]),
    observe(resource, type, obj) {
      const deleted = type === "DELETED";
      if (resource === "pods") {
        if (deleted) scheduler.deletePod(obj as Stored<Pod>);
        else scheduler.setPod(obj as Stored<Pod>);
      } else if (resource === "nodes") {
        if (deleted) scheduler.deleteNode(obj.metadata.name);
        else scheduler.setNode(obj as Stored<Node>);
      } else if (resource === "namespaces") {
        if (deleted) scheduler.deleteNamespace(obj.metadata.name);
        else scheduler.setNamespace(obj as Stored<Namespace>);
      }
      // Nothing to persist: a new instance starts from a full sync.
      return undefined;
    },
    allKeys: () => {
      resync = true;
      return [KEY];
    },
    reconcile(_key, ctx) {
      if (resync) {
        scheduler.sync({
          nodes: ctx.cache.list<Stored<Node>>("nodes"),
          pods: ctx.cache.list<Stored<Pod>>("pods"),
          namespaces: ctx.cache.list<Stored<Namespace>>("namespaces"),
        });
        resync = false;
      }
      const run = scheduler.schedule(ctx.now.getTime());
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
    const list = eventsOf.get(uid);
    if (list) list.push(e);
    else eventsOf.set(uid, [e]);
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
