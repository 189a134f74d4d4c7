/**
 * A log stream's answer to the client, from the agent's WebSocket: its first (text) message says
 * go or carries a Status (protocol.ts `LogStreamHead`); its binary messages are the log, streamed
 * as a `text/plain` body until the agent closes. A client that goes away closes the agent's socket,
 * which stops the runtime's log on the node.
 */
import { errors } from "../lib/errors.js";
import type { Status } from "../lib/types.js";
import type { LogStreamHead } from "./protocol.js";
import { closeQuietly } from "./pipe.js";

const bytes = (data: string | ArrayBuffer) => (typeof data === "string" ? new TextEncoder().encode(data) : new Uint8Array(data));

export function logResponse(agent: WebSocket): Promise<Response> {
  return new Promise((resolve) => {
    let controller!: ReadableStreamDefaultController<Uint8Array>;
    let started = false;
    const body = new ReadableStream<Uint8Array>({
      start: (c) => void (controller = c),
      cancel: () => closeQuietly(agent, 1000, "client closed"),
    });
    const fail = (status: Status) => resolve(Response.json(status, { status: status.code ?? 500 }));
    agent.addEventListener("message", (e) => {
      const data = e.data as string | ArrayBuffer;
      if (!started) {
        started = true;
        const head = JSON.parse(new TextDecoder().decode(bytes(data))) as LogStreamHead;
        if ("status" in head) {
          closeQuietly(agent);
          return fail(head.status);
        }
        return resolve(new Response(body, { headers: { "content-type": "text/plain", "cache-control": "no-cache" } }));
      }
      try {
        controller.enqueue(bytes(data));
      } catch {
        closeQuietly(agent); // the client cancelled
      }
    });
    agent.addEventListener("close", () => {
      if (!started) return fail(errors.internal("the node closed the log stream before it began").toStatus());
      try {
        controller.close();
      } catch {
        // the client cancelled first
      }
    });
    agent.addEventListener("error", () => {
      if (!started) fail(errors.internal("the node's log stream failed").toStatus());
      else controller.error(new Error("the node's log stream failed"));
    });
  });
}
