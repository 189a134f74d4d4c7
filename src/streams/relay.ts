/**
 * StreamRelay: one Durable Object per node (`idFromName(node)`), the meeting point of the
 * konnectivity pattern. A client's stream request (logs, exec, attach) is queued on the node's
 * stream channel, which the agent long-polls; the agent dials a WebSocket back for that stream
 * id, and the relay pairs it with the waiting client: a streamed HTTP body for logs, the client's
 * own WebSocket for exec/attach. Bytes then flow both ways until either end closes.
 *
 * Requests reach it from the Worker (src/streams/relay-client.ts) at three internal paths:
 * `/poll` (the agent's channel), `/open` (a client's stream; the request in a header) and
 * `/dial/<id>` (the agent's connection for one stream). All state is in memory: a relay with no
 * poll held and no stream open has nothing worth keeping, and an agent re-polls within seconds.
 */
import { DurableObject } from "cloudflare:workers";
import type { Env } from "../env.js";
import { ApiError, errors } from "../lib/errors.js";
import { logResponse } from "./log-response.js";
import { STREAM_HEADER, STREAM_POLL_SECONDS, UPGRADE_REQUIRED, type StreamRequest } from "./protocol.js";
import { acceptBinary, pipeSockets } from "./pipe.js";
import { dialingBackendError } from "./relay-client.js";

/** How long a client waits for the agent to dial back before the stream fails. */
export const DIAL_TIMEOUT_MS = 10_000;
/** An agent counts as connected while a poll is held or for this long after one ended. */
const PRESENCE_GRACE_MS = 5_000;

interface Waiter {
  resolve(agent: WebSocket): void;
}

export class StreamRelay extends DurableObject<Env> {
  private pending: StreamRequest[] = [];
  private readonly pollers = new Set<() => void>();
  private lastPollEnded = 0;
  private lastPollStarted = 0;
  /** When a stream last went unanswered: the agent counts as gone until it polls again. */
  private unansweredAt = 0;
  private readonly waiting = new Map<string, Waiter>();

  override async fetch(request: Request): Promise<Response> {
    const path = new URL(request.url).pathname;
    try {
      if (path === "/poll") return await this.poll(request);
      if (path === "/open") return await this.open(request);
      if (path.startsWith("/dial/")) return this.dial(request, decodeURIComponent(path.slice("/dial/".length)));
      throw errors.pathNotFound(path);
    } catch (err) {
      const e = err instanceof ApiError ? err : errors.internal(err instanceof Error ? err.message : String(err));
      return Response.json(e.toStatus(), { status: e.code });
    }
  }

  /** Pending requests at once, or a hold until one arrives or the poll times out (then none). */
  private async poll(request: Request): Promise<Response> {
    this.lastPollStarted = Date.now();
    const holdSeconds = Math.min(Number(new URL(request.url).searchParams.get("timeoutSeconds") ?? STREAM_POLL_SECONDS) || 0, STREAM_POLL_SECONDS);
    if (this.pending.length === 0 && holdSeconds > 0) {
      await new Promise<void>((resolve) => {
        const wake = () => {
          clearTimeout(timer);
          this.pollers.delete(wake);
          resolve();
        };
        const timer = setTimeout(wake, holdSeconds * 1000);
        this.pollers.add(wake);
      });
    }
    this.lastPollEnded = Date.now();
    const items = this.pending;
    this.pending = [];
    return Response.json({ items });
  }

  /**
   * A held poll can outlive its agent (the relay does not see the connection drop), so a stream
   * that went unanswered makes the agent absent until it polls again.
   */
  private agentPresent(): boolean {
    if (this.unansweredAt > this.lastPollStarted) return false;
    return this.pollers.size > 0 || Date.now() - this.lastPollEnded < PRESENCE_GRACE_MS;
  }

  /** A client's stream: queue it for the agent, wait for its connection, then pair the two. */
  private async open(request: Request): Promise<Response> {
    const stream = JSON.parse(decodeURIComponent(request.headers.get(STREAM_HEADER) ?? "")) as StreamRequest & { node: string };
    if (!this.agentPresent()) throw notConnected(stream.node);
    if (stream.exec && !stream.exec.protocol) throw errors.badRequest(UPGRADE_REQUIRED);
    const agent = await this.dialFor(stream);
    if (!agent) throw notConnected(stream.node, `did not open stream within ${DIAL_TIMEOUT_MS / 1000}s`);
    return stream.kind === "log" ? logResponse(agent) : pairWithClient(agent, stream);
  }

  private dialFor(stream: StreamRequest): Promise<WebSocket | undefined> {
    return new Promise((resolve) => {
      const timer = setTimeout(() => {
        this.waiting.delete(stream.id);
        this.pending = this.pending.filter((r) => r.id !== stream.id);
        this.unansweredAt = Date.now();
        // A live agent whose dial failed polls again at once, and so counts as present again.
        for (const wake of [...this.pollers]) wake();
        resolve(undefined);
      }, DIAL_TIMEOUT_MS);
      this.waiting.set(stream.id, {
        resolve: (agent) => {
          clearTimeout(timer);
          resolve(agent);
        },
      });
      this.pending.push(stream);
      for (const wake of [...this.pollers]) wake();
    });
  }

  /** The agent's connection for one stream. */
  private dial(request: Request, id: string): Response {
    if (request.headers.get("upgrade")?.toLowerCase() !== "websocket") throw errors.badRequest("the stream connection must be a WebSocket");
    const waiter = this.waiting.get(id);
    if (!waiter) throw new ApiError(404, "NotFound", `stream "${id}" is not waiting for a connection`);
    this.waiting.delete(id);
    const { 0: agentEnd, 1: relayEnd } = new WebSocketPair();
    waiter.resolve(acceptBinary(relayEnd));
    return new Response(null, { status: 101, webSocket: agentEnd });
  }
}

function notConnected(node: string, why = "is not connected to the control plane"): ApiError {
  return dialingBackendError(node, why);
}

/** exec/attach: accept the client's WebSocket with the agreed subprotocol and pipe it to the agent's. */
function pairWithClient(agent: WebSocket, stream: StreamRequest): Response {
  const { 0: clientEnd, 1: relayEnd } = new WebSocketPair();
  pipeSockets(acceptBinary(relayEnd), agent);
  const headers = stream.exec?.protocol ? { "sec-websocket-protocol": stream.exec.protocol } : undefined;
  return new Response(null, { status: 101, webSocket: clientEnd, headers });
}
