/**
 * The patch algorithms the registry runs: `patchObject` for the three patch types, and for
 * `application/apply-patch+yaml` `serverSideApply`; every other write records its manager with
 * `trackUpdate`. All are pure and throw `ApiError`s.
 */
import { applyJsonPatch } from "./json-patch.js";
import type { JsonObject } from "./json-value.js";
import { applyMergePatch } from "./merge-patch.js";
import { applyStrategicMergePatch, type KindRef } from "./strategic-merge-patch.js";

export { applyJsonPatch } from "./json-patch.js";
export { applyMergePatch } from "./merge-patch.js";
export { applyStrategicMergePatch, type KindRef } from "./strategic-merge-patch.js";
export { serverSideApply, type ApplyOptions } from "./server-side-apply.js";
export { trackUpdate, type TrackOptions } from "./managed-fields.js";
export { validatePatchOptions } from "./patch-options.js";
export { KIND_SCHEMA_TYPES, PATCH_META, fieldPatchMeta, patchMetaAt, schemaTypeOf, type FieldPatchMeta } from "./merge-keys.js";

/** Apply a JSON, merge or strategic merge patch to a copy of `live`, as `PATCH` with that type. */
export function patchObject<T extends JsonObject>(type: "json" | "merge" | "strategic", live: T, body: unknown, kind: KindRef): T {
  switch (type) {
    case "json":
      return applyJsonPatch(live, body);
    case "merge":
      return applyMergePatch(live, body);
    case "strategic":
      return applyStrategicMergePatch(live, body, kind);
  }
}
