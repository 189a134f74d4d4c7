/**
 * The Kubernetes remote command protocol over WebSocket (`v4.channel.k8s.io`, `v5.channel.k8s.io`),
 * as kubelet speaks it to kubectl for exec and attach: each binary message is one channel byte
 * (protocol.ts `Channel`) and a payload. stdin arrives on 0; stdout and stderr go out on 1 and 2;
 * the outcome goes out once on 3 as a `Status` (v4+); resize requests arrive on 4 as JSON
 * `{"Width":w,"Height":h}`; v5 adds channel 255, by which the client closes a stream (stdin).
 * Pure, shared by the agent (which speaks it) and tests; the relay only pipes it.
 */
import type { Status } from "../lib/types.js";
import { Channel } from "./protocol.js";

export type ChannelMessage =
  | { channel: "stdin"; data: Uint8Array }
  | { channel: "resize"; width: number; height: number }
  /** v5: the client closed its side of a stream (in practice stdin). */
  | { channel: "close"; stream: number }
  | { channel: "ignored" };

export function frame(channel: number, payload: Uint8Array | string): Uint8Array {
  const body = typeof payload === "string" ? new TextEncoder().encode(payload) : payload;
  const out = new Uint8Array(body.length + 1);
  out[0] = channel;
  out.set(body, 1);
  return out;
}

/** A message from the client. Malformed resize payloads are ignored, as kubelet ignores them. */
export function parseClientMessage(message: Uint8Array): ChannelMessage {
  if (message.length === 0) return { channel: "ignored" };
  const payload = message.subarray(1);
  switch (message[0]) {
    case Channel.stdin:
      return { channel: "stdin", data: payload };
    case Channel.resize: {
      try {
        const size = JSON.parse(new TextDecoder().decode(payload)) as { Width?: unknown; Height?: unknown };
        if (typeof size.Width === "number" && typeof size.Height === "number") return { channel: "resize", width: size.Width, height: size.Height };
      } catch {
        // fall through
      }
      return { channel: "ignored" };
    }
    case Channel.close:
      return payload.length > 0 ? { channel: "close", stream: payload[0] } : { channel: "ignored" };
    default:
      return { channel: "ignored" };
  }
}

/**
 * What goes on the error channel when the command ends (kubelet's remotecommand `v4` error
 * writer): Success for exit 0; for another code the `NonZeroExitCode` Status whose `ExitCode`
 * cause kubectl turns into its own exit status.
 */
export function exitStatus(command: string[], exitCode: number): Status {
  if (exitCode === 0) return { metadata: {}, status: "Success" };
  return {
    metadata: {},
    status: "Failure",
    message: `command terminated with non-zero exit code: error executing command [${command.join(" ")}], exit code ${exitCode}`,
    reason: "NonZeroExitCode",
    details: { causes: [{ reason: "ExitCode", message: String(exitCode) }] },
  };
}
