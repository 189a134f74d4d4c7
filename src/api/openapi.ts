/**
 * OpenAPI v3: the `/openapi/v3` index and one document per group/version. Each kind's item path
 * declares a PATCH operation with `x-kubernetes-group-version-kind` and the `fieldValidation`
 * query parameter, which is what makes kubectl (default `--validate=strict`) leave validation to
 * the server. Component schemas come from a pluggable `SchemaProvider`.
 */
import { type Catalog, type GroupVersion, type ServedResource } from "./catalog.js";
import { subresourceVerbs, verbsOf } from "./discovery.js";
import { GIT_VERSION } from "./version.js";

/** Supplies component schemas (full models come from src/openapi). */
export interface SchemaProvider {
  /** The `components.schemas` of one group/version document, for the kinds it serves. */
  schemas(gv: GroupVersion, kinds: string[]): Record<string, unknown>;
  /** The component name of a kind's schema in that document, if the provider has one. */
  schemaName(gv: GroupVersion, kind: string): string | undefined;
}

/** `api/v1` or `apis/apps/v1`: the index's key and the document's path under /openapi/v3/. */
export function openApiPath(gv: GroupVersion): string {
  return gv.group ? `apis/${gv.group}/${gv.version}` : `api/${gv.version}`;
}

type Parameter = { name: string; in: "path" | "query"; description: string; required?: boolean; schema: { type: string; uniqueItems?: boolean } };

const param = (name: string, where: "path" | "query", description: string, type = "string"): Parameter => ({
  name,
  in: where,
  description,
  ...(where === "path" ? { required: true } : {}),
  schema: { type, uniqueItems: true },
});

const P = {
  name: param("name", "path", "name of the resource"),
  namespace: param("namespace", "path", "object name and auth scope, such as for teams and projects"),
  dryRun: param("dryRun", "query", "When present, indicates that modifications should not be persisted. Valid value: All"),
  fieldManager: param("fieldManager", "query", "fieldManager is a name associated with the actor or entity that is making these changes."),
  fieldValidation: param(
    "fieldValidation",
    "query",
    "fieldValidation instructs the server on how to handle objects in the request containing unknown or duplicate fields. Valid values are: Ignore, Warn, Strict.",
  ),
  force: param("force", "query", "Force is going to \"force\" Apply requests. It must be unset for non-apply patch requests.", "boolean"),
  labelSelector: param("labelSelector", "query", "A selector to restrict the list of returned objects by their labels."),
  fieldSelector: param("fieldSelector", "query", "A selector to restrict the list of returned objects by their fields."),
  limit: param("limit", "query", "limit is a maximum number of responses to return for a list call.", "integer"),
  continue: param("continue", "query", "The continue option should be set when retrieving more results from the server."),
  resourceVersion: param("resourceVersion", "query", "resourceVersion sets a constraint on what resource versions a request may be served from."),
  timeoutSeconds: param("timeoutSeconds", "query", "Timeout for the list/watch call.", "integer"),
  watch: param("watch", "query", "Watch for changes to the described resources.", "boolean"),
  gracePeriodSeconds: param("gracePeriodSeconds", "query", "The duration in seconds before the object should be deleted.", "integer"),
  propagationPolicy: param("propagationPolicy", "query", "Whether and how garbage collection will be performed: Orphan, Background or Foreground."),
};

const WRITE_PARAMS = [P.dryRun, P.fieldManager, P.fieldValidation];
const LIST_PARAMS = [P.labelSelector, P.fieldSelector, P.limit, P.continue, P.resourceVersion, P.timeoutSeconds, P.watch];
const PATCH_TYPES = [
  "application/json-patch+json",
  "application/merge-patch+json",
  "application/strategic-merge-patch+json",
  "application/apply-patch+yaml",
];

interface OperationContext {
  gvk: { group: string; version: string; kind: string };
  /** `#/components/schemas/...` of the object this path serves, if known. */
  ref?: string;
  /** Used for operationIds: `patchAppsV1NamespacedDeployment`. */
  idSuffix: string;
}

function body(ref: string | undefined, types: string[]) {
  const schema = ref ? { $ref: ref } : { type: "object" };
  return { content: Object.fromEntries(types.map((t) => [t, { schema }])), required: true };
}

function operation(verb: string, action: string, ctx: OperationContext, parameters: Parameter[], extra: Record<string, unknown> = {}) {
  const schema = ctx.ref ? { $ref: ctx.ref } : { type: "object" };
  return {
    operationId: `${verb}${ctx.idSuffix}`,
    parameters,
    responses: { "200": { description: "OK", content: { "application/json": { schema } } } },
    "x-kubernetes-action": action,
    "x-kubernetes-group-version-kind": ctx.gvk,
    ...extra,
  };
}

function capitalize(s: string): string {
  return s.replace(/(^|[.-])([a-z])/g, (_m, _sep: string, c: string) => c.toUpperCase());
}

