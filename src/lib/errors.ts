/**
 * Kubernetes API errors. Every failure that reaches a client is one of these, rendered as a
 * `Status` object with the code and reason Kubernetes uses (apimachinery's `api/errors`).
 */
import type { Status, StatusCause } from "./types.js";

export type StatusReason =
  | "BadRequest"
  | "Unauthorized"
  | "Forbidden"
  | "NotFound"
  | "MethodNotAllowed"
  | "NotAcceptable"
  | "AlreadyExists"
  | "Conflict"
  | "Gone"
  | "Expired"
  | "RequestEntityTooLarge"
  | "UnsupportedMediaType"
  | "Invalid"
  | "TooManyRequests"
  | "InternalError"
  | "ServiceUnavailable"
  | "Timeout";

/** A field-level validation failure, as in apimachinery's `field.Error`. */
export interface FieldError {
  type:
    | "FieldValueRequired"
    | "FieldValueInvalid"
    | "FieldValueNotSupported"
    | "FieldValueDuplicate"
    | "FieldValueForbidden"
    | "FieldValueTooLong"
    | "FieldValueTooMany"
    | "FieldValueNotFound";
  /** Dotted path, e.g. `spec.template.spec.containers[0].image`. */
  field: string;
  /** The full message, e.g. `Required value` or `Invalid value: "X": must be ...`. */
  message: string;
}

/** What the error names: kubectl prints `<resource>.<group> "<name>"`. */
export interface ErrorTarget {
  group?: string;
  /** The resource (plural) in `details.kind`, as apimachinery does for most errors. */
  kind?: string;
  name?: string;
  uid?: string;
}

export class ApiError extends Error {
  constructor(
    readonly code: number,
    readonly reason: StatusReason,
    message: string,
    readonly details?: ErrorTarget & { causes?: StatusCause[]; retryAfterSeconds?: number },
  ) {
    super(message);
    this.name = "ApiError";
  }

  toStatus(): Status {
    const status: Status = {
      kind: "Status",
      apiVersion: "v1",
      metadata: {},
      status: "Failure",
      message: this.message,
      reason: this.reason,
      code: this.code,
    };
    if (this.details && Object.keys(this.details).length > 0) status.details = { ...this.details };
    return status;
  }
}

/** `deployments.apps` or `pods`: how Kubernetes names a resource in messages. */
export function qualifiedResource(t: ErrorTarget): string {
  return t.group ? `${t.kind}.${t.group}` : `${t.kind ?? ""}`;
}

