/**
 * `POST /apis/skiff.io/v1/nodecredentials`: a join token traded for a node credential, the one
 * thing a join token may do. Shaped like Kubernetes' create-only request kinds (TokenRequest,
 * TokenReview): the request names the node, the answer carries the token in `status`, and
 * nothing of the request is stored but the credential's hash (node-credential.ts).
 *
 *   POST /apis/skiff.io/v1/nodecredentials
 *   Authorization: Bearer <token-id>.<token-secret>
 *   Content-Type: application/json
 *   {"apiVersion":"skiff.io/v1","kind":"NodeCredential","metadata":{"name":"<node-name>"}}
 *
 *   201 {"apiVersion":"skiff.io/v1","kind":"NodeCredential",
 *        "metadata":{"name":"<node-name>","uid":"…","creationTimestamp":"…"},
 *        "status":{"token":"skiff-node.<node-name>.<secret>",
 *                  "user":{"username":"system:node:<node-name>","groups":["system:nodes","system:authenticated"]}}}
 *
 * The token is shown once; keep it (the agent writes it to its state dir, mode 0600) and send it
 * as `Authorization: Bearer <token>` from then on. Failures are Kubernetes Status objects:
 * 401 for a missing, wrong or expired join token; 403 when the node name already has a live
 * credential (revoke it first: delete the Node, or the Secret `kube-system/node-credential-<node>`)
 * or when the caller may not trade (a node credential, any other user); 422 for a name that is
 * not a DNS subdomain; 400 for a body that is not a NodeCredential. The same join token may be
 * traded by any number of hosts until it expires, each for a node name of its own.
 *
 * `system:masters` may call it too, to mint a credential for a host by hand.
 */
import type { Authorizer } from "../api/authz.js";
import { checkObject, decodeBody, readBodyBytes } from "../api/decode.js";
import { bodyEncodingOf } from "../api/negotiate.js";
import { ApiError, errors, fieldErrors } from "../lib/errors.js";
import type { KubeObject } from "../lib/types.js";
import { isDNS1123Subdomain, invalidEach } from "../lib/validation.js";
import type { Registry, UserInfo } from "../registry/types.js";
import { secretDef } from "../resources/secret.js";
import { BOOTSTRAPPERS_GROUP, KUBE_SYSTEM } from "./bootstrap-token.js";
import { newNodeToken, nodeCredentialSecret, nodeCredentialSecretName, nodeUser, tokenHash } from "./node-credential.js";

export const NODE_CREDENTIALS_GROUP = "skiff.io";
export const NODE_CREDENTIALS_RESOURCE = "nodecredentials";
export const NODE_CREDENTIALS_PATH = `/apis/${NODE_CREDENTIALS_GROUP}/v1/${NODE_CREDENTIALS_RESOURCE}`;
const API_VERSION = `${NODE_CREDENTIALS_GROUP}/v1`;
const KIND = "NodeCredential";
/** Longest node name whose credential Secret name is still a valid name (253). */
const MAX_NODE_NAME = 253 - nodeCredentialSecretName("").length;

export interface NodeCredential extends KubeObject {
  status: { token: string; user: { username: string; groups: string[] } };
}

/** `system:bootstrappers` may create nodecredentials and nothing else, as `system:node-bootstrapper` may create CSRs. */
export const bootstrapperAuthorizer: Authorizer = {
  async authorize(a) {
    const allowed =
      a.user.groups.includes(BOOTSTRAPPERS_GROUP) &&
      a.resourceRequest &&
      a.verb === "create" &&
      a.apiGroup === NODE_CREDENTIALS_GROUP &&
      a.resource === NODE_CREDENTIALS_RESOURCE &&
      !a.subresource &&
      !a.name &&
      !a.namespace;
    return allowed ? { allowed: true } : { allowed: false, reason: "" };
  },
};

function nodeNameOf(body: unknown): string {
  const obj = checkObject(body, { apiVersion: API_VERSION, kind: KIND });
  const name = obj.metadata.name ?? "";
  if (!name) throw errors.invalid(KIND, "", [fieldErrors.required("metadata.name", "the node's name")], NODE_CREDENTIALS_GROUP);
  const errs = invalidEach("metadata.name", name, isDNS1123Subdomain(name));
  if (name.length > MAX_NODE_NAME) errs.push(fieldErrors.tooLong("metadata.name", MAX_NODE_NAME));
  if (errs.length > 0) throw errors.invalid(KIND, name, errs, NODE_CREDENTIALS_GROUP);
  return name;
}

/** Issue a credential for the node `body` names, unless that node has a live one. */
export async function issueNodeCredential(body: unknown, issuer: UserInfo, registry: Registry): Promise<NodeCredential> {
  const node = nodeNameOf(body);
  const token = newNodeToken(node);
  let stored;
  try {
    stored = await registry.create(secretDef, KUBE_SYSTEM, nodeCredentialSecret(node, await tokenHash(token), issuer.name));
  } catch (e) {
    if (!(e instanceof ApiError && e.code === 409)) throw e;
    throw errors.forbiddenBecause(
      { group: NODE_CREDENTIALS_GROUP, kind: NODE_CREDENTIALS_RESOURCE, name: node },
      `node "${node}" already has a live credential; revoke it first by deleting the Node or the Secret ${KUBE_SYSTEM}/${nodeCredentialSecretName(node)}`,
    );
  }
  const user = nodeUser(node);
  return {
    apiVersion: API_VERSION,
    kind: KIND,
    metadata: { name: node, uid: stored.metadata.uid, creationTimestamp: stored.metadata.creationTimestamp },
    status: { token, user: { username: user.name, groups: user.groups } },
  };
}

/** The HTTP side: decode the body, issue, answer 201. */
export async function serveNodeCredentialRequest(req: Request, issuer: UserInfo, registry: Registry): Promise<Response> {
  const body = decodeBody(await readBodyBytes(req), bodyEncodingOf(req.headers.get("content-type")));
  const credential = await issueNodeCredential(body, issuer, registry);
  return Response.json(credential, { status: 201, headers: { "Cache-Control": "no-store" } });
}
