import { describe, expect, it } from "vitest";
import { exitStatus, frame, parseClientMessage } from "./channel-protocol.js";

const enc = (s: string) => new TextEncoder().encode(s);

describe("channel protocol", () => {
  it("frames a payload behind its channel byte", () => {
    expect([...frame(1, "hi")]).toEqual([1, 104, 105]);
    expect([...frame(2, new Uint8Array([7]))]).toEqual([2, 7]);
  });

  it("reads stdin, resize and v5 close messages", () => {
    expect(parseClientMessage(frame(0, "ls\n"))).toEqual({ channel: "stdin", data: enc("ls\n") });
    expect(parseClientMessage(frame(4, '{"Width":120,"Height":40}'))).toEqual({ channel: "resize", width: 120, height: 40 });
    expect(parseClientMessage(new Uint8Array([255, 0]))).toEqual({ channel: "close", stream: 0 });
  });

  it("ignores what it cannot read", () => {
    expect(parseClientMessage(new Uint8Array([]))).toEqual({ channel: "ignored" });
    expect(parseClientMessage(frame(4, "{nope"))).toEqual({ channel: "ignored" });
    expect(parseClientMessage(frame(1, "out"))).toEqual({ channel: "ignored" });
  });

  it("reports the exit code as kubelet does", () => {
    expect(exitStatus(["true"], 0)).toEqual({ metadata: {}, status: "Success" });
    expect(exitStatus(["sh", "-c", "exit 3"], 3)).toEqual({
      metadata: {},
      status: "Failure",
      message: "command terminated with non-zero exit code: error executing command [sh -c exit 3], exit code 3",
      reason: "NonZeroExitCode",
      details: { causes: [{ reason: "ExitCode", message: "3" }] },
    });
  });
});
