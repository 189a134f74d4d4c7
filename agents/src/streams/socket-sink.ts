/**
 * A runtime's output into the relay's WebSocket with back-pressure: the source pauses while the
 * socket holds more than `HIGH_WATER` unsent bytes and resumes as sends complete, so a fast
 * `cat` of a large file does not pile up in the agent's memory. Each chunk may be prefixed (the
 * channel byte of exec/attach).
 */
import type { Readable } from "node:stream";
import type WebSocket from "ws";

const HIGH_WATER = 1 << 20;

/** Sends `source` (up to `limit` bytes) and resolves when it has ended or the socket closed. */
export function pipeToSocket(source: Readable, ws: WebSocket, options: { prefix?: number; limit?: number } = {}): Promise<void> {
  let left = options.limit ?? Infinity;
  return new Promise((resolve) => {
    const finish = () => {
      source.off("data", onData);
      resolve();
    };
    const resume = () => {
      if (source.isPaused() && ws.bufferedAmount < HIGH_WATER) source.resume();
    };
    const onData = (chunk: Buffer) => {
      const part = chunk.length > left ? chunk.subarray(0, left) : chunk;
      left -= part.length;
      if (ws.readyState !== ws.OPEN) return source.destroy();
      ws.send(options.prefix === undefined ? part : Buffer.concat([Buffer.of(options.prefix), part]), resume);
      if (ws.bufferedAmount >= HIGH_WATER) source.pause();
      if (left <= 0) source.destroy();
    };
    source.on("data", onData);
    source.once("end", finish);
    source.once("close", finish);
    source.once("error", finish);
    ws.once("close", () => {
      source.destroy();
      finish();
    });
  });
}
