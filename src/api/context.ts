/** The Hono environment of the API app: the Worker's bindings and what middleware establishes. */
import type { Context } from "hono";
import type { Env } from "../env.js";
import type { UserInfo } from "../registry/types.js";
import type { RequestInfo } from "./request-info.js";

export interface ApiVariables {
  /** Set by authentication. */
  user: UserInfo;
  /** Set before authorization; what the request asks for. */
  requestInfo: RequestInfo;
}

export type AppEnv = { Bindings: Env; Variables: ApiVariables };

export type ApiContext = Context<AppEnv>;
