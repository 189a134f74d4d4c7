/**
 * Server-side field validation (`fieldValidation=Strict|Warn|Ignore`): an object is walked
 * against its kind's generated OpenAPI schema (src/openapi) and fields the schema does not know
 * are found. As in kube-apiserver, they are never stored (a Go struct cannot hold them): `Strict`
 * refuses the request with 400, `Warn` drops them and says so in a `Warning` per field,
 * `Ignore` drops them silently. A request without the parameter is treated as `Warn`, which is
 * kube-apiserver's default since field validation went GA (apiserver's `fieldValidation("")`);
 * kubectl sends `Strict` by default.
 *
 * Duplicate fields cannot be seen here: the body has been decoded already (JSON keeps the last
 * duplicate; the YAML decoder refuses them).
 */
import { errors } from "../lib/errors.js";
import { decodePatchBody } from "../lib/patch/json-value.js";
import type { KubeObject } from "../lib/types.js";
import { resolveSchema, SCHEMAS, schemaNameOf, type Schema } from "../openapi/index.js";
import type { FieldValidation, WriteOptions } from "./types.js";

/**
 * Paths of the fields of `value` that `schema` does not declare (`spec.replica`,
 * `spec.template.spec.containers[0].imagee`), in document order. With `prune`, they are also
 * deleted from `value`.
 */
export function unknownFields(value: unknown, schema: Schema, prune: boolean, path = ""): string[] {
  const s = resolveSchema(schema);
  if (s["x-kubernetes-preserve-unknown-fields"] || s["x-kubernetes-int-or-string"]) return [];
  if (Array.isArray(value)) {
    return s.items ? value.flatMap((item, i) => unknownFields(item, s.items!, prune, `${path}[${i}]`)) : [];
  }
  if (typeof value !== "object" || value === null) return [];
  const obj = value as Record<string, unknown>;
  const found: string[] = [];
  for (const key of Object.keys(obj)) {
    const fieldPath = path ? `${path}.${key}` : key;
    const field = s.properties ? s.properties[key] : s.additionalProperties;
    if (field) {
      found.push(...unknownFields(obj[key], field, prune, fieldPath));
    } else if (s.properties) {
      found.push(fieldPath);
      if (prune) delete obj[key];
    }
  }
  return found;
}

/** What was checked: a request body (create, update, apply) or the result of a patch. */
export type Checked = "body" | "patch";

/**
 * kube-apiserver's 400 for unknown fields under `Strict`. A body fails in its decoder, which
 * names the kind: `Deployment in version "v1" cannot be handled as a Deployment: strict decoding
 * error: unknown field "spec.replica"`; a patch result fails in the converter, which does not.
 */
export function strictDecodingError(apiVersion: string, kind: string, paths: string[], checked: Checked): Error {
  const message = `strict decoding error: ${paths.map((p) => `unknown field "${p}"`).join(", ")}`;
  const version = apiVersion.split("/").at(-1);
  return errors.badRequest(checked === "body" ? `${kind} in version "${version}" cannot be handled as a ${kind}: ${message}` : message);
}

/**
 * Applies `options.fieldValidation` to `obj`, an object of kind `kind` about to be written:
 * throws under `Strict`, otherwise removes the unknown fields in place (warning under `Warn`).
 * Kinds without a generated schema are left alone.
 */
export function validateFields(apiVersion: string, kind: string, obj: KubeObject, options: WriteOptions, checked: Checked = "body"): void {
  const name = schemaNameOf(apiVersion, kind);
  if (!name) return;
  const directive: FieldValidation = options.fieldValidation ?? "Warn";
  const unknown = unknownFields(obj, SCHEMAS[name], directive !== "Strict");
  if (unknown.length === 0) return;
  if (directive === "Strict") throw strictDecodingError(apiVersion, kind, unknown, checked);
  if (directive === "Warn") options.warnings?.push(...unknown.map((p) => `unknown field "${p}"`));
}

/**
 * A server-side apply body with `options.fieldValidation` applied, so that what the manager is
 * recorded to own holds only known fields. Text is decoded first (the apply code accepts both).
 */
export function validateApplyBody(apiVersion: string, kind: string, body: unknown, options: WriteOptions): unknown {
  const decoded = decodePatchBody(body);
  if (typeof decoded !== "object" || decoded === null || Array.isArray(decoded)) return decoded;
  const copy = structuredClone(decoded) as KubeObject;
  validateFields(apiVersion, kind, copy, options);
  return copy;
}
