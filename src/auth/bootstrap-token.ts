/**
 * Join tokens are Kubernetes bootstrap tokens: a Secret `kube-system/bootstrap-token-<id>` of type
 * `bootstrap.kubernetes.io/token` holds `token-id`, `token-secret`, `expiration` and the usages; the
 * bearer string is `<token-id>.<token-secret>`. Whether a Secret vouches for a token is decided
 * here, purely, by the rules of kube-apiserver's bootstrap token authenticator (an expired,
 * deleted or mismatched token is no token at all). Admins make them with `npm run token` or by
 * creating the Secret with kubectl, as with kubeadm.
 */
import { timingSafeEqual } from "../api/authn.js";
import type { Secret } from "../lib/types.js";
import type { UserInfo } from "../registry/types.js";
import { decodeData, encodeData } from "./secret-data.js";

export const KUBE_SYSTEM = "kube-system";
export const BOOTSTRAP_TOKEN_SECRET_TYPE = "bootstrap.kubernetes.io/token";
export const BOOTSTRAP_USER_PREFIX = "system:bootstrap:";
export const BOOTSTRAPPERS_GROUP = "system:bootstrappers";
/** The group `npm run token` puts its tokens in, as kubeadm uses `system:bootstrappers:kubeadm:default-node-token`. */
export const SKIFF_NODES_BOOTSTRAP_GROUP = "system:bootstrappers:skiff:nodes";

const TOKEN_RE = /^([a-z0-9]{6})\.([a-z0-9]{16})$/;
/** What an `auth-extra-groups` entry must look like (`bootstrapapi.BootstrapGroupPattern`). */
const EXTRA_GROUP_RE = /^system:bootstrappers:[a-z0-9:-]{0,255}[a-z0-9]$/;

export interface BootstrapToken {
  id: string;
  secret: string;
}

/** `<6 chars>.<16 chars>` of [a-z0-9], or undefined for anything else. */
export function parseBootstrapToken(token: string): BootstrapToken | undefined {
  const m = TOKEN_RE.exec(token);
  return m ? { id: m[1], secret: m[2] } : undefined;
}

export function bootstrapTokenSecretName(id: string): string {
  return `bootstrap-token-${id}`;
}

export interface BootstrapTokenOptions {
  expiration: Date;
  description?: string;
  extraGroups?: string[];
}

/** The Secret that makes `token` a join token until `expiration` (what `npm run token` creates). */
export function bootstrapTokenSecret(token: BootstrapToken, options: BootstrapTokenOptions): Secret {
  const data: Record<string, string> = {
    "token-id": token.id,
    "token-secret": token.secret,
    expiration: options.expiration.toISOString().replace(/\.\d{3}Z$/, "Z"),
    "usage-bootstrap-authentication": "true",
    "auth-extra-groups": (options.extraGroups ?? [SKIFF_NODES_BOOTSTRAP_GROUP]).join(","),
  };
  if (options.description) data.description = options.description;
  return {
    apiVersion: "v1",
    kind: "Secret",
    metadata: { name: bootstrapTokenSecretName(token.id), namespace: KUBE_SYSTEM },
    type: BOOTSTRAP_TOKEN_SECRET_TYPE,
    data: encodeData(data),
  };
}

/**
 * An unparseable expiration counts as expired and a missing one as never expiring, as
 * cluster-bootstrap's `GetExpiration` has it.
 */
function expired(expiration: string | undefined, now: Date): boolean {
  if (expiration === undefined || expiration === "") return false;
  const at = Date.parse(expiration);
  return !/^\d{4}-\d{2}-\d{2}T/.test(expiration) || Number.isNaN(at) || at <= now.getTime();
}

/**
 * The user `secret` makes of `token` at `now`, or undefined when it vouches for nothing: wrong
 * type, being deleted, id or secret mismatch, expired, not for authentication, or a malformed
 * extra group.
 */
export function bootstrapTokenUser(secret: Secret, token: BootstrapToken, now: Date): UserInfo | undefined {
  if (secret.type !== BOOTSTRAP_TOKEN_SECRET_TYPE || secret.metadata.deletionTimestamp) return undefined;
  if (secret.metadata.name !== bootstrapTokenSecretName(token.id)) return undefined;
  const data = decodeData(secret.data);
  if (data["token-id"] !== token.id || !timingSafeEqual(data["token-secret"] ?? "", token.secret)) return undefined;
  if (expired(data.expiration, now)) return undefined;
  if (data["usage-bootstrap-authentication"] !== "true") return undefined;
  const extra = (data["auth-extra-groups"] ?? "").split(",").map((g) => g.trim()).filter(Boolean);
  if (extra.some((g) => !EXTRA_GROUP_RE.test(g))) return undefined;
  return { name: `${BOOTSTRAP_USER_PREFIX}${token.id}`, groups: [BOOTSTRAPPERS_GROUP, ...extra] };
}
