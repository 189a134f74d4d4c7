/**
 * The Kubernetes API server as a Hono app: public version and health endpoints, then
 * authenticate → authorize → discovery, OpenAPI, or a resource request through the registry.
 *
 * @example
 *   const app = createApp({ resources, registryFor: (env) => createRegistry(storeFor(env), { env }) });
 *   export default { fetch: app.fetch };
 */
import { Hono, type MiddlewareHandler } from "hono";
import type { Env } from "../env.js";
import { countRequests } from "../metrics/api-requests.js";
import { ApiError, errors } from "../lib/errors.js";
import type { Registry } from "../registry/types.js";
import type { ResourceDef } from "../resources/types.js";
import { clusterAuthenticator, clusterAuthorizer, NODE_CREDENTIALS_PATH, nodeAuthSteps, serveNodeCredentialRequest } from "../auth/index.js";
import type { Authenticator } from "./authn.js";
import type { Attributes, Authorizer } from "./authz.js";
import { Catalog } from "./catalog.js";
import type { AppEnv } from "./context.js";
import { apiGroupDocument, apiGroupList, apiResourceList, apiVersions } from "./discovery.js";
import { OpenApiDocuments, type SchemaProvider } from "./openapi.js";
import { OPENAPI_V2_PROTOBUF, openApiV2Json, openApiV2Protobuf, wantsProtobuf } from "./openapi-v2.js";
import { parseRequestInfo, type RequestInfo } from "./request-info.js";
import { isPodStream, servePodStream } from "./pod-streams.js";
import { serveResource } from "./resource-handler.js";
import { dialStream, NODE_STREAM_ROUTE, NODE_STREAMS_ROUTE, pollStreams } from "../streams/relay-client.js";
import { errorResponse, statusResponse } from "./status.js";
import { versionInfo } from "./version.js";

export interface AppOptions {
  resources: readonly ResourceDef[];
  /** The registry a request talks to; called once per resource request. */
  registryFor(env: Env): Registry;
  authenticator?: Authenticator;
  authorizer?: Authorizer;
  /** Component schemas for the OpenAPI documents, when there are any. */
  schemas?: SchemaProvider;
  now?: () => Date;
  random?: () => number;
}

/** Paths anyone may read, as upstream's `system:public-info-viewer` role allows. */
const PUBLIC_PATHS = ["/version", "/healthz", "/livez", "/readyz"];

function authenticate(authenticator: Authenticator): MiddlewareHandler<AppEnv> {
  return async function authenticate(c, next) {
    const user = await authenticator.authenticate(c.req.raw, c.env);
    if (!user) return statusResponse(errors.unauthorized());
    c.set("user", user);
    await next();
  };
}

function attributesOf(info: RequestInfo, user: Attributes["user"], fieldSelector: string): Attributes {
  if (!info.isResourceRequest) {
    return { user, verb: info.verb, resourceRequest: false, path: info.path, apiGroup: "", resource: "", subresource: "", namespace: "", name: "" };
  }
  return {
    user,
    verb: info.verb,
    resourceRequest: true,
    path: "",
    apiGroup: info.group,
    resource: info.resource,
    subresource: info.subresource,
    namespace: info.namespace,
    name: info.name,
    fieldSelector,
  };
}

/** kube-apiserver's wording of a denial, with the authorizer's reason appended. */
function forbidden(a: Attributes, reason: string): ApiError {
  const base = a.resourceRequest
    ? errors.forbidden(
        { group: a.apiGroup, kind: a.subresource ? `${a.resource}/${a.subresource}` : a.resource, name: a.name || undefined },
        a.user.name,
        a.verb,
        a.namespace || undefined,
      )
    : new ApiError(403, "Forbidden", `forbidden: User "${a.user.name}" cannot ${a.verb} path "${a.path}"`);
  return new ApiError(403, "Forbidden", reason ? `${base.message}: ${reason}` : base.message, base.details);
}

