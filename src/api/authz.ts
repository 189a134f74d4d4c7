/**
 * Authorization: may this user do this? A step of its own, taking the request's attributes as
 * kube-apiserver's authorizer does. Several authorizers are asked in turn (`unionAuthorizer`), as
 * `--authorization-mode=Node,RBAC`: `system:masters`, then the Node authorizer for node
 * credentials and the join-token rule (src/auth).
 */
import type { Env } from "../env.js";
import type { UserInfo } from "../registry/types.js";

export interface Attributes {
  user: UserInfo;
  verb: string;
  /** Resource requests name group/resource/...; non-resource requests only a path. */
  resourceRequest: boolean;
  apiGroup: string;
  resource: string;
  subresource: string;
  namespace: string;
  name: string;
  /** For non-resource requests (`/api`, `/openapi/v3`). */
  path: string;
  /** The request's raw `fieldSelector`, as kube's `GetFieldSelector` (a node may list only its own pods). */
  fieldSelector?: string;
}

/** A denial's reason is appended to the Forbidden message; "" is no opinion, worded as RBAC's. */
export type Decision = { allowed: true } | { allowed: false; reason: string };

export interface Authorizer {
  /** `env` is the cluster, for authorizers that look objects up (the Node authorizer). */
  authorize(attributes: Attributes, env?: Env): Promise<Decision>;
}

/** `system:masters` may do anything (as upstream's privileged group); others are denied. */
export const mastersAuthorizer: Authorizer = {
  async authorize({ user }) {
    return user.groups.includes("system:masters") ? { allowed: true } : { allowed: false, reason: "" };
  },
};

/** The first that allows wins; otherwise every reason given, as kube's union authorizer joins them. */
export function unionAuthorizer(...authorizers: Authorizer[]): Authorizer {
  return {
    async authorize(attributes, env) {
      const reasons: string[] = [];
      for (const authorizer of authorizers) {
        const decision = await authorizer.authorize(attributes, env);
        if (decision.allowed) return decision;
        if (decision.reason) reasons.push(decision.reason);
      }
      return { allowed: false, reason: reasons.join("\n") };
    },
  };
}
