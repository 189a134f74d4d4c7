/**
 * Wires the garbage collector's pure core (src/controllers/garbage-collector.ts) into the host.
 * The core plans over the whole ownership graph, so there is one key: it is reconciled in a round
 * when an object was deleted, gained owner references (they may dangle), or is being deleted
 * with the `foregroundDeletion` or `orphan` finalizer. One O(objects) pass per such round.
 */
import { deepEqual } from "../../../lib/json.js";
import type { Stored } from "../../../lib/types.js";
import { FOREGROUND_FINALIZER, ORPHAN_FINALIZER, reconcileGarbage, type GcObject } from "../../garbage-collector.js";
import type { Controller } from "../controller.js";
import { NAMESPACED_RESOURCES } from "./namespace.js";

const KEY = "graph";
/** Owners and dependents: every kind the host caches (nodes own their Leases). */
const GC_RESOURCES = [...NAMESPACED_RESOURCES, "nodes", "namespaces"];

function concernsCollector(obj: Stored, previous: Stored | undefined, deleted: boolean): boolean {
  if (deleted) return true;
  const finalizers = obj.metadata.finalizers ?? [];
  if (obj.metadata.deletionTimestamp && (finalizers.includes(FOREGROUND_FINALIZER) || finalizers.includes(ORPHAN_FINALIZER))) return true;
  const refs = obj.metadata.ownerReferences;
  return Boolean(refs?.length) && !deepEqual(refs, previous?.metadata.ownerReferences);
}

export const garbageCollectorController: Controller = {
  name: "garbage-collector",
  resources: GC_RESOURCES,
  keysFor(resource, obj, previous, cache) {
    // A DELETED change leaves the cache without the object.
    const deleted = !cache.get(resource, obj.metadata.namespace ?? "", obj.metadata.name);
    return concernsCollector(obj, previous, deleted) ? [KEY] : [];
  },
  allKeys: () => [KEY],
  reconcile(_key, ctx) {
    const objects: GcObject[] = [];
    for (const resource of GC_RESOURCES) for (const object of ctx.cache.list(resource)) objects.push({ resource, object });
    return reconcileGarbage({ objects });
  },
};
