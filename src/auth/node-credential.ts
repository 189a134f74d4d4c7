/**
 * Node credentials: the bearer token a node gets, once, for its join token. Format
 * `skiff-node.<node-name>.<43 chars of base64url>` (32 random bytes): the name says which
 * credential to check without a scan, the rest is the secret. Only its SHA-256 is kept, in the
 * Secret `kube-system/node-credential-<node>` of type `skiff.io/node-credential`:
 *
 * - a Secret, because Secrets are encrypted at rest and nodes cannot read unrelated ones; admins
 *   see them with `kubectl get secrets -n kube-system --field-selector type=skiff.io/node-credential`
 *   and k3s keeps its node passwords the same way;
 * - one per node name, so "this node already has a credential" is the store's AlreadyExists,
 *   atomic under concurrent joins;
 * - read on every request (no cache), so deleting it is revocation at once. Deleting the Node
 *   deletes it too (revocation.ts).
 */
import { timingSafeEqual } from "../api/authn.js";
import type { Secret } from "../lib/types.js";
import type { UserInfo } from "../registry/types.js";
import { KUBE_SYSTEM } from "./bootstrap-token.js";
import { decodeData, encodeData } from "./secret-data.js";
import { bytesToBase64 } from "../lib/base64.js";

export const NODE_CREDENTIAL_SECRET_TYPE = "skiff.io/node-credential";
export const NODE_USER_PREFIX = "system:node:";
export const NODES_GROUP = "system:nodes";
/** Who issued a credential (`system:bootstrap:<token-id>` or an admin), for the audit trail. */
export const ISSUED_BY_ANNOTATION = "skiff.io/issued-by";

const TOKEN_PREFIX = "skiff-node.";
const SECRET_RE = /^[A-Za-z0-9_-]{43}$/;

export function nodeCredentialSecretName(node: string): string {
  return `node-credential-${node}`;
}

export interface NodeToken {
  node: string;
  /** The whole bearer string, which is what is hashed. */
  raw: string;
}

export function parseNodeToken(raw: string): NodeToken | undefined {
  if (!raw.startsWith(TOKEN_PREFIX)) return undefined;
  const dot = raw.lastIndexOf(".");
  const node = raw.slice(TOKEN_PREFIX.length, dot);
  return node && SECRET_RE.test(raw.slice(dot + 1)) ? { node, raw } : undefined;
}

/** A fresh token for `node`: shown once, to the node that asked. */
export function newNodeToken(node: string): string {
  const bytes = crypto.getRandomValues(new Uint8Array(32));
  const secret = bytesToBase64(bytes).replace(/\+/g, "-").replace(/\//g, "_").replace(/=+$/, "");
  return `${TOKEN_PREFIX}${node}.${secret}`;
}

/** Hex SHA-256 of the whole token. */
export async function tokenHash(token: string): Promise<string> {
  const digest = new Uint8Array(await crypto.subtle.digest("SHA-256", new TextEncoder().encode(token)));
  return [...digest].map((b) => b.toString(16).padStart(2, "0")).join("");
}

/** The Secret that records a credential for `node` by its hash. */
export function nodeCredentialSecret(node: string, hash: string, issuedBy: string): Secret {
  return {
    apiVersion: "v1",
    kind: "Secret",
    metadata: {
      name: nodeCredentialSecretName(node),
      namespace: KUBE_SYSTEM,
      annotations: { [ISSUED_BY_ANNOTATION]: issuedBy },
    },
    type: NODE_CREDENTIAL_SECRET_TYPE,
    data: encodeData({ "node-name": node, "token-hash": hash }),
  };
}

export function nodeUser(node: string): UserInfo {
  return { name: `${NODE_USER_PREFIX}${node}`, groups: [NODES_GROUP, "system:authenticated"] };
}

/** The node a user is, as kube's `NodeIdentity`: in `system:nodes` and named `system:node:<name>`. */
export function nodeNameOf(user: UserInfo): string | undefined {
  if (!user.groups.includes(NODES_GROUP) || !user.name.startsWith(NODE_USER_PREFIX)) return undefined;
  return user.name.slice(NODE_USER_PREFIX.length);
}

/** The node user `secret` makes of `token`, or undefined if it does not vouch for it. */
export async function nodeCredentialUser(secret: Secret, token: NodeToken): Promise<UserInfo | undefined> {
  if (secret.type !== NODE_CREDENTIAL_SECRET_TYPE || secret.metadata.deletionTimestamp) return undefined;
  const data = decodeData(secret.data);
  if (data["node-name"] !== token.node || !data["token-hash"]) return undefined;
  return timingSafeEqual(await tokenHash(token.raw), data["token-hash"]) ? nodeUser(token.node) : undefined;
}
