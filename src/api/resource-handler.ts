/**
 * Resource requests: `/api/v1/...` and `/apis/<g>/<v>/...` once authenticated and authorized.
 * Resolve the resource and scope, check the verb, decode, call the registry, encode. Stateless:
 * everything lives behind the registry.
 */
import { stringify as toYaml } from "yaml";
import type { Env } from "../env.js";
import { errors } from "../lib/errors.js";
import type { KubeObject } from "../lib/types.js";
import type { PatchType, Registry } from "../registry/types.js";
import { apiVersionOf, type ResourceDef } from "../resources/types.js";
import { groupVersionString, type Catalog, type ServedResource } from "./catalog.js";
import type { ApiContext } from "./context.js";
import { checkObject, decodeBody, isPlainObject, parseBody, readBody, readBodyBytes, type ExpectedObject } from "./decode.js";
import { subresourceVerbs, verbsOf } from "./discovery.js";
import { checkFieldSelector } from "./field-selector.js";
import {
  bodyEncodingOf,
  includeObjectOf,
  negotiateResponse,
  patchTypeOf,
  type ResponseFormat,
} from "./negotiate.js";
import { listMetaOf, listOf, withTypeMeta } from "./objects.js";
import { asRegistryOptions, deleteOptionsOf, listOptionsOf, patchOptionsOf, watchOptionsOf, writeOptionsOf } from "./query.js";
import type { ResourceRequestInfo } from "./request-info.js";
import { successStatus, warningHeader } from "./status.js";
import { buildTable } from "./table.js";
import { objectEventTransform, transformWatchStream } from "./watch.js";

export interface ResourceDeps {
  catalog: Catalog;
  registryFor(env: Env): Registry;
  now(): Date;
  /** For the random part of the server-side watch timeout. */
  random(): number;
}

/** One resolved resource request: what it addresses and how to answer. */
interface Target {
  c: ApiContext;
  info: ResourceRequestInfo;
  served: ServedResource;
  def: ResourceDef;
  /** "" for cluster-scoped kinds and all-namespaces requests. */
  namespace: string;
  name: string;
  query: Record<string, string>;
  registry: Registry;
  deps: ResourceDeps;
  /** `Warning` texts to send (deprecations, unknown fields under `fieldValidation=Warn`). */
  warnings: string[];
}

const methodNotAllowed = () => errors.methodNotAllowed("the server does not allow this method on the requested resource");

const notFound = (info: ResourceRequestInfo, path: string) =>
  errors.pathNotFound(`${info.verb} ${path}`.trim());

export async function serveResource(c: ApiContext, info: ResourceRequestInfo, deps: ResourceDeps): Promise<Response> {
  const path = new URL(c.req.url).pathname;
  if (info.extraParts || !info.resource) throw notFound(info, path);
  if (!deps.catalog.resourcesOf(info.group, info.version)) throw notFound(info, path);
  if (info.group === "" && info.resource === "bindings") return createBinding(c, info, deps, path);
  const served = deps.catalog.lookup(info.group, info.version, info.resource);
  if (!served) throw notFound(info, path);
  const { def } = served;

  let namespace = info.namespace;
  if (!def.namespaced) {
    // `/api/v1/namespaces/<name>` names a Namespace; any other namespace in the path is wrong.
    if (namespace && def.plural !== "namespaces") throw notFound(info, path);
    namespace = "";
  } else if (!namespace) {
    if (info.name) throw notFound(info, path);
    if (info.verb !== "list" && info.verb !== "watch") throw methodNotAllowed();
  }

  const t: Target = {
    c,
    info,
    served,
    def,
    namespace,
    name: info.name,
    query: c.req.query(),
    registry: deps.registryFor(c.env),
    deps,
    warnings: served.alias ? [served.alias.warning] : [],
  };
  return info.subresource ? serveSubresource(t) : serveMain(t);
}

async function serveMain(t: Target): Promise<Response> {
  const { verb } = t.info;
  if (!verbsOf(t.def).includes(verb)) throw methodNotAllowed();
  switch (verb) {
    case "get":
      return get(t);
    case "list":
      return list(t);
    case "watch":
      return watch(t);
    case "create":
      if (t.name) throw methodNotAllowed();
      return create(t);
    case "update":
      return update(t);
    case "patch":
      return patch(t);
    case "delete":
      return remove(t);
    case "deletecollection":
      return removeCollection(t);
    default:
      throw methodNotAllowed();
  }
}

async function serveSubresource(t: Target): Promise<Response> {
  const { subresource, verb } = t.info;
  const verbs = subresourceVerbs(t.def, subresource);
  const handled = subresource === "status" || subresource === "scale" || subresource === "binding";
  if (!verbs || !handled) throw notFound(t.info, new URL(t.c.req.url).pathname);
  if (!verbs.includes(verb)) throw methodNotAllowed();
  if (subresource === "binding") return bindPod(t, t.name);
  if (subresource === "scale") return scale(t);
  // status
  if (verb === "get") return get(t);
  if (verb === "update") return update(t, "status");
  return patch(t, "status");
}

