/**
 * JSON patch (RFC 6902, `application/json-patch+json`), through fast-json-patch, with the
 * answers kube-apiserver gives: a body that is not a list of operations is 400 BadRequest, more
 * than 10000 operations is 413, and an operation that cannot be applied (a failed `test`, a
 * missing path, an unknown `op`) is 422 Invalid "the server rejected our request due to an error
 * in our request".
 */
import { applyPatch, JsonPatchError, type Operation } from "fast-json-patch";
import { errors } from "../errors.js";
import { decodePatchBody, deepClone, isObject } from "./json-value.js";
import { rejectedPatch } from "./patch-errors.js";

/** apiserver's `maxJSONPatchOperations`. */
const MAX_OPERATIONS = 10000;

/** Apply a JSON patch to a copy of `target`; `target` is left untouched. */
export function applyJsonPatch<T>(target: T, body: unknown): T {
  const ops = decodeOperations(decodePatchBody(body));
  try {
    return applyPatch(deepClone(target), ops, true, true).newDocument;
  } catch (e) {
    if (e instanceof JsonPatchError) throw rejectedPatch(`${e.name}: ${e.message} (operation ${Number(e.index) + 1})`);
    throw e;
  }
}

/** Decoding checks only the shape, as evanphx/json-patch's DecodePatch does; ops are checked when applied. */
function decodeOperations(patch: unknown): Operation[] {
  if (!Array.isArray(patch)) {
    throw errors.badRequest(`json: cannot unmarshal ${jsonKind(patch)} into Go value of type jsonpatch.Patch`);
  }
  patch.forEach((op) => {
    if (!isObject(op)) {
      throw errors.badRequest(`json: cannot unmarshal ${jsonKind(op)} into Go value of type jsonpatch.Operation`);
    }
  });
  if (patch.length > MAX_OPERATIONS) {
    throw errors.tooLarge(`The allowed maximum operations in a JSON patch is ${MAX_OPERATIONS}, got ${patch.length}`);
  }
  return patch as Operation[];
}

function jsonKind(v: unknown): string {
  if (Array.isArray(v)) return "array";
  if (v === null) return "null";
  return typeof v === "object" ? "object" : typeof v;
}
