import { EventEmitter } from "node:events";
import { PassThrough } from "node:stream";
import { describe, expect, it } from "vitest";
import type WebSocket from "ws";
import { frame } from "../../../src/streams/channel-protocol.js";
import type { Runtime, StdioSession } from "../runtime/types.js";
import { streamExec } from "./exec-stream.js";

/** The relay's end of the socket as the agent sees it: what was sent, and whether it closed. */
class FakeSocket extends EventEmitter {
  readonly OPEN = 1;
  readyState = 1;
  bufferedAmount = 0;
  sent: Buffer[] = [];
  send(data: Uint8Array, cb?: () => void) {
    this.sent.push(Buffer.from(data));
    cb?.();
  }
  close() {
    if (this.readyState === 3) return;
    this.readyState = 3;
    this.emit("close");
  }
  /** What went out on one channel, as text. */
  channel(n: number): string {
    return Buffer.concat(this.sent.filter((b) => b[0] === n).map((b) => b.subarray(1))).toString();
  }
}

function fakeSession(exitCode: number) {
  const stdout = new PassThrough();
  const stdin = new PassThrough();
  const resizes: Array<[number, number]> = [];
  let finish!: (code: number) => void;
  const session: StdioSession = {
    stdout,
    stdin,
    resize: async (w, h) => void resizes.push([w, h]),
    done: new Promise((r) => (finish = r)),
    close: () => {},
  };
  return { session, stdout, stdin, resizes, end: () => { stdout.end(); finish(exitCode); } };
}

const options = { command: ["sh"], stdin: true, stdout: true, stderr: false, tty: true, protocol: "v5.channel.k8s.io" };

describe("streamExec", () => {
  it("keeps what kubectl sends before the session is up, then speaks the channel protocol to the end", async () => {
    const ws = new FakeSocket();
    const fake = fakeSession(3);
    let startSession!: () => void;
    const runtime = { execStream: () => new Promise<StdioSession>((r) => (startSession = () => r(fake.session))) } as unknown as Runtime;
    const done = streamExec(runtime, "exec", "c1", options, ws as unknown as WebSocket);
    ws.emit("message", Buffer.from(frame(4, '{"Width":80,"Height":24}')));
    ws.emit("message", Buffer.from(frame(0, "echo hi\n")));
    startSession();
    await new Promise((r) => setImmediate(r));
    expect(fake.resizes).toEqual([[80, 24]]);
    expect(fake.stdin.read()?.toString()).toBe("echo hi\n");
    fake.stdout.write("hi\n");
    fake.end();
    await done;
    expect(ws.channel(1)).toBe("hi\n");
    expect(JSON.parse(ws.channel(3))).toMatchObject({ status: "Failure", reason: "NonZeroExitCode", details: { causes: [{ reason: "ExitCode", message: "3" }] } });
    expect(ws.readyState).toBe(3);
  });

  it("closes stdin on the v5 close channel, and reports a runtime's refusal as a Status", async () => {
    const fake = fakeSession(0);
    const ws = new FakeSocket();
    const done = streamExec({ execStream: async () => fake.session } as unknown as Runtime, "exec", "c1", options, ws as unknown as WebSocket);
    await new Promise((r) => setImmediate(r));
    const ended = new Promise((r) => fake.stdin.once("finish", r));
    ws.emit("message", Buffer.from([255, 0]));
    await ended;
    fake.end();
    await done;
    expect(JSON.parse(ws.channel(3))).toEqual({ metadata: {}, status: "Success" });

    const refused = new FakeSocket();
    await streamExec({ attach: async () => { throw new Error("cannot attach"); } } as unknown as Runtime, "attach", "c1", options, refused as unknown as WebSocket);
    expect(JSON.parse(refused.channel(3))).toMatchObject({ kind: "Status", reason: "InternalError", message: "Internal error occurred: cannot attach" });
  });
});
