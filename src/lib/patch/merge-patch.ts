/**
 * JSON merge patch (RFC 7386, `application/merge-patch+json`): objects merge key by key, `null`
 * deletes a key, anything else (lists included) replaces. `kubectl label`, `annotate` and
 * `scale` send these.
 */
import { errors } from "../errors.js";
import { decodePatchBody, deepClone, isObject, type JsonObject } from "./json-value.js";

/** Apply a merge patch to a copy of `target`; `target` is left untouched. */
export function applyMergePatch<T extends JsonObject>(target: T, body: unknown): T {
  const patch = decodePatchBody(body);
  // A patch that is not an object would replace the whole object with a non-object.
  if (!isObject(patch)) throw errors.badRequest("error decoding patch: a merge patch must be a JSON object");
  return mergeValue(deepClone(target), patch) as T;
}

function mergeValue(target: unknown, patch: unknown): unknown {
  if (!isObject(patch)) return deepClone(patch);
  const out: JsonObject = isObject(target) ? target : {};
  for (const [key, value] of Object.entries(patch)) {
    if (value === null) delete out[key];
    else out[key] = mergeValue(out[key], value);
  }
  return out;
}