function authorize(authorizer: Authorizer): MiddlewareHandler<AppEnv> {
  return async function authorize(c, next) {
    const url = new URL(c.req.url);
    const info = parseRequestInfo(c.req.method, url.pathname, url.searchParams);
    c.set("requestInfo", info);
    const attributes = attributesOf(info, c.get("user"), url.searchParams.get("fieldSelector") ?? "");
    const decision = await authorizer.authorize(attributes, c.env);
    if (!decision.allowed) return statusResponse(forbidden(attributes, decision.reason));
    await next();
  };
}

export function createApp(options: AppOptions): Hono<AppEnv> {
  const catalog = new Catalog(options.resources);
  const openapi = new OpenApiDocuments(catalog, options.schemas);
  const deps = {
    catalog,
    registryFor: options.registryFor,
    now: options.now ?? (() => new Date()),
    random: options.random ?? Math.random,
  };
  const found = <T>(doc: T | undefined, path: string): T => {
    if (doc === undefined) throw errors.pathNotFound(path);
    return doc;
  };

  const app = new Hono<AppEnv>();
  app.onError((err) => errorResponse(err));
  app.notFound((c) => statusResponse(errors.pathNotFound(new URL(c.req.url).pathname)));
  app.use("*", countRequests());

  app.get("/version", (c) => c.json(versionInfo()));
  for (const path of PUBLIC_PATHS.slice(1)) app.get(path, (c) => c.text("ok"));

  app.use("*", authenticate(options.authenticator ?? clusterAuthenticator(options.registryFor, deps.now)));
  // The agents' stream channel (src/streams): authorized there, node by node, not by resource rules.
  app.get(NODE_STREAMS_ROUTE, (c) => pollStreams(c.env, c.get("user"), c.req.param("node"), new URL(c.req.url).searchParams));
  app.get(NODE_STREAM_ROUTE, (c) => dialStream(c.env, c.get("user"), c.req.param("node"), c.req.param("id"), c.req.raw));
  app.use("*", authorize(options.authorizer ?? clusterAuthorizer(options.registryFor)));
  // NodeRestriction and revocation on Node deletion (src/auth); the join-token trade.
  app.use("*", nodeAuthSteps(options.registryFor));
  app.post(NODE_CREDENTIALS_PATH, (c) => serveNodeCredentialRequest(c.req.raw, c.get("user"), options.registryFor(c.env)));

  // Discovery: plain application/json, which kubectl reads as the unaggregated documents.
  app.get("/api", (c) => c.json(apiVersions()));
  app.get("/api/:version", (c) => c.json(found(apiResourceList(catalog, "", c.req.param("version")), c.req.path)));
  app.get("/apis", (c) => c.json(apiGroupList(catalog)));
  app.get("/apis/:group", (c) => c.json(found(apiGroupDocument(catalog, c.req.param("group")), c.req.path)));
  app.get("/apis/:group/:version", (c) =>
    c.json(found(apiResourceList(catalog, c.req.param("group"), c.req.param("version")), c.req.path)),
  );

  app.get("/openapi/v2", (c) =>
    wantsProtobuf(c.req.header("accept"))
      ? c.body(openApiV2Protobuf().buffer as ArrayBuffer, 200, { "Content-Type": OPENAPI_V2_PROTOBUF })
      : c.json(openApiV2Json()),
  );
  app.get("/openapi/v3", async (c) => c.body(await openapi.index(), 200, { "Content-Type": "application/json" }));
  app.get("/openapi/v3/*", async (c) => {
    const doc = found(await openapi.document(c.req.path.slice("/openapi/v3/".length)), c.req.path);
    return c.body(doc, 200, { "Content-Type": "application/json" });
  });

  const resource = (c: Parameters<MiddlewareHandler<AppEnv>>[0]) => {
    const info = c.get("requestInfo");
    if (!info.isResourceRequest) throw errors.pathNotFound(c.req.path);
    if (isPodStream(info)) return servePodStream(c, info, deps.registryFor(c.env));
    return serveResource(c, info, deps);
  };
  app.all("/api/*", resource);
  app.all("/apis/*", resource);
  return app;
}
