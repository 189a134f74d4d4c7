/**
 * Query parameters of resource requests, read into the registry's option types with the checks
 * kube-apiserver applies (bad values are 400, never silently ignored).
 */
import { errors } from "../lib/errors.js";
import type { DeleteOptions } from "../lib/types.js";
import type { FieldValidation, PatchOptions, Registry, WriteOptions } from "../registry/types.js";
import type { ListOptions, WatchOptions } from "../store/types.js";

type Query = Record<string, string>;

function integer(query: Query, key: string, min = 0): number | undefined {
  const raw = query[key];
  if (raw === undefined || raw === "") return undefined;
  const n = Number(raw);
  if (!Number.isInteger(n) || n < min) throw errors.badRequest(`${key}: Invalid value: "${raw}": must be an integer >= ${min}`);
  return n;
}

function boolean(query: Query, key: string): boolean | undefined {
  const raw = query[key];
  if (raw === undefined || raw === "") return undefined;
  if (raw === "true" || raw === "1") return true;
  if (raw === "false" || raw === "0") return false;
  throw errors.badRequest(`${key}: Invalid value: "${raw}": must be true or false`);
}

function dryRunOf(query: Query): boolean {
  const raw = query.dryRun;
  if (raw === undefined || raw === "") return false;
  if (raw === "All") return true;
  throw errors.badRequest(`dryRun: Unsupported value: "${raw}": supported values: "All"`);
}

export function listOptionsOf(query: Query): ListOptions {
  const match = query.resourceVersionMatch;
  if (match !== undefined && match !== "" && match !== "Exact" && match !== "NotOlderThan") {
    throw errors.badRequest(`resourceVersionMatch: Unsupported value: "${match}": supported values: "Exact", "NotOlderThan"`);
  }
  const options: ListOptions = {
    labelSelector: query.labelSelector || undefined,
    fieldSelector: query.fieldSelector || undefined,
    limit: integer(query, "limit"),
    continue: query.continue || undefined,
    resourceVersion: query.resourceVersion || undefined,
    resourceVersionMatch: match || undefined,
  };
  if (options.continue && options.resourceVersion && options.resourceVersion !== "0") {
    throw errors.badRequest("specifying resource version is not allowed when using continue");
  }
  if (options.resourceVersionMatch && !options.resourceVersion) {
    throw errors.badRequest("resourceVersionMatch is forbidden unless resourceVersion is provided");
  }
  return options;
}

/** kube-apiserver's `--min-request-timeout`: a watch without timeoutSeconds lasts 30–60 min. */
const WATCH_TIMEOUT_CAP_SECONDS = 1800;

/** `random` is injectable so tests can pin the cap. */
export function watchOptionsOf(query: Query, random: () => number = Math.random): WatchOptions {
  const cap = Math.floor(WATCH_TIMEOUT_CAP_SECONDS * (1 + random()));
  const requested = integer(query, "timeoutSeconds");
  return {
    labelSelector: query.labelSelector || undefined,
    fieldSelector: query.fieldSelector || undefined,
    resourceVersion: query.resourceVersion || undefined,
    allowWatchBookmarks: boolean(query, "allowWatchBookmarks") ?? false,
    timeoutSeconds: requested !== undefined && requested > 0 ? Math.min(requested, cap) : cap,
  };
}

function fieldValidationOf(query: Query): FieldValidation | undefined {
  const raw = query.fieldValidation;
  if (raw === undefined || raw === "") return undefined;
  if (raw === "Strict" || raw === "Warn" || raw === "Ignore") return raw;
  throw errors.badRequest(`fieldValidation: Unsupported value: "${raw}": supported values: "Ignore", "Strict", "Warn"`);
}

export function writeOptionsOf(query: Query): WriteOptions {
  return {
    dryRun: dryRunOf(query),
    fieldManager: query.fieldManager || undefined,
    fieldValidation: fieldValidationOf(query),
  };
}

