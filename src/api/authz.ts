/**
 * Authorization: may this user do this? A step of its own, taking the request's attributes as
 * kube-apiserver's authorizer does, so node credentials (the Node authorizer) and RBAC slot in.
 */
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
}

export type Decision = { allowed: true } | { allowed: false; reason: string };

export interface Authorizer {
  authorize(attributes: Attributes): Promise<Decision>;
}

/** `system:masters` may do anything (as upstream's privileged group); others are denied. */
export const mastersAuthorizer: Authorizer = {
  async authorize({ user }) {
    return user.groups.includes("system:masters")
      ? { allowed: true }
      : { allowed: false, reason: "no RBAC policy matched" };
  },
};
