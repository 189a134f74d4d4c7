/** Generic object-metadata rules every kind shares: scope, system fields, generation, finalizers. */
import { fieldErrors, type ErrorTarget, type FieldError } from "../lib/errors.js";
import { deepEqual, getPath, rfc3339 } from "../lib/json.js";
import type { KubeObject, Stored } from "../lib/types.js";
import type { ResourceDef } from "../resources/types.js";
import { apiVersionOf } from "../resources/types.js";

/** The namespace a kind is stored under: "" for cluster-scoped kinds. */
export function scope(def: ResourceDef, namespace: string): string {
  return def.namespaced ? namespace : "";
}

/** What an error about this kind names: `deployments.apps "web"`. */
export function target(def: ResourceDef, name: string): ErrorTarget {
  return { group: def.group || undefined, kind: def.plural, name };
}

export function withTypeMeta<T extends KubeObject>(def: ResourceDef, obj: T): T {
  obj.apiVersion = apiVersionOf(def);
  obj.kind = def.kind;
  return obj;
}

export function tracksGeneration(def: ResourceDef): boolean {
  return generationPaths(def).length > 0;
}

function generationPaths(def: ResourceDef): string[] {
  return def.generationPaths ?? (def.hasStatus ? ["spec"] : []);
}

/** `metadata.generation` moves only when what the kind calls its spec changes. */
export function nextGeneration(def: ResourceDef, old: KubeObject, next: KubeObject): number | undefined {
  if (!tracksGeneration(def)) return undefined;
  const before = old.metadata.generation ?? 1;
  const changed = generationPaths(def).some((p) => !deepEqual(getPath(old, p), getPath(next, p)));
  return changed ? before + 1 : before;
}

/** Fields only the server sets: an update keeps the stored values whatever the client sent. */
export function keepSystemMetadata(next: KubeObject, old: KubeObject): void {
  const meta = next.metadata;
  meta.uid = old.metadata.uid;
  meta.creationTimestamp = old.metadata.creationTimestamp;
  meta.namespace = old.metadata.namespace;
  meta.deletionTimestamp = old.metadata.deletionTimestamp;
  meta.deletionGracePeriodSeconds = old.metadata.deletionGracePeriodSeconds;
  meta.generateName = meta.generateName ?? old.metadata.generateName;
  if (meta.managedFields === undefined && old.metadata.managedFields) meta.managedFields = old.metadata.managedFields;
  for (const key of Object.keys(meta) as (keyof typeof meta)[]) if (meta[key] === undefined) delete meta[key];
}

/** Finalizers that still hold a deleted object: `metadata.finalizers` plus kind-specific ones. */
export function pendingFinalizers(def: ResourceDef, obj: KubeObject): string[] {
  return [...(obj.metadata.finalizers ?? []), ...(def.deletion?.pendingFinalizers?.(obj) ?? [])];
}

/** Rules of ObjectMeta every kind shares (kind-specific name rules live with the kind). */
export function validateObjectMeta(def: ResourceDef, obj: KubeObject): FieldError[] {
  const meta = obj.metadata;
  const errs: FieldError[] = [];
  if (!meta.name && !meta.generateName) errs.push(fieldErrors.required("metadata.name", "name or generateName is required"));
  if (def.namespaced && !meta.namespace) errs.push(fieldErrors.required("metadata.namespace"));
  if (!def.namespaced && meta.namespace) errs.push(fieldErrors.forbidden("metadata.namespace", "not allowed on this type"));
  return errs;
}

const SUFFIX_ALPHABET = "bcdfghjklmnpqrstvwxz2456789";

/** What a dry-run create returns: the object as the store would have completed it. */
export function dryRunStored(obj: KubeObject, now: Date): Stored {
  const meta = obj.metadata;
  if (!meta.name && meta.generateName) {
    meta.name = meta.generateName + Array.from({ length: 5 }, () => SUFFIX_ALPHABET[Math.floor(Math.random() * SUFFIX_ALPHABET.length)]).join("");
  }
  meta.creationTimestamp = rfc3339(now);
  meta.resourceVersion = "";
  return obj as Stored;
}