// --- encoding -------------------------------------------------------------------------------

function respond(t: Target, status: number, body: unknown, format?: ResponseFormat): Response {
  const fmt = format ?? negotiateResponse(t.c.req.header("accept"), { tableAllowed: false });
  const headers = new Headers();
  for (const w of t.warnings) headers.append("Warning", warningHeader(w));
  if (fmt.as === "object" && fmt.encoding === "yaml") {
    headers.set("Content-Type", "application/yaml");
    return new Response(toYaml(body), { status, headers });
  }
  headers.set("Content-Type", "application/json");
  return new Response(JSON.stringify(body), { status, headers });
}

function readFormat(t: Target): ResponseFormat {
  return negotiateResponse(t.c.req.header("accept"), { tableAllowed: true });
}

/** The apiVersion objects are served with: the kind's own, also on an alias path. */
function servedApiVersion(t: Target): string {
  return apiVersionOf(t.def);
}

function typed(t: Target, obj: KubeObject): KubeObject {
  return withTypeMeta(obj, servedApiVersion(t), t.def.kind);
}

function tableOf(t: Target, items: KubeObject[], version: string, meta: { resourceVersion?: string; continue?: string; remainingItemCount?: number }) {
  return buildTable(t.def, items, { includeObject: includeObjectOf(t.query.includeObject), version, now: t.deps.now() }, meta);
}

// --- reads ----------------------------------------------------------------------------------

async function get(t: Target): Promise<Response> {
  const format = readFormat(t);
  const obj = typed(t, await t.registry.get(t.def, t.namespace, t.name));
  if (format.as === "table") {
    return respond(t, 200, tableOf(t, [obj], format.version, { resourceVersion: obj.metadata.resourceVersion }), format);
  }
  return respond(t, 200, obj, format);
}

async function list(t: Target): Promise<Response> {
  const format = readFormat(t);
  const options = listOptionsOf(t.query);
  checkFieldSelector(t.def, options.fieldSelector, options.labelSelector);
  const result = await t.registry.list(t.def, { ...options, namespace: t.namespace || undefined });
  const meta = listMetaOf(result);
  if (format.as === "table") return respond(t, 200, tableOf(t, result.items, format.version, meta), format);
  return respond(t, 200, listOf(servedApiVersion(t), t.def.kind, result.items, meta), format);
}

async function watch(t: Target): Promise<Response> {
  const format = readFormat(t);
  const options = watchOptionsOf(t.query, t.deps.random);
  // A watch on an item path (`.../pods/x?watch=1`) is a watch of the collection for that name.
  if (t.name) options.fieldSelector = [options.fieldSelector, `metadata.name=${t.name}`].filter(Boolean).join(",");
  checkFieldSelector(t.def, options.fieldSelector, options.labelSelector);
  const stream = await t.registry.watch(t.def, { ...options, namespace: t.namespace || undefined });
  const render =
    format.as === "table"
      ? (obj: KubeObject) => tableOf(t, [obj], format.version, { resourceVersion: obj.metadata.resourceVersion }) as unknown as KubeObject
      : undefined;
  const body = stream.pipeThrough(transformWatchStream(objectEventTransform({ apiVersion: servedApiVersion(t), kind: t.def.kind, render })));
  // A compressed stream is buffered by the compressor, so events would wait for the stream to
  // end: `no-transform` keeps Cloudflare from compressing, `identity` keeps miniflare from it.
  const headers = new Headers({ "Content-Type": "application/json", "Cache-Control": "no-cache, private, no-transform", "Content-Encoding": "identity" });
  for (const w of t.warnings) headers.append("Warning", warningHeader(w));
  return new Response(body, { status: 200, headers });
}

// --- writes ---------------------------------------------------------------------------------

/** Decode a create/update body against the URL; an alias's body is converted to the kind's version. */
async function decodeObject(t: Target, expected: Omit<ExpectedObject, "apiVersion" | "kind"> & Partial<ExpectedObject>): Promise<KubeObject> {
  const raw = decodeBody(await readBodyBytes(t.c.req.raw), bodyEncodingOf(t.c.req.header("content-type")));
  const obj = checkObject(raw, {
    apiVersion: groupVersionString(t.served),
    kind: t.def.kind,
    namespace: t.def.namespaced ? t.namespace : undefined,
    ...expected,
  });
  if (expected.apiVersion === undefined) t.served.alias?.convert(obj);
  return obj;
}

async function create(t: Target): Promise<Response> {
  const options = { ...writeOptionsOf(t.query), warnings: t.warnings };
  const obj = await decodeObject(t, {});
  const created = await t.registry.create(t.def, t.namespace, obj, options);
  return respond(t, 201, typed(t, created));
}

async function update(t: Target, subresource?: "status"): Promise<Response> {
  const options = { ...writeOptionsOf(t.query), warnings: t.warnings, subresource };
  const obj = await decodeObject(t, { name: t.name });
  const updated = await t.registry.update(t.def, t.namespace, t.name, obj, options);
  return respond(t, 200, typed(t, updated));
}

