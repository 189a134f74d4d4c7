/**
 * Plain-JSON helpers shared by the patch algorithms: type guards, deep copy and deep equality
 * over the values a decoded JSON (or YAML) document holds.
 */
import { errors } from "../errors.js";

export type JsonObject = Record<string, unknown>;

export function isObject(v: unknown): v is JsonObject {
  return typeof v === "object" && v !== null && !Array.isArray(v);
}

export function deepClone<T>(v: T): T {
  return structuredClone(v);
}

export function deepEqual(a: unknown, b: unknown): boolean {
  if (a === b) return true;
  if (Array.isArray(a)) {
    return Array.isArray(b) && a.length === b.length && a.every((x, i) => deepEqual(x, b[i]));
  }
  if (isObject(a) && isObject(b)) {
    const ka = Object.keys(a);
    if (ka.length !== Object.keys(b).length) return false;
    return ka.every((k) => Object.hasOwn(b, k) && deepEqual(a[k], b[k]));
  }
  return false;
}

/** A copy of `v` without the object keys whose value is null (or undefined), at any depth. */
export function withoutNulls(v: unknown): unknown {
  if (Array.isArray(v)) return v.map(withoutNulls);
  if (!isObject(v)) return v;
  const out: JsonObject = {};
  for (const [k, x] of Object.entries(v)) if (x !== null && x !== undefined) out[k] = withoutNulls(x);
  return out;
}

/**
 * A patch body as the registry may receive it: already decoded, or still JSON text. Text that is
 * not JSON is a 400, as kube-apiserver answers an undecodable patch.
 */
export function decodePatchBody(body: unknown): unknown {
  if (typeof body !== "string") return body;
  try {
    return JSON.parse(body) as unknown;
  } catch (e) {
    throw errors.badRequest(`error decoding patch: ${(e as Error).message}`);
  }
}

/** The Go-style name of a JSON value's type, for messages that mirror apimachinery's. */
export function goTypeName(v: unknown): string {
  if (Array.isArray(v)) return "[]interface {}";
  if (isObject(v)) return "map[string]interface {}";
  if (v === null) return "nil";
  if (typeof v === "number") return "float64";
  return typeof v === "boolean" ? "bool" : typeof v;
}
