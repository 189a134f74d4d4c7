/**
 * Docker's hijacked exec/attach connection as a runtime `StdioSession`: with a TTY the socket
 * carries the terminal's bytes as they are; without one, output comes in multiplexed frames
 * (engine.ts `readFrames`) split here into stdout and stderr. Writing to the socket is the
 * process's stdin; half-closing it is stdin's EOF.
 */
import type { Socket } from "node:net";
import { PassThrough } from "node:stream";
import type { StdioOptions, StdioSession } from "../types.js";
import { readFrames } from "./engine.js";

export function stdioSession(socket: Socket, o: StdioOptions, resize: (w: number, h: number) => Promise<void>, exitCode: () => Promise<number | undefined>): StdioSession {
  const stdout = new PassThrough();
  const stderr = new PassThrough();
  if (o.tty) socket.pipe(stdout);
  else readFrames(socket, (f) => (f.stream === 2 ? stderr : stdout).write(f.payload));
  const ended = new Promise<void>((resolve) => {
    socket.once("close", resolve);
    socket.once("end", resolve);
  });
  socket.once("error", () => socket.destroy());
  const done = ended.then(() => {
    stdout.end();
    stderr.end();
    return exitCode();
  });
  const stdin = new PassThrough();
  if (o.stdin) {
    stdin.pipe(socket, { end: false });
    stdin.once("end", () => socket.end());
  }
  return {
    stdout: o.stdout || o.tty ? stdout : undefined,
    stderr: o.stderr && !o.tty ? stderr : undefined,
    stdin: o.stdin ? stdin : undefined,
    resize: o.tty ? resize : async () => {},
    done,
    close: () => socket.destroy(),
  };
}