/** A patch body: JSON for the three patch types, YAML (a superset of JSON) for apply. */
async function decodePatch(t: Target): Promise<{ type: PatchType; patch: unknown }> {
  const type = patchTypeOf(t.c.req.header("content-type"));
  const patch = parseBody(await readBody(t.c.req.raw), type === "apply" ? "yaml" : "json");
  if (type === "json" ? !Array.isArray(patch) : !isPlainObject(patch)) {
    throw errors.badRequest(
      type === "json"
        ? "json: cannot unmarshal object into Go value of type jsonpatch.Patch"
        : "json: cannot unmarshal non-object into Go value of type map[string]interface {}",
    );
  }
  // An apply configuration names the old group/version; the stored kind is the new one.
  if (t.served.alias && isPlainObject(patch) && patch.apiVersion === groupVersionString(t.served)) {
    patch.apiVersion = servedApiVersion(t);
  }
  return { type, patch };
}

async function patch(t: Target, subresource?: "status"): Promise<Response> {
  const { type, patch: body } = await decodePatch(t);
  const options = { ...patchOptionsOf(t.query, type === "apply"), warnings: t.warnings, subresource };
  const patched = await t.registry.patch(t.def, t.namespace, t.name, type, body, options);
  return respond(t, 200, typed(t, patched));
}

/** A DeleteOptions body, if any; kubectl sends one with every delete. */
async function deleteBody(t: Target): Promise<Record<string, unknown> | undefined> {
  const text = await readBody(t.c.req.raw);
  if (!text.trim()) return undefined;
  const encoding = t.c.req.header("content-type")?.includes("yaml") ? "yaml" : "json";
  const body = parseBody(text, encoding);
  if (!isPlainObject(body)) throw errors.badRequest("the body of a delete request must be a DeleteOptions object");
  return body;
}

async function remove(t: Target): Promise<Response> {
  const options = deleteOptionsOf(t.query, await deleteBody(t));
  const { object, gone } = await t.registry.delete(t.def, t.namespace, t.name, asRegistryOptions(options));
  if (gone) {
    const details = { name: object.metadata.name, group: t.def.group, kind: t.def.plural, uid: object.metadata.uid };
    return respond(t, 200, successStatus(200, details));
  }
  // Still there (finalizers, graceful deletion): the object, as apiserver's finalizeDelete answers;
  // 202 only when the client asked for cascading deletion the old way.
  return respond(t, options.orphanDependents === false ? 202 : 200, typed(t, object));
}

async function removeCollection(t: Target): Promise<Response> {
  const listOptions = listOptionsOf(t.query);
  checkFieldSelector(t.def, listOptions.fieldSelector, listOptions.labelSelector);
  const options = deleteOptionsOf(t.query, await deleteBody(t));
  const deleted = await t.registry.deleteCollection(t.def, { ...listOptions, namespace: t.namespace || undefined }, asRegistryOptions(options));
  return respond(t, 200, listOf(servedApiVersion(t), t.def.kind, deleted, {}));
}

// --- subresources ---------------------------------------------------------------------------

const SCALE = { apiVersion: "autoscaling/v1", kind: "Scale" };

async function scale(t: Target): Promise<Response> {
  let result: KubeObject;
  if (t.info.verb === "get") {
    result = await t.registry.getScale(t.def, t.namespace, t.name);
  } else if (t.info.verb === "update") {
    const obj = await decodeObject(t, { ...SCALE, name: t.name });
    result = await t.registry.updateScale(t.def, t.namespace, t.name, obj);
  } else {
    const { type, patch: body } = await decodePatch(t);
    result = await t.registry.patchScale(t.def, t.namespace, t.name, type, body);
  }
  return respond(t, 200, withTypeMeta(result, SCALE.apiVersion, SCALE.kind));
}

/** `POST pods/<name>/binding` and `POST namespaces/<ns>/bindings`: 201 with a success Status. */
async function bindPod(t: Target, podName: string | undefined): Promise<Response> {
  const binding = await decodeObject(t, { apiVersion: "v1", kind: "Binding", name: podName || undefined });
  const name = podName || binding.metadata.name;
  if (!name) throw errors.badRequest("a Binding must name the pod: metadata.name is required");
  await t.registry.bind(t.namespace, name, binding);
  return respond(t, 201, successStatus(201));
}

/** `/api/v1/namespaces/<ns>/bindings`: the collection form of `pods/binding`. */
async function createBinding(c: ApiContext, info: ResourceRequestInfo, deps: ResourceDeps, path: string): Promise<Response> {
  const pods = deps.catalog.lookup("", info.version, "pods");
  if (!pods || !subresourceVerbs(pods.def, "binding") || !info.namespace) throw notFound(info, path);
  if (info.verb !== "create" || info.name) throw methodNotAllowed();
  const t: Target = {
    c,
    info,
    served: pods,
    def: pods.def,
    namespace: info.namespace,
    name: "",
    query: c.req.query(),
    registry: deps.registryFor(c.env),
    deps,
    warnings: [],
  };
  return bindPod(t, undefined);
}
