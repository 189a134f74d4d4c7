/**
 * The join-token and node-credential authenticators: parse the bearer token (a token of another
 * shape is not theirs: null, no lookup), read the one Secret it names, and let the pure rules
 * (bootstrap-token.ts, node-credential.ts) decide. Nothing is cached: a deleted or expired
 * Secret stops its token on the next request.
 */
import { bearerToken, type Authenticator } from "../api/authn.js";
import type { Secret } from "../lib/types.js";
import { secretDef } from "../resources/secret.js";
import { bootstrapTokenSecretName, bootstrapTokenUser, KUBE_SYSTEM, parseBootstrapToken } from "./bootstrap-token.js";
import { getOptional, type RegistryFor } from "./lookup.js";
import { nodeCredentialSecretName, nodeCredentialUser, parseNodeToken } from "./node-credential.js";

/** `Authorization: Bearer <token-id>.<token-secret>` → `system:bootstrap:<token-id>`. */
export function bootstrapTokenAuthenticator(registryFor: RegistryFor, now: () => Date): Authenticator {
  return {
    async authenticate(req, env) {
      const token = parseBootstrapToken(bearerToken(req) ?? "");
      if (!token) return null;
      const secret = await getOptional<Secret>(registryFor(env), secretDef, KUBE_SYSTEM, bootstrapTokenSecretName(token.id));
      return (secret && bootstrapTokenUser(secret, token, now())) ?? null;
    },
  };
}

/** `Authorization: Bearer skiff-node.<node>.<secret>` → `system:node:<node>`. */
export function nodeCredentialAuthenticator(registryFor: RegistryFor): Authenticator {
  return {
    async authenticate(req, env) {
      const token = parseNodeToken(bearerToken(req) ?? "");
      if (!token) return null;
      const secret = await getOptional<Secret>(registryFor(env), secretDef, KUBE_SYSTEM, nodeCredentialSecretName(token.node));
      return (secret && (await nodeCredentialUser(secret, token))) ?? null;
    },
  };
}
