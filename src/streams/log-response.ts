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

/**
 * As a watch's (src/api/resource-handler.ts): a gzip'd body is held until its compressor's window
 * fills, so a followed log would show nothing for minutes. `no-transform` keeps Cloudflare from
 * compressing, `identity` keeps miniflare from it.
 */
const STREAM_HEADERS = { "content-type": "text/plain", "cache-control": "no-cache, private, no-transform", "content-encoding": "identity" };

/** Past this much log the client has not read, the stream is ended (the agent is not slowed). */
const MAX_UNREAD_BYTES = 16 * 1024 * 1024;

export function logResponse(agent: WebSocket): Promise<Response> {
  return new Promise((resolve) => {
    // A native pipe, as the store's watches use: a JS ReadableStream's chunks were not delivered
    // across the Durable Object's response until it closed, and the pipe's writer fails when the
    // client goes away, which is how the node learns it.
    const pipe = new IdentityTransformStream({ highWaterMark: 64 * 1024 });
    const writer = pipe.writable.getWriter();
    let unread = 0;
    // The pipe takes one write at a time: each waits for the one before.
    let lastWrite: Promise<unknown> = Promise.resolve();
    let started = false;
    let ended = false;
    writer.closed.catch(() => closeQuietly(agent, 1000, "client closed"));
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
        return resolve(new Response(pipe.readable, { headers: STREAM_HEADERS }));
      }
      const chunk = bytes(data);
      unread += chunk.length;
      if (unread > MAX_UNREAD_BYTES) return closeQuietly(agent, 1000, "client too slow");
      lastWrite = lastWrite
        .then(() => writer.write(chunk))
        .then(
          () => void (unread -= chunk.length),
          () => closeQuietly(agent),
        );
    });
    agent.addEventListener("close", () => {
      ended = true;
      if (!started) return fail(errors.internal("the node closed the log stream before it began").toStatus());
      void lastWrite.then(() => writer.close()).catch(() => {});
    });
    agent.addEventListener("error", () => {
      if (ended) return; // workerd reports the lost connection after a close, too
      ended = true;
      if (!started) fail(errors.internal("the node's log stream failed").toStatus());
      else void lastWrite.then(() => writer.abort(new Error("the node's log stream failed"))).catch(() => {});
    });
  });
}
