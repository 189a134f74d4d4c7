/**
 * PATCH bodies of Kubernetes' patch types applied to the stored object (the algorithms are in
 * src/lib/patch). Server-side apply is the registry's own path, since it may create.
 */
import { errors } from "../lib/errors.js";
import { patchObject } from "../lib/patch/index.js";
import type { KubeObject } from "../lib/types.js";
import type { ResourceDef } from "../resources/types.js";
import { apiVersionOf } from "../resources/types.js";

/** The object a JSON, merge or strategic merge patch turns `current` into; `current` is left untouched. */
export function applyPatch(def: ResourceDef, current: KubeObject, type: "json" | "merge" | "strategic", patch: unknown): KubeObject {
  const value: unknown = patchObject(type, current, patch, { apiVersion: apiVersionOf(def), kind: def.kind });
  if (value === null || typeof value !== "object" || Array.isArray(value)) {
    throw errors.badRequest("the patch did not produce an object");
  }
  const obj = value as KubeObject;
  obj.metadata ??= {};
  return obj;
}
