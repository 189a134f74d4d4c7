/**
 * Joining and node credentials, wired into the API server (src/api/app.ts):
 *
 * - `clusterAuthenticator`: the admin token, join tokens (bootstrap-token.ts) and node
 *   credentials (node-credential.ts);
 * - `clusterAuthorizer`: `system:masters`, the Node authorizer (node-authorizer.ts) and the
 *   join-token rule (node-credential-endpoint.ts);
 * - `nodeAuthSteps`: after authorization, NodeRestriction for nodes (node-restriction.ts) and
 *   revocation on Node deletion (revocation.ts);
 * - `NODE_CREDENTIALS_PATH` + `serveNodeCredentialRequest`: the trade of a join token for a node
 *   credential, whose HTTP contract is documented in node-credential-endpoint.ts.
 */
import type { MiddlewareHandler } from "hono";
import { adminTokenAuthenticator, unionAuthenticator, type Authenticator } from "../api/authn.js";
import { mastersAuthorizer, unionAuthorizer, type Authorizer } from "../api/authz.js";
import type { AppEnv } from "../api/context.js";
import { decodeBody, isPlainObject, readBodyBytes } from "../api/decode.js";
import { bodyEncodingOf } from "../api/negotiate.js";
import type { KubeObject } from "../lib/types.js";
import { bootstrapTokenAuthenticator, nodeCredentialAuthenticator } from "./authenticators.js";
import type { RegistryFor } from "./lookup.js";
import { nodeAuthorizer } from "./node-authorizer.js";
import { bootstrapperAuthorizer } from "./node-credential-endpoint.js";
import { nodeNameOf } from "./node-credential.js";
import { admitNodeRequest } from "./node-restriction.js";
import { nodesDeletedBy, revokeNodeCredentials } from "./revocation.js";

export { NODE_CREDENTIALS_PATH, serveNodeCredentialRequest } from "./node-credential-endpoint.js";

export function clusterAuthenticator(registryFor: RegistryFor, now: () => Date): Authenticator {
  return unionAuthenticator(adminTokenAuthenticator, bootstrapTokenAuthenticator(registryFor, now), nodeCredentialAuthenticator(registryFor));
}

export function clusterAuthorizer(registryFor: RegistryFor): Authorizer {
  return unionAuthorizer(mastersAuthorizer, nodeAuthorizer(registryFor), bootstrapperAuthorizer);
}

/** A create's body as an object, without consuming the request the handler will read. */
async function bodyOf(req: Request): Promise<KubeObject | undefined> {
  const body = decodeBody(await readBodyBytes(req.clone()), bodyEncodingOf(req.headers.get("content-type")));
  return isPlainObject(body) && isPlainObject(body.metadata) ? (body as KubeObject) : undefined;
}

/** Runs after authorization: admission of nodes' writes, then revocation once Nodes are deleted. */
export function nodeAuthSteps(registryFor: RegistryFor): MiddlewareHandler<AppEnv> {
  return async function nodeAuthSteps(c, next) {
    const info = c.get("requestInfo");
    if (!info.isResourceRequest) return next();
    const registry = registryFor(c.env);
    const node = nodeNameOf(c.get("user"));
    if (node) await admitNodeRequest(node, info, () => bodyOf(c.req.raw), registry);
    const deleted = await nodesDeletedBy(info, new URL(c.req.url).searchParams, registry);
    await next();
    if (deleted.length > 0 && c.res.status < 300) await revokeNodeCredentials(registry, deleted);
  };
}
