/**
 * The garbage collector's pure core, after kube-controller-manager's `garbagecollector`: from
 * every object that has or is an owner, plan
 * - background: delete dependents none of whose owners exist any more (dangling references);
 * - foreground: an owner deleted with `propagationPolicy: Foreground` (the registry added the
 *   `foregroundDeletion` finalizer) has its dependents deleted, foreground too when they have
 *   dependents of their own, and loses the finalizer once no dependent with `blockOwnerDeletion`
 *   is left;
 * - orphan: an owner deleted with `Orphan` (the `orphan` finalizer) has its references removed
 *   from its dependents, then loses the finalizer.
 * Owner identity is the uid: a reference to a uid that no object has is dangling. Each object gets
 * at most one write per pass (reference and finalizer removals are merged), and the finalizer of
 * an orphaning owner goes only on the pass after its dependents were released, so that a failed
 * write can never let the dependents be collected.
 */
import type { KubeObject, OwnerReference } from "../lib/types.js";
import { clone } from "../lib/json.js";
import type { Action, Plan, ResourceName } from "./types.js";

export const FOREGROUND_FINALIZER = "foregroundDeletion";
export const ORPHAN_FINALIZER = "orphan";

/** An object as the collector sees it: which resource it is, and its current state. */
export interface GcObject {
  resource: ResourceName;
  object: KubeObject;
}

export interface GarbageCollectorInput {
  /** Every object that has owner references, and every object that may be an owner. */
  objects: readonly GcObject[];
}

function hasFinalizer(obj: KubeObject, finalizer: string): boolean {
  return obj.metadata.finalizers?.includes(finalizer) ?? false;
}

function deletingWith(obj: KubeObject, finalizer: string): boolean {
  return obj.metadata.deletionTimestamp !== undefined && hasFinalizer(obj, finalizer);
}

/** What one object loses this pass: references (by owner uid) and finalizers. */
interface Edit {
  entry: GcObject;
  refs: Set<string>;
  finalizers: Set<string>;
}

export function reconcileGarbage(input: GarbageCollectorInput): Plan {
  const byUid = new Map<string, GcObject>();
  const dependents = new Map<string, GcObject[]>();
  for (const entry of input.objects) {
    const uid = entry.object.metadata.uid;
    if (uid) byUid.set(uid, entry);
    for (const ref of entry.object.metadata.ownerReferences ?? []) {
      const list = dependents.get(ref.uid) ?? [];
      list.push(entry);
      dependents.set(ref.uid, list);
    }
  }

  const edits = new Map<GcObject, Edit>();
  const edit = (entry: GcObject): Edit => {
    let e = edits.get(entry);
    if (!e) edits.set(entry, (e = { entry, refs: new Set(), finalizers: new Set() }));
    return e;
  };
  const deletes: Action[] = [];

  for (const entry of input.objects) {
    const obj = entry.object;
    const uid = obj.metadata.uid ?? "";
    const deps = dependents.get(uid) ?? [];

    // As an owner being deleted.
    if (deletingWith(obj, ORPHAN_FINALIZER)) {
      if (deps.length > 0) for (const dep of deps) edit(dep).refs.add(uid);
      else edit(entry).finalizers.add(ORPHAN_FINALIZER);
    } else if (deletingWith(obj, FOREGROUND_FINALIZER)) {
      const blocking = deps.filter((dep) => refTo(dep.object, uid)?.blockOwnerDeletion === true);
      if (blocking.length === 0) edit(entry).finalizers.add(FOREGROUND_FINALIZER);
    }

    // As a dependent.
    const refs = obj.metadata.ownerReferences ?? [];
    if (refs.length === 0 || obj.metadata.deletionTimestamp) continue;
    const dangling: string[] = [];
    const waiting: string[] = [];
    let solid = 0;
    for (const ref of refs) {
      const owner = byUid.get(ref.uid)?.object;
      if (!owner || !sameScope(obj, owner)) dangling.push(ref.uid);
      else if (deletingWith(owner, FOREGROUND_FINALIZER)) waiting.push(ref.uid);
      else solid++;
    }
    if (solid > 0) {
      // Another owner keeps it: only drop the references that would hold things up.
      for (const ownerUid of [...dangling, ...waiting]) edit(entry).refs.add(ownerUid);
    } else if (waiting.length > 0 && deps.length > 0) {
      deletes.push(deleteAction(entry, "Foreground"));
    } else if (dangling.length > 0 || waiting.length > 0) {
      deletes.push(deleteAction(entry, propagationFromFinalizers(obj)));
    }
  }

  const updates: Action[] = [];
  for (const { entry, refs, finalizers } of edits.values()) {
    const next = clone(entry.object);
    if (refs.size > 0) {
      const kept = (next.metadata.ownerReferences ?? []).filter((ref) => !refs.has(ref.uid));
      if (kept.length > 0) next.metadata.ownerReferences = kept;
      else delete next.metadata.ownerReferences;
    }
    if (finalizers.size > 0) {
      const kept = (next.metadata.finalizers ?? []).filter((f) => !finalizers.has(f));
      if (kept.length > 0) next.metadata.finalizers = kept;
      else delete next.metadata.finalizers;
    }
    updates.push({ type: "update", resource: entry.resource, namespace: next.metadata.namespace ?? "", object: next });
  }
  return { actions: [...updates, ...deletes] };
}

function refTo(obj: KubeObject, ownerUid: string): OwnerReference | undefined {
  return obj.metadata.ownerReferences?.find((ref) => ref.uid === ownerUid);
}

/** A namespaced owner must be in its dependent's namespace; otherwise the reference is invalid. */
function sameScope(dependent: KubeObject, owner: KubeObject): boolean {
  return !owner.metadata.namespace || owner.metadata.namespace === dependent.metadata.namespace;
}

/** A dependent collected on its own keeps the policy its own finalizers ask for. */
function propagationFromFinalizers(obj: KubeObject): "Background" | "Foreground" | "Orphan" {
  if (hasFinalizer(obj, ORPHAN_FINALIZER)) return "Orphan";
  if (hasFinalizer(obj, FOREGROUND_FINALIZER)) return "Foreground";
  return "Background";
}

function deleteAction(entry: GcObject, propagationPolicy: "Background" | "Foreground" | "Orphan"): Action {
  const meta = entry.object.metadata;
  return {
    type: "delete",
    resource: entry.resource,
    namespace: meta.namespace ?? "",
    name: meta.name ?? "",
    uid: meta.uid,
    propagationPolicy,
  };
}