/** The paths of one served resource: collection(s), item, and its status/scale subresources. */
function resourcePaths(r: ServedResource, schemas: SchemaProvider | undefined): Record<string, Record<string, unknown>> {
  const { def } = r;
  const gv = { group: r.group, version: r.version };
  const prefix = `/${openApiPath(gv)}`;
  const scope = def.namespaced ? `${prefix}/namespaces/{namespace}` : prefix;
  const gvPascal = capitalize(r.group.split(".")[0] ?? "") + capitalize(r.version);
  const ctx: OperationContext = {
    gvk: { group: r.group, version: r.version, kind: def.kind },
    ref: refOf(schemas, gv, def.kind),
    idSuffix: `${gvPascal || "CoreV1"}${def.namespaced ? "Namespaced" : ""}${def.kind}`,
  };
  const verbs = new Set(verbsOf(def));
  const scopeParams = def.namespaced ? [P.namespace] : [];
  const paths: Record<string, Record<string, unknown>> = {};

  const collection: Record<string, unknown> = { parameters: scopeParams };
  if (verbs.has("list")) collection.get = operation("list", "list", ctx, LIST_PARAMS);
  if (verbs.has("create")) collection.post = operation("create", "post", ctx, WRITE_PARAMS, { requestBody: body(ctx.ref, ["application/json", "application/yaml"]) });
  if (verbs.has("deletecollection")) collection.delete = operation("deletecollection", "deletecollection", ctx, [...LIST_PARAMS, P.dryRun, P.gracePeriodSeconds, P.propagationPolicy]);
  paths[`${scope}/${def.plural}`] = collection;

  const item: Record<string, unknown> = { parameters: [P.name, ...scopeParams] };
  if (verbs.has("get")) item.get = operation("read", "get", ctx, []);
  if (verbs.has("update")) item.put = operation("replace", "put", ctx, WRITE_PARAMS, { requestBody: body(ctx.ref, ["application/json", "application/yaml"]) });
  if (verbs.has("patch")) item.patch = operation("patch", "patch", ctx, [...WRITE_PARAMS, P.force], { requestBody: body(undefined, PATCH_TYPES) });
  if (verbs.has("delete")) item.delete = operation("delete", "delete", ctx, [P.dryRun, P.gracePeriodSeconds, P.propagationPolicy]);
  paths[`${scope}/${def.plural}/{name}`] = item;

  if (def.namespaced && verbs.has("list")) {
    paths[`${prefix}/${def.plural}`] = { get: operation("list", "list", { ...ctx, idSuffix: ctx.idSuffix.replace("Namespaced", "") + "ForAllNamespaces" }, LIST_PARAMS) };
  }
  for (const sub of ["status", "scale"]) {
    if (!subresourceVerbs(def, sub)) continue;
    const subCtx: OperationContext =
      sub === "scale"
        ? { gvk: { group: "autoscaling", version: "v1", kind: "Scale" }, idSuffix: `${ctx.idSuffix}Scale` }
        : { ...ctx, idSuffix: `${ctx.idSuffix}Status` };
    paths[`${scope}/${def.plural}/{name}/${sub}`] = {
      parameters: [P.name, ...scopeParams],
      get: operation("read", "get", subCtx, []),
      put: operation("replace", "put", subCtx, WRITE_PARAMS, { requestBody: body(subCtx.ref, ["application/json", "application/yaml"]) }),
      patch: operation("patch", "patch", subCtx, [...WRITE_PARAMS, P.force], { requestBody: body(undefined, PATCH_TYPES) }),
    };
  }
  return paths;
}

function refOf(schemas: SchemaProvider | undefined, gv: GroupVersion, kind: string): string | undefined {
  const name = schemas?.schemaName(gv, kind);
  return name ? `#/components/schemas/${name}` : undefined;
}

/** The OpenAPI v3 document of one group/version, or undefined if it is not served. */
export function groupVersionDocument(catalog: Catalog, gv: GroupVersion, schemas?: SchemaProvider) {
  const served = catalog.resourcesOf(gv.group, gv.version);
  if (!served) return undefined;
  const kinds = served.map((r: ServedResource) => r.def.kind);
  return {
    openapi: "3.0.0",
    info: { title: "Kubernetes", version: GIT_VERSION },
    paths: Object.assign({}, ...served.map((r) => resourcePaths(r, schemas))) as Record<string, unknown>,
    components: { schemas: schemas?.schemas(gv, kinds) ?? {} },
  };
}

async function sha512Hex(text: string): Promise<string> {
  const digest = await crypto.subtle.digest("SHA-512", new TextEncoder().encode(text));
  return [...new Uint8Array(digest)].map((b) => b.toString(16).padStart(2, "0")).join("").toUpperCase();
}

/**
 * The documents of a catalog, serialised once: they depend only on the kinds, and kubectl
 * caches each by the `hash` the index gives it.
 */
export class OpenApiDocuments {
  private built?: Promise<{ index: string; docs: Map<string, string> }>;

  constructor(
    private readonly catalog: Catalog,
    private readonly schemas?: SchemaProvider,
  ) {}

  private build() {
    this.built ??= (async () => {
      const docs = new Map<string, string>();
      const paths: Record<string, { serverRelativeURL: string }> = {};
      for (const gv of this.catalog.groupVersions) {
        const text = JSON.stringify(groupVersionDocument(this.catalog, gv, this.schemas));
        const key = openApiPath(gv);
        docs.set(key, text);
        paths[key] = { serverRelativeURL: `/openapi/v3/${key}?hash=${await sha512Hex(text)}` };
      }
      return { index: JSON.stringify({ paths }), docs };
    })();
    return this.built;
  }

  async index(): Promise<string> {
    return (await this.build()).index;
  }

  /** The document at `api/v1` / `apis/apps/v1`, serialised, or undefined. */
  async document(path: string): Promise<string | undefined> {
    return (await this.build()).docs.get(path);
  }
}