export const errors = {
  badRequest: (message: string) => new ApiError(400, "BadRequest", message),
  unauthorized: (message = "Unauthorized") => new ApiError(401, "Unauthorized", message),
  forbidden: (t: ErrorTarget, user: string, verb: string, namespace?: string) =>
    new ApiError(
      403,
      "Forbidden",
      `${qualifiedResource(t)}${t.name ? ` "${t.name}"` : ""} is forbidden: User "${user}" cannot ${verb} resource "${t.kind}"${t.group ? ` in API group "${t.group}"` : ' in API group ""'}${namespace ? ` in the namespace "${namespace}"` : " at the cluster scope"}`,
      { group: t.group, kind: t.kind, name: t.name },
    ),
  /** 403 for a rule rather than a permission: `namespaces "default" is forbidden: <why>`. */
  forbiddenBecause: (t: ErrorTarget, why: string) =>
    new ApiError(403, "Forbidden", `${qualifiedResource(t)} "${t.name ?? ""}" is forbidden: ${why}`, {
      name: t.name,
      group: t.group,
      kind: t.kind,
    }),
  notFound: (t: ErrorTarget) =>
    new ApiError(404, "NotFound", `${qualifiedResource(t)} "${t.name}" not found`, {
      name: t.name,
      group: t.group,
      kind: t.kind,
    }),
  /** 404 for a path that names no resource at all. */
  pathNotFound: (path: string) => new ApiError(404, "NotFound", `the server could not find the requested resource (${path})`),
  methodNotAllowed: (message: string) => new ApiError(405, "MethodNotAllowed", message),
  notAcceptable: (message: string) => new ApiError(406, "NotAcceptable", message),
  alreadyExists: (t: ErrorTarget) =>
    new ApiError(409, "AlreadyExists", `${qualifiedResource(t)} "${t.name}" already exists`, {
      name: t.name,
      group: t.group,
      kind: t.kind,
    }),
  conflict: (t: ErrorTarget, why: string) =>
    new ApiError(
      409,
      "Conflict",
      `Operation cannot be fulfilled on ${qualifiedResource(t)} "${t.name}": ${why}`,
      { name: t.name, group: t.group, kind: t.kind },
    ),
  /** The optimistic-concurrency conflict, worded as kube-apiserver words it. */
  staleResourceVersion: (t: ErrorTarget) =>
    errors.conflict(t, "the object has been modified; please apply your changes to the latest version and try again"),
  expired: (message: string) => new ApiError(410, "Expired", message),
  gone: (message: string) => new ApiError(410, "Gone", message),
  tooLarge: (message = "Request entity too large: limit is 3145728") =>
    new ApiError(413, "RequestEntityTooLarge", message),
  unsupportedMediaType: (contentType: string) =>
    new ApiError(415, "UnsupportedMediaType", `the body of the request was in an unknown format - accepted media types include: application/json, application/yaml, application/vnd.kubernetes.protobuf`.replace(
      "the body",
      contentType ? `the body (${contentType})` : "the body",
    )),
  /** 422 with one cause per field, message as kube-apiserver builds it. */
  invalid: (kind: string, name: string, fieldErrors: FieldError[], group?: string) => {
    const list = fieldErrors.map((e) => `${e.field}: ${e.message}`);
    const summary = list.length === 1 ? list[0] : `[${list.join(", ")}]`;
    const qualifiedKind = group ? `${kind}.${group}` : kind;
    return new ApiError(422, "Invalid", `${qualifiedKind} "${name}" is invalid: ${summary}`, {
      name,
      group,
      kind,
      causes: fieldErrors.map((e) => ({ reason: e.type, message: e.message, field: e.field })),
    });
  },
  internal: (message: string) =>
    new ApiError(500, "InternalError", `Internal error occurred: ${message}`),
  timeout: (message: string) => new ApiError(504, "Timeout", message),
  serviceUnavailable: (message: string) => new ApiError(503, "ServiceUnavailable", message),
};

/** Field-error constructors whose messages read like apimachinery's `field.*` helpers. */
export const fieldErrors = {
  required: (field: string, detail = ""): FieldError => ({
    type: "FieldValueRequired",
    field,
    message: detail ? `Required value: ${detail}` : "Required value",
  }),
  invalid: (field: string, value: unknown, detail: string): FieldError => ({
    type: "FieldValueInvalid",
    field,
    message: `Invalid value: ${formatValue(value)}: ${detail}`,
  }),
  notSupported: (field: string, value: unknown, supported: string[]): FieldError => ({
    type: "FieldValueNotSupported",
    field,
    message: `Unsupported value: ${formatValue(value)}: supported values: ${supported.map((s) => `"${s}"`).join(", ")}`,
  }),
  duplicate: (field: string, value: unknown): FieldError => ({
    type: "FieldValueDuplicate",
    field,
    message: `Duplicate value: ${formatValue(value)}`,
  }),
  forbidden: (field: string, detail: string): FieldError => ({
    type: "FieldValueForbidden",
    field,
    message: `Forbidden: ${detail}`,
  }),
  tooLong: (field: string, max: number): FieldError => ({
    type: "FieldValueTooLong",
    field,
    message: `Too long: may not be more than ${max} bytes`,
  }),
};

function formatValue(v: unknown): string {
  if (typeof v === "string") return JSON.stringify(v);
  if (v === null || v === undefined) return "null";
  if (typeof v === "object") return JSON.stringify(v);
  return String(v);
}
