/**
 * Server-side apply (`PATCH` with `application/apply-patch+yaml`), as kube-apiserver's field
 * manager does it: merge the applied configuration into the live object (or create it), record
 * what the manager applied in an `Apply` entry of `managedFields`, remove what it applied last
 * time and no longer does unless another manager owns it, and refuse (409) to change a field
 * another manager owns unless `force`, in which case the field changes hands.
 *
 * The result goes through the registry's usual create/update path (defaults, validation, CAS)
 * but not through `trackUpdate`: its `managedFields` are already right.
 */
import { ApiError, errors } from "../errors.js";
import type { KubeObject } from "../types.js";
import { assertUniqueKeys, mergeApplied } from "./apply-merge.js";
import { changedUnder, removeFields, type FieldInfo } from "./field-paths.js";
import { FieldSet, formatPath } from "./field-set.js";
import { decodePatchBody, deepClone, isObject, withoutNulls, type JsonObject } from "./json-value.js";
import {
  decodeManagedFields,
  describeManager,
  encodeManagedFields,
  kindInfo,
  managedTime,
  managerId,
  trackedFields,
  type Manager,
} from "./managed-fields.js";
import { validatePatchOptions } from "./patch-options.js";

export interface ApplyOptions {
  fieldManager: string | undefined;
  force?: boolean;
  /** The resource's `apiVersion` (`apps/v1`) and `kind`; the applied object must name the same. */
  apiVersion: string;
  kind: string;
  now: Date;
  /** `status` when applying to the status subresource. */
  subresource?: string;
  /**
   * Top-level fields the strategy resets on this endpoint (`["status"]` on a main resource with
   * a status, everything but `status` on `/status`): neither merged nor owned.
   */
  resetFields?: string[];
}

/** Manager apimachinery invents on the first apply to an object that has no managedFields. */
const BEFORE_FIRST_APPLY = "before-first-apply";

/** The object to store after `fieldManager` applies `body` to `live` (null: create). */
export function serverSideApply(live: KubeObject | null, body: unknown, options: ApplyOptions): KubeObject {
  const { fieldManager, force = false, apiVersion, kind, now, subresource, resetFields = [] } = options;
  validatePatchOptions({ apply: true, fieldManager, force });
  const manager = fieldManager!;
  const applied = decodeApplied(body, apiVersion, kind);
  for (const field of resetFields) delete applied[field];
  const info = kindInfo(apiVersion, kind);
  assertUniqueKeys(applied, info);

  // A deep copy: removal below edits the merged object in place, which shares parts with it.
  const base: JsonObject = live ? deepClone(live) : {};
  if (isObject(base.metadata)) delete base.metadata.managedFields;
  const managers = live ? (decodeManagedFields(live.metadata?.managedFields) ?? [beforeFirstApply(base, live, options, info)]) : [];

  const me: Manager = { manager, operation: "Apply", apiVersion, subresource, time: managedTime(now), fields: trackedFields(applied, info, resetFields) };
  const id = managerId(me);
  const previous = managers.find((m) => managerId(m) === id);
  const others = managers.filter((m) => m !== previous);
  const merged = mergeApplied(base, applied, info) as JsonObject;

  // A field another manager owns conflicts when this apply changes its value.
  const changed = changedUnder(me.fields, base, merged, info);
  const conflicts = others.flatMap((m) => changed.intersection(m.fields).members().map((path) => ({ manager: m, path })));
  if (conflicts.length > 0 && !force) throw conflictError(conflicts);
  for (const m of others) m.fields = m.fields.difference(changed);

  const owners = [...others, me];
  const owned = owners.reduce((set, m) => set.union(m.fields), new FieldSet());
  if (previous) removeFields(merged, previous.fields.difference(owned), owned, info);
  const metadata = isObject(merged.metadata) ? merged.metadata : {};
  const encoded = encodeManagedFields(owners);
  if (encoded.length > 0) metadata.managedFields = encoded;
  return { ...merged, metadata } as KubeObject;
}

function decodeApplied(body: unknown, apiVersion: string, kind: string): JsonObject {
  const applied = withoutNulls(decodePatchBody(body));
  if (!isObject(applied)) throw errors.badRequest("error decoding patch: an apply patch must be an object");
  if (applied.apiVersion !== apiVersion) {
    throw errors.badRequest(`Incorrect version specified in apply patch. Specified patch version: ${String(applied.apiVersion ?? "")}, expected: ${apiVersion}`);
  }
  if (applied.kind !== kind) {
    throw errors.badRequest(`Incorrect kind specified in apply patch. Specified patch kind: ${String(applied.kind ?? "")}, expected: ${kind}`);
  }
  if (isObject(applied.metadata) && applied.metadata.managedFields !== undefined) {
    throw errors.badRequest("metadata.managedFields must be nil");
  }
  return applied;
}

/** An object stored without managedFields: everything it holds is owned by `before-first-apply`. */
function beforeFirstApply(base: JsonObject, live: KubeObject, options: ApplyOptions, info: FieldInfo): Manager {
  return {
    manager: BEFORE_FIRST_APPLY,
    operation: "Update",
    apiVersion: live.apiVersion ?? options.apiVersion,
    time: managedTime(options.now),
    fields: trackedFields(base, info, options.resetFields),
  };
}

/** kube-apiserver's apply conflict: 409 Conflict, one `FieldManagerConflict` cause per field. */
function conflictError(conflicts: { manager: Manager; path: string[] }[]): ApiError {
  const sorted = [...conflicts].sort((a, b) => (a.manager.manager < b.manager.manager ? -1 : a.manager.manager > b.manager.manager ? 1 : 0));
  const causes = sorted.map((c) => ({
    reason: "FieldManagerConflict",
    message: `conflict with ${describeManager(c.manager)}`,
    field: formatPath(c.path),
  }));
  let message: string;
  if (sorted.length === 1) {
    message = `Apply failed with 1 conflict: conflict with ${describeManager(sorted[0].manager)}: ${formatPath(sorted[0].path)}`;
  } else {
    const lines: string[] = [];
    let last: Manager | undefined;
    for (const c of sorted) {
      if (c.manager !== last) lines.push(`conflicts with ${describeManager(c.manager)}:`);
      lines.push(`- ${formatPath(c.path)}`);
      last = c.manager;
    }
    message = `Apply failed with ${sorted.length} conflicts: ${lines.join("\n")}`;
  }
  return new ApiError(409, "Conflict", message, { causes });
}

