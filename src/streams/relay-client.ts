/**
 * The Worker's side of the relay: the agent's two endpoints (the stream channel it polls and the
 * WebSocket it dials per stream), and `openStream` for the API server's pod streams. Each node
 * has its own StreamRelay, `idFromName(node)`.
 */
import type { Env } from "../env.js";
import { errors } from "../lib/errors.js";
import type { UserInfo } from "../registry/types.js";
import { nodeNameOf } from "../auth/node-credential.js";
import { STREAM_HEADER, type StreamRequest } from "./protocol.js";

/** `/apis/skiff.io/v1/nodes/:node/streams` and `.../streams/:id`, as Hono route patterns. */
export const NODE_STREAMS_ROUTE = "/apis/skiff.io/v1/nodes/:node/streams";
export const NODE_STREAM_ROUTE = `${NODE_STREAMS_ROUTE}/:id`;

/** kube-apiserver says `error dialing backend: ...` when it cannot reach a kubelet; so do we. */
export function dialingBackendError(node: string, why: string) {
  return errors.serviceUnavailable(`error dialing backend: node "${node}" ${why}`);
}

const relay = (env: Env, node: string) => env.STREAMS.get(env.STREAMS.idFromName(node));

/** Only the node itself (or an administrator) may take its stream requests. */
function authorizeNode(user: UserInfo, node: string): void {
  if (user.groups.includes("system:masters") || nodeNameOf(user) === node) return;
  throw errors.forbidden({ group: "skiff.io", kind: "nodes/streams", name: node }, user.name, "get");
}

/** The agent's long-poll: `GET .../streams?watch=1[&timeoutSeconds=n]`. */
export function pollStreams(env: Env, user: UserInfo, node: string, query: URLSearchParams): Promise<Response> {
  authorizeNode(user, node);
  const timeout = query.get("watch") === "1" || query.get("watch") === "true" ? query.get("timeoutSeconds") ?? "" : "0";
  return relay(env, node).fetch(`https://relay/poll?timeoutSeconds=${encodeURIComponent(timeout)}`);
}

/** The agent's connection for one stream: a WebSocket upgrade the relay pairs with the client. */
export function dialStream(env: Env, user: UserInfo, node: string, id: string, request: Request): Promise<Response> {
  authorizeNode(user, node);
  return relay(env, node).fetch(new Request(`https://relay/dial/${encodeURIComponent(id)}`, { headers: request.headers }));
}

/** A client's stream to a pod on `node`; for exec/attach `request` is the client's WebSocket upgrade. */
export function openStream(env: Env, node: string, stream: StreamRequest, request: Request): Promise<Response> {
  const headers = new Headers(request.headers);
  headers.set(STREAM_HEADER, encodeURIComponent(JSON.stringify({ ...stream, node })));
  return relay(env, node).fetch(new Request("https://relay/open", { headers }));
}
