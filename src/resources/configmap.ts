/** ConfigMap (core/v1): key rules, the 1 MiB size limit, and `immutable`. */
import { fieldErrors, type FieldError } from "../lib/errors.js";
import type { ConfigMap } from "../lib/types.js";
import { deepEqual, invalidEach, isConfigMapKey } from "../lib/validation.js";
import { nameIsDNSSubdomain, validateObjectMeta } from "./meta.js";
import { age, ageColumn, column, nameColumn } from "./table.js";
import type { ResourceDef } from "./types.js";

/** The most data a ConfigMap or Secret may hold (`core.MaxSecretSize`). */
export const MAX_DATA_SIZE = 1024 * 1024;
export const IMMUTABLE_SET_MESSAGE = "field is immutable when `immutable` is set";

function validateConfigMap(cm: ConfigMap): FieldError[] {
  const errs = validateObjectMeta(cm.metadata, { namespaced: true, name: nameIsDNSSubdomain });
  const encoder = new TextEncoder();
  let size = 0;
  for (const [key, value] of Object.entries(cm.data ?? {})) {
    errs.push(...invalidEach(`data[${key}]`, key, isConfigMapKey(key)));
    if (cm.binaryData && key in cm.binaryData)
      errs.push(fieldErrors.invalid(`data[${key}]`, key, "duplicate of key present in binaryData"));
    size += encoder.encode(value).length;
  }
  for (const [key, value] of Object.entries(cm.binaryData ?? {})) {
    errs.push(...invalidEach(`binaryData[${key}]`, key, isConfigMapKey(key)));
    if (cm.data && key in cm.data) errs.push(fieldErrors.invalid(`binaryData[${key}]`, key, "duplicate of key present in data"));
    size += Math.floor((value.length * 3) / 4);
  }
  if (size > MAX_DATA_SIZE) errs.push(fieldErrors.tooLong("", MAX_DATA_SIZE));
  return errs;
}

/** Once `immutable` is true, neither it nor the data may change (shared with Secret). */
export function validateImmutableData(
  next: { immutable?: boolean; data?: unknown; binaryData?: unknown },
  old: { immutable?: boolean; data?: unknown; binaryData?: unknown },
  dataKeys: Array<"data" | "binaryData">,
): FieldError[] {
  if (!old.immutable) return [];
  const errs: FieldError[] = [];
  if (!next.immutable) errs.push(fieldErrors.forbidden("immutable", IMMUTABLE_SET_MESSAGE));
  for (const k of dataKeys) if (!deepEqual(next[k], old[k])) errs.push(fieldErrors.forbidden(k, IMMUTABLE_SET_MESSAGE));
  return errs;
}

export const configMapDef: ResourceDef<ConfigMap> = {
  group: "",
  version: "v1",
  kind: "ConfigMap",
  plural: "configmaps",
  singular: "configmap",
  namespaced: true,
  shortNames: ["cm"],
  hasStatus: false,
  generationPaths: [],

  defaults() {},
  validate: validateConfigMap,
  validateUpdate(cm, old) {
    return [...validateConfigMap(cm), ...validateImmutableData(cm, old, ["data", "binaryData"])];
  },

  table: {
    columns: [nameColumn(), column("Data", "Data contains the configuration data."), ageColumn()],
    cells: (cm, now) => [
      cm.metadata.name,
      Object.keys(cm.data ?? {}).length + Object.keys(cm.binaryData ?? {}).length,
      age(cm, now),
    ],
  },
};
