/**
 * Request bodies: read with kube-apiserver's 3 MiB limit, parsed as JSON, YAML or Kubernetes
 * protobuf, and checked against what the URL says (group/version, kind, namespace, name). Bad
 * input is a 4xx Status.
 */
import { parse as parseYaml } from "yaml";
import { errors } from "../lib/errors.js";
import type { KubeObject } from "../lib/types.js";
import type { BodyEncoding, TextEncoding } from "./negotiate.js";
import { decodeKubernetesProtobuf } from "./protobuf/envelope.js";

/** kube-apiserver's `MaxRequestBodyBytes`. */
export const MAX_BODY_BYTES = 3 * 1024 * 1024;

/** The body as text (JSON, YAML), refusing (413) anything over the limit without reading it all. */
export async function readBody(req: Request, limit = MAX_BODY_BYTES): Promise<string> {
  return new TextDecoder().decode(await readBodyBytes(req, limit));
}

/** The raw body, refusing (413) anything over the limit without reading it all. */
export async function readBodyBytes(req: Request, limit = MAX_BODY_BYTES): Promise<Uint8Array> {
  const declared = Number(req.headers.get("content-length") ?? "");
  if (declared > limit) throw errors.tooLarge(`Request entity too large: limit is ${limit}`);
  if (!req.body) return new Uint8Array();
  const reader = req.body.getReader();
  const chunks: Uint8Array[] = [];
  let size = 0;
  for (;;) {
    const { done, value } = await reader.read();
    if (done) break;
    size += value.byteLength;
    if (size > limit) {
      await reader.cancel();
      throw errors.tooLarge(`Request entity too large: limit is ${limit}`);
    }
    chunks.push(value);
  }
  const bytes = new Uint8Array(size);
  let offset = 0;
  for (const c of chunks) {
    bytes.set(c, offset);
    offset += c.byteLength;
  }
  return bytes;
}

/** Decode a create/update body in any encoding we accept; protobuf comes out as its JSON form. */
export function decodeBody(bytes: Uint8Array, encoding: BodyEncoding): unknown {
  if (encoding === "protobuf") return decodeKubernetesProtobuf(bytes);
  return parseBody(new TextDecoder().decode(bytes), encoding);
}

/** Parse JSON or YAML; a syntax error is 400 naming the problem, as upstream's decoder does. */
export function parseBody(text: string, encoding: TextEncoding): unknown {
  if (encoding === "json") {
    try {
      return JSON.parse(text);
    } catch (e) {
      throw errors.badRequest(`couldn't get version/kind; json parse error: ${messageOf(e)}`);
    }
  }
  try {
    return parseYaml(text);
  } catch (e) {
    throw errors.badRequest(`error converting YAML to JSON: yaml: ${messageOf(e)}`);
  }
}

function messageOf(e: unknown): string {
  return e instanceof Error ? e.message.split("\n")[0] : String(e);
}

export function isPlainObject(v: unknown): v is Record<string, unknown> {
  return typeof v === "object" && v !== null && !Array.isArray(v);
}

/** What the URL says the body must be. */
export interface ExpectedObject {
  /** `apps/v1`; a body may omit apiVersion and kind, which then default to these. */
  apiVersion: string;
  kind: string;
  /** The request's namespace for a namespaced kind; undefined for cluster-scoped kinds. */
  namespace?: string;
  /** The name in the URL (PUT); undefined on create. */
  name?: string;
}

/**
 * Check a decoded body against the URL and fill in what the URL implies (apiVersion, kind,
 * namespace), as the create and update handlers of kube-apiserver do.
 */
export function checkObject(body: unknown, expected: ExpectedObject): KubeObject {
  if (!isPlainObject(body)) {
    throw errors.badRequest(`the body of the request must be a ${expected.kind} object, got ${body === null ? "null" : Array.isArray(body) ? "an array" : typeof body}`);
  }
  const { apiVersion, kind } = body;
  if (apiVersion !== undefined && apiVersion !== expected.apiVersion) {
    throw errors.badRequest(`the API version in the data (${String(apiVersion)}) does not match the expected API version (${expected.apiVersion})`);
  }
  if (kind !== undefined && kind !== expected.kind) {
    throw errors.badRequest(`the kind in the data (${String(kind)}) does not match the expected kind (${expected.kind})`);
  }
  if (body.metadata !== undefined && !isPlainObject(body.metadata)) {
    throw errors.badRequest(`metadata: the metadata of the provided object must be an object`);
  }
  const obj = { ...body, apiVersion: expected.apiVersion, kind: expected.kind, metadata: { ...(body.metadata ?? {}) } } as KubeObject;
  if (expected.namespace !== undefined) {
    const ns = obj.metadata.namespace;
    if (ns && ns !== expected.namespace) {
      throw errors.badRequest("the namespace of the provided object does not match the namespace sent on the request");
    }
    obj.metadata.namespace = expected.namespace;
  }
  if (expected.name !== undefined && obj.metadata.name !== undefined && obj.metadata.name !== expected.name) {
    throw errors.badRequest(`the name of the object (${obj.metadata.name}) does not match the name on the URL (${expected.name})`);
  }
  return obj;
}

