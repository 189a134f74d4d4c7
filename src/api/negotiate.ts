/**
 * Content negotiation: which representation a response takes (`Accept`), and how a request body
 * is to be read (`Content-Type`), as kube-apiserver's `negotiation` package decides them.
 */
import { ApiError, errors } from "../lib/errors.js";
import type { PatchType } from "../registry/types.js";

interface MediaRange {
  type: string;
  params: Record<string, string>;
}

function parseMediaRange(text: string): MediaRange {
  const [type, ...params] = text.split(";").map((s) => s.trim());
  const out: MediaRange = { type: type.toLowerCase(), params: {} };
  for (const p of params) {
    const eq = p.indexOf("=");
    if (eq > 0) out.params[p.slice(0, eq).trim().toLowerCase()] = p.slice(eq + 1).trim().replace(/^"|"$/g, "");
  }
  return out;
}

/** The media type of a `Content-Type` header, without parameters; "" if absent. */
export function mediaType(contentType: string | undefined | null): string {
  return contentType ? parseMediaRange(contentType).type : "";
}

export type ResponseFormat =
  | { as: "object"; encoding: "json" | "yaml" }
  /** `meta.k8s.io` Table, at the version the client named. */
  | { as: "table"; version: "v1" | "v1beta1" };

const JSON_TYPES = new Set(["application/json", "application/*", "*/*"]);
const YAML_TYPES = new Set(["application/yaml"]);

/**
 * The first acceptable representation in the client's order. kubectl's `get` asks for
 * `application/json;as=Table;v=v1;g=meta.k8s.io, ..., application/json`. Forms we cannot give
 * (protobuf, `as=PartialObjectMetadata`) are skipped; 406 only if nothing listed is acceptable.
 */
export function negotiateResponse(accept: string | undefined | null, options: { tableAllowed: boolean }): ResponseFormat {
  if (!accept || !accept.trim()) return { as: "object", encoding: "json" };
  for (const range of accept.split(",").map(parseMediaRange)) {
    const { as, g, v } = range.params;
    if (as !== undefined) {
      const table = as === "Table" && g === "meta.k8s.io" && (v === "v1" || v === "v1beta1");
      if (table && options.tableAllowed && JSON_TYPES.has(range.type)) return { as: "table", version: v };
      continue;
    }
    if (JSON_TYPES.has(range.type)) return { as: "object", encoding: "json" };
    if (YAML_TYPES.has(range.type)) return { as: "object", encoding: "yaml" };
  }
  throw errors.notAcceptable(`only the following media types are accepted: application/json, application/yaml`);
}

export type IncludeObject = "None" | "Metadata" | "Object";

/** `?includeObject=` for Tables; upstream's default is Metadata. */
export function includeObjectOf(value: string | undefined): IncludeObject {
  if (value === undefined || value === "") return "Metadata";
  if (value === "None" || value === "Metadata" || value === "Object") return value;
  throw errors.badRequest(`includeObject: Unsupported value: "${value}": supported values: "Metadata", "None", "Object"`);
}

const PATCH_TYPES: Record<string, PatchType> = {
  "application/json-patch+json": "json",
  "application/merge-patch+json": "merge",
  "application/strategic-merge-patch+json": "strategic",
  "application/apply-patch+yaml": "apply",
};

export function patchTypeOf(contentType: string | undefined | null): PatchType {
  const type = PATCH_TYPES[mediaType(contentType)];
  if (!type) {
    throw new ApiError(
      415,
      "UnsupportedMediaType",
      `the body of the request was in an unknown format - accepted media types include: ${Object.keys(PATCH_TYPES).join(", ")}`,
    );
  }
  return type;
}

export type TextEncoding = "json" | "yaml";
export type BodyEncoding = TextEncoding | "protobuf";

const PROTOBUF = "application/vnd.kubernetes.protobuf";

/**
 * How to read a create/update body. A body sent with no Content-Type is read as JSON (curl
 * scripts); client-go's typed clients (kubectl's generator commands) send protobuf; anything
 * else is 415.
 */
export function bodyEncodingOf(contentType: string | undefined | null): BodyEncoding {
  const type = mediaType(contentType);
  if (type === "" || type === "application/json") return "json";
  if (type === "application/yaml") return "yaml";
  if (type === PROTOBUF) return "protobuf";
  throw new ApiError(
    415,
    "UnsupportedMediaType",
    `the body of the request (${contentType}) was in an unknown format - accepted media types include: application/json, application/yaml, ${PROTOBUF}`,
  );
}
