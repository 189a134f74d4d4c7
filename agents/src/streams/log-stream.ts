/**
 * A log stream on the node: the container instance's log from the runtime, piped to the relay's
 * WebSocket. The first message says go (or carries a Status); `limitBytes` is enforced here; the
 * relay closing the socket (the client went away) stops the runtime's stream.
 */
import type { Readable } from "node:stream";
import type WebSocket from "ws";
import { errors } from "../../../src/lib/errors.js";
import type { LogRequest, LogStreamHead } from "../../../src/streams/protocol.js";
import type { LogOptions, Runtime } from "../runtime/types.js";
import { pipeToSocket } from "./socket-sink.js";

/** `sinceSeconds` is relative to now and `sinceTime` absolute: the runtime gets an absolute time. */
export function runtimeLogOptions(o: LogRequest, now = Date.now()): LogOptions {
  const since = o.sinceTime ? Date.parse(o.sinceTime) / 1000 : o.sinceSeconds !== undefined ? now / 1000 - o.sinceSeconds : undefined;
  return { follow: o.follow, tailLines: o.tailLines, since, timestamps: o.timestamps };
}

const head = (h: LogStreamHead) => JSON.stringify(h);

export async function streamLog(runtime: Runtime, containerId: string, o: LogRequest, ws: WebSocket): Promise<void> {
  let source: Readable;
  try {
    source = await runtime.logs(containerId, runtimeLogOptions(o));
  } catch (err) {
    ws.send(head({ status: errors.internal(`cannot read the log of container ${containerId}: ${err instanceof Error ? err.message : String(err)}`).toStatus() }));
    ws.close(1000);
    return;
  }
  ws.send(head({ ok: true }));
  await pipeToSocket(source, ws, { limit: o.limitBytes });
  ws.close(1000);
}
