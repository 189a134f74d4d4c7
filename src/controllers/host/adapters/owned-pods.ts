/**
 * Shared wiring for controllers that own objects through a controller reference and a selector
 * (ReplicaSet, StatefulSet, DaemonSet, Job, and Deployments owning ReplicaSets): which owners a
 * change concerns, expectations lowered as the pods they created and deleted are observed, and
 * lowered again for creations that failed.
 */
import type { LabelSelector, Stored } from "../../../lib/types.js";
import { creationObserved, deletionObserved, type ExpectationTable } from "../../expectations.js";
import { controllerRefOf, matchesSelector } from "../../pod-util.js";
import type { Action } from "../../types.js";
import type { ChangeType, ObjectCache } from "../cache.js";
import { keyFor, objectKey } from "../keys.js";

export interface OwnerWiring {
  /** The owner's store resource, e.g. `replicasets.apps`. */
  resource: string;
  kind: string;
}

type Selecting = Stored & { spec?: { selector?: LabelSelector } };

/** Keys of the owners a dependent's change concerns: its controller, or any that could adopt it. */
export function ownersOf(w: OwnerWiring, obj: Stored, previous: Stored | undefined, cache: ObjectCache): string[] {
  const keys = new Set<string>();
  for (const o of [obj, previous]) {
    if (!o) continue;
    const ref = controllerRefOf(o);
    const ns = o.metadata.namespace ?? "";
    if (ref) {
      if (ref.kind === w.kind) keys.add(keyFor(w.resource, ns, ref.name));
    } else {
      for (const owner of cache.list<Selecting>(w.resource, ns)) {
        if (matchesSelector(owner.spec?.selector, o.metadata.labels)) keys.add(objectKey(w.resource, owner));
      }
    }
  }
  return [...keys];
}

/** The key of the owner of kind `w.kind` that controls `obj` (or controlled its former state). */
export function controlledBy(w: OwnerWiring, obj: Stored, previous: Stored | undefined): string[] {
  const ref = controllerRefOf(obj) ?? (previous && controllerRefOf(previous));
  return ref?.kind === w.kind ? [keyFor(w.resource, obj.metadata.namespace ?? "", ref.name)] : [];
}

/** Lower the owner's expectations for a pod that appeared or went. */
export function observePod(w: OwnerWiring, type: ChangeType, pod: Stored, state: unknown): ExpectationTable {
  let table = (state as ExpectationTable | undefined) ?? {};
  const ref = controllerRefOf(pod);
  if (ref?.kind !== w.kind) return table;
  const key = keyFor(w.resource, pod.metadata.namespace ?? "", ref.name);
  if (type === "ADDED") table = creationObserved(table, key);
  // A pod in graceful deletion is as good as gone for expectations, as upstream's updatePod says.
  if (type === "DELETED" || pod.metadata.deletionTimestamp) table = deletionObserved(table, key, pod.metadata.uid);
  return table;
}

/** A pod creation or deletion that failed will never be observed: stop waiting for it. */
export function podActionFailed(w: OwnerWiring, action: Action, state: unknown): ExpectationTable {
  const table = (state as ExpectationTable | undefined) ?? {};
  if (action.type === "create" && action.resource === "pods") {
    const owner = controllerRefOf(action.object);
    if (owner?.kind !== w.kind) return table;
    return creationObserved(table, keyFor(w.resource, action.namespace, owner.name));
  }
  return table;
}
