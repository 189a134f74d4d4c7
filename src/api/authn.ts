/**
 * Authentication: who is asking. Bearer tokens only: the admin token is the Worker secret
 * `ADMIN_TOKEN`; join tokens and node credentials are further `Authenticator`s (src/auth),
 * tried in turn by `unionAuthenticator`.
 */
import type { Env } from "../env.js";
import type { UserInfo } from "../registry/types.js";

export interface Authenticator {
  /** The user the request authenticates as, or null if its credentials mean nothing here. */
  authenticate(req: Request, env: Env): Promise<UserInfo | null>;
}

export const ADMIN_USER: UserInfo = { name: "admin", groups: ["system:masters", "system:authenticated"] };

/** Who may read `/version` and the health endpoints without credentials, as upstream's RBAC allows. */
export const ANONYMOUS_USER: UserInfo = { name: "system:anonymous", groups: ["system:unauthenticated"] };

export function bearerToken(req: Request): string | undefined {
  const m = /^Bearer\s+(\S+)\s*$/i.exec(req.headers.get("authorization") ?? "");
  return m?.[1];
}

/** Equal strings in time that does not depend on where they first differ. */
export function timingSafeEqual(a: string, b: string): boolean {
  const x = new TextEncoder().encode(a);
  const y = new TextEncoder().encode(b);
  let diff = x.length ^ y.length;
  for (let i = 0; i < Math.max(x.length, y.length); i++) diff |= (x[i] ?? 0) ^ (y[i] ?? 0);
  return diff === 0;
}

/** The administrator's static token. With no `ADMIN_TOKEN` set, nobody is admin. */
export const adminTokenAuthenticator: Authenticator = {
  async authenticate(req, env) {
    const token = bearerToken(req);
    if (!token || !env.ADMIN_TOKEN) return null;
    return timingSafeEqual(token, env.ADMIN_TOKEN) ? ADMIN_USER : null;
  },
};

/** The first authenticator that knows the request's credentials decides, as kube's union authenticator. */
export function unionAuthenticator(...authenticators: Authenticator[]): Authenticator {
  return {
    async authenticate(req, env) {
      for (const authenticator of authenticators) {
        const user = await authenticator.authenticate(req, env);
        if (user) return user;
      }
      return null;
    },
  };
}