export function patchOptionsOf(query: Query, isApply: boolean): PatchOptions {
  const force = boolean(query, "force");
  if (force !== undefined && !isApply) {
    throw errors.invalid("PatchOptions", "", [{ type: "FieldValueForbidden", field: "force", message: "Forbidden: may not be specified for non-apply patch" }], "meta.k8s.io");
  }
  if (isApply && !query.fieldManager) {
    throw errors.invalid("PatchOptions", "", [{ type: "FieldValueRequired", field: "fieldManager", message: "Required value: is required for apply patch" }], "meta.k8s.io");
  }
  return { ...writeOptionsOf(query), force };
}

/**
 * The registry's delete options: DeleteOptions with `dryRun` as a flag. The contract spells
 * this `DeleteOptions & { dryRun?: boolean }`, whose `dryRun` intersects `string[]` with
 * `boolean` and so admits only `undefined`; `asRegistryOptions` bridges that until it is fixed.
 */
export type RegistryDeleteOptions = Omit<DeleteOptions, "dryRun"> & { dryRun?: boolean };
type ContractDeleteOptions = NonNullable<Parameters<Registry["delete"]>[3]>;

export function asRegistryOptions(options: RegistryDeleteOptions): ContractDeleteOptions {
  return options as ContractDeleteOptions;
}

const PROPAGATION_POLICIES = ["Orphan", "Background", "Foreground"];

/**
 * DeleteOptions from the query, overlaid by a DeleteOptions body when there is one (kubectl
 * sends `{"kind":"DeleteOptions","apiVersion":"v1","propagationPolicy":"Background"}`).
 */
export function deleteOptionsOf(query: Query, body: Record<string, unknown> | undefined): RegistryDeleteOptions {
  const fromQuery: DeleteOptions = {
    gracePeriodSeconds: integer(query, "gracePeriodSeconds"),
    propagationPolicy: query.propagationPolicy || undefined,
    orphanDependents: boolean(query, "orphanDependents"),
    dryRun: query.dryRun ? [query.dryRun] : undefined,
  };
  const merged = { ...fromQuery, ...(body ?? {}) } as DeleteOptions & { kind?: unknown; apiVersion?: unknown };
  if (merged.kind !== undefined && merged.kind !== "DeleteOptions") {
    throw errors.badRequest(`the kind in the data (${String(merged.kind)}) does not match the expected kind (DeleteOptions)`);
  }
  const { kind: _kind, apiVersion: _apiVersion, dryRun, ...rest } = merged;
  if (rest.propagationPolicy !== undefined && !PROPAGATION_POLICIES.includes(rest.propagationPolicy)) {
    throw errors.invalid("DeleteOptions", "", [{ type: "FieldValueNotSupported", field: "propagationPolicy", message: `Unsupported value: "${rest.propagationPolicy}": supported values: "Foreground", "Background", "Orphan"` }], "meta.k8s.io");
  }
  if (rest.orphanDependents !== undefined && rest.propagationPolicy !== undefined) {
    throw errors.invalid("DeleteOptions", "", [{ type: "FieldValueInvalid", field: "propagationPolicy", message: "Invalid value: \"" + rest.propagationPolicy + "\": orphanDependents and deletionPropagation cannot be both set" }], "meta.k8s.io");
  }
  if (rest.gracePeriodSeconds !== undefined && (!Number.isInteger(rest.gracePeriodSeconds) || rest.gracePeriodSeconds < 0)) {
    throw errors.badRequest(`gracePeriodSeconds: Invalid value: ${String(rest.gracePeriodSeconds)}: must be an integer >= 0`);
  }
  for (const d of dryRun ?? []) {
    if (d !== "All") throw errors.badRequest(`dryRun: Unsupported value: "${d}": supported values: "All"`);
  }
  return { ...stripUndefined(rest), dryRun: (dryRun ?? []).length > 0 };
}

function stripUndefined<T extends object>(o: T): T {
  return Object.fromEntries(Object.entries(o).filter(([, v]) => v !== undefined)) as T;
}
