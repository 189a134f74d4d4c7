/**
 * `metadata.managedFields`: who owns which fields, in apimachinery's format. Server-side apply
 * records an `Apply` entry per field manager; every other write (create, update, patch) goes
 * through `trackUpdate`, which gives the writer (`Update` entry) the fields it changed and takes
 * them from everyone else, so that a field set by `kubectl edit` or `kubectl label` survives a
 * later apply that does not mention it, and an apply that changes it conflicts.
 */
import type { KubeObject, ObjectMeta } from "../types.js";
import { FieldSet } from "./field-set.js";
import { changedUnder, fieldSetOf, rootInfo, type FieldInfo } from "./field-paths.js";
import { deepEqual, isObject, type JsonObject } from "./json-value.js";
import { schemaTypeOf } from "./merge-keys.js";

export type ManagedFieldsEntry = NonNullable<ObjectMeta["managedFields"]>[number];

export interface Manager {
  manager: string;
  operation: "Apply" | "Update";
  /** The version the manager wrote in; part of an `Update` manager's identity only. */
  apiVersion: string;
  subresource?: string;
  time?: string;
  fields: FieldSet;
}

/**
 * Who a manager is, as apimachinery's `BuildManagerIdentifier`: name, operation, subresource,
 * and for `Update` the API version (so an applier stays one manager across versions).
 */
export function managerId(m: Pick<Manager, "manager" | "operation" | "apiVersion" | "subresource">): string {
  return JSON.stringify([m.manager, m.operation, m.operation === "Update" ? m.apiVersion : "", m.subresource ?? ""]);
}

/** How conflict messages name a manager: `"kubectl-edit" using apps/v1`. */
export function describeManager(m: Manager): string {
  let s = JSON.stringify(m.manager);
  if (m.subresource) s += ` with subresource ${JSON.stringify(m.subresource)}`;
  return m.operation === "Update" ? `${s} using ${m.apiVersion}` : s;
}

/** The entries of `managedFields`; undefined when there are none or they do not parse. */
export function decodeManagedFields(raw: unknown): Manager[] | undefined {
  if (!Array.isArray(raw) || raw.length === 0) return undefined;
  try {
    return raw.map((e: unknown) => {
      if (!isObject(e) || typeof e.manager !== "string" || (e.operation !== "Apply" && e.operation !== "Update")) {
        throw new Error("not a managedFields entry");
      }
      if (e.fieldsType !== undefined && e.fieldsType !== "FieldsV1") throw new Error("unknown fieldsType");
      return {
        manager: e.manager,
        operation: e.operation,
        apiVersion: typeof e.apiVersion === "string" ? e.apiVersion : "",
        subresource: typeof e.subresource === "string" && e.subresource ? e.subresource : undefined,
        time: typeof e.time === "string" ? e.time : undefined,
        fields: e.fieldsV1 === undefined ? new FieldSet() : FieldSet.fromFieldsV1(e.fieldsV1),
      };
    });
  } catch {
    return undefined;
  }
}

/** Entries with fields, in apimachinery's order: Apply before Update, then by time, name, version. */
export function encodeManagedFields(managers: Manager[]): ManagedFieldsEntry[] {
  return managers
    .filter((m) => !m.fields.isEmpty())
    .sort(
      (a, b) =>
        compare(a.operation, b.operation) ||
        compare(a.time ?? "", b.time ?? "") ||
        compare(a.manager, b.manager) ||
        compare(a.apiVersion, b.apiVersion) ||
        compare(a.subresource ?? "", b.subresource ?? ""),
    )
    .map((m) => ({
      manager: m.manager,
      operation: m.operation,
      apiVersion: m.apiVersion,
      ...(m.time ? { time: m.time } : {}),
      fieldsType: "FieldsV1",
      fieldsV1: m.fields.toFieldsV1(),
      ...(m.subresource ? { subresource: m.subresource } : {}),
    }));
}

function compare(a: string, b: string): number {
  return a < b ? -1 : a > b ? 1 : 0;
}

/** `metav1.Time`: RFC 3339 to the second. */
export function managedTime(now: Date): string {
  return now.toISOString().replace(/\.\d{3}Z$/, "Z");
}

/** Fields the server sets or that name the object: never owned (apimachinery's `stripMeta`). */
const UNTRACKED: readonly (readonly string[])[] = [
  ["f:apiVersion"],
  ["f:kind"],
  ...["name", "namespace", "uid", "resourceVersion", "generation", "creationTimestamp", "selfLink", "managedFields", "deletionTimestamp", "deletionGracePeriodSeconds"].map((f) => ["f:metadata", `f:${f}`]),
];

/** The fields of an object that ownership is tracked for; `reset` names top-level fields the strategy resets. */
export function trackedFields(obj: JsonObject, info: FieldInfo, reset: readonly string[] = []): FieldSet {
  const set = fieldSetOf(obj, info);
  for (const path of UNTRACKED) set.prune(path);
  for (const field of reset) set.prune([`f:${field}`]);
  return set;
}

export function kindInfo(apiVersion: string, kind: string | undefined): FieldInfo {
  return rootInfo(schemaTypeOf(apiVersion, kind));
}

export interface TrackOptions {
  /** `status` for writes to the status subresource. */
  subresource?: string;
}

/**
 * Record a non-apply write (create when `old` is null, update, patch) by `manager` in the
 * `managedFields` of the object to store, which is returned (`next` is left untouched).
 *
 * As kube-apiserver: `managedFields: [{}]` in the request clears them; other `managedFields`
 * the request sets (a GET-modify-PUT, kubectl's client-side-apply upgrade) are taken as given;
 * an object stored without them stays without until its first apply.
 */
export function trackUpdate<T extends KubeObject>(
  old: KubeObject | null,
  next: T,
  manager: string,
  apiVersion: string,
  now: Date,
  options: TrackOptions = {},
): T {
  const provided = next.metadata?.managedFields;
  const out = { ...next, metadata: { ...next.metadata } };
  delete out.metadata.managedFields;
  if (Array.isArray(provided) && provided.length === 1 && isObject(provided[0]) && Object.keys(provided[0]).length === 0) return out;

  const given = deepEqual(provided, old?.metadata?.managedFields) ? undefined : decodeManagedFields(provided);
  const managers = given ?? (old ? decodeManagedFields(old.metadata?.managedFields) : []);
  if (!managers) return out;

  const info = kindInfo(apiVersion, next.kind ?? old?.kind);
  const nextFields = trackedFields(out, info);
  const changed = changedUnder(nextFields, old, out, info);
  const removed = old ? trackedFields(old, info).difference(nextFields) : new FieldSet();

  const me: Manager = { manager, operation: "Update", apiVersion, subresource: options.subresource, fields: new FieldSet() };
  const id = managerId(me);
  const mine = managers.find((m) => managerId(m) === id);
  for (const m of managers) if (m !== mine) m.fields = m.fields.difference(changed).difference(removed);
  const fields = (mine?.fields.difference(removed) ?? new FieldSet()).union(changed);
  if (mine) {
    if (!fields.equals(mine.fields)) mine.time = managedTime(now);
    mine.fields = fields;
  } else {
    managers.push({ ...me, time: managedTime(now), fields });
  }
  const encoded = encodeManagedFields(managers);
  if (encoded.length > 0) out.metadata.managedFields = encoded;
  return out;
}
