/**
 * The stream relay's wire contract, shared by the control plane (src/streams, src/api/pod-streams.ts)
 * and the agent (agents/src/streams): what a stream request says, the paths the agent polls and
 * dials, and the first message an agent sends on a log stream. Plain data: no Worker or Node APIs.
 */
import type { Status } from "../lib/types.js";

/** `kubectl logs` options as the `pods/log` query carries them (PodLogOptions). */
export interface LogRequest {
  follow: boolean;
  previous: boolean;
  timestamps: boolean;
  tailLines?: number;
  sinceSeconds?: number;
  /** RFC 3339; the agent turns it into seconds when the runtime wants those. */
  sinceTime?: string;
  limitBytes?: number;
}

/** `pods/exec` and `pods/attach` (PodExecOptions, PodAttachOptions). */
export interface ExecRequest {
  /** Empty for attach. */
  command: string[];
  stdin: boolean;
  stdout: boolean;
  stderr: boolean;
  tty: boolean;
  /** The negotiated subprotocol, `v5.channel.k8s.io` or `v4.channel.k8s.io`; "" if the client did not ask for a WebSocket. */
  protocol: string;
}

export interface StreamRequest {
  id: string;
  kind: "log" | "exec" | "attach";
  namespace: string;
  pod: string;
  podUid: string;
  container: string;
  /** The runtime's id of the container instance (from `containerID`, without `docker://`). */
  containerId: string;
  log?: LogRequest;
  exec?: ExecRequest;
}

/** What a poll of the node's stream channel answers. */
export interface StreamPoll {
  items: StreamRequest[];
}

/**
 * The first (text) message of a log stream from the agent: go ahead, or a Status to answer the
 * client with (e.g. `previous terminated container "c" in pod "p" not found`). Bytes follow as
 * binary messages; the agent closes the socket when the log ends.
 */
export type LogStreamHead = { ok: true } | { status: Status };

/** WebSocket subprotocols of exec/attach, most preferred first (kubectl 1.30+ offers v5 then v4). */
export const CHANNEL_PROTOCOLS = ["v5.channel.k8s.io", "v4.channel.k8s.io"] as const;

/** The answer to an exec/attach that is not a WebSocket upgrade (kubectl's SPDY fallback). */
export const UPGRADE_REQUIRED = `Upgrade request required: use a WebSocket with subprotocol ${CHANNEL_PROTOCOLS.join(" or ")}`;

/** Channel numbers of the Kubernetes remote command protocol (the first byte of each frame). */
export const Channel = { stdin: 0, stdout: 1, stderr: 2, error: 3, resize: 4, close: 255 } as const;

/** The agent's side: where it polls for requests and where it dials each stream. */
export const nodeStreamsPath = (node: string) => `/apis/skiff.io/v1/nodes/${encodeURIComponent(node)}/streams`;
export const nodeStreamPath = (node: string, id: string) => `${nodeStreamsPath(node)}/${encodeURIComponent(id)}`;

/**
 * How long one poll of the stream channel is held when nothing is pending (seconds). Each poll is
 * a billed request: at 590 s an idle node spends ~6/h here, which keeps it inside its budget of
 * 200 billed requests per hour (issue 6) beside the Lease renewals and the agent's watches.
 */
export const STREAM_POLL_SECONDS = 590;

/** The header that carries a stream request from the Worker to the relay (internal). */
export const STREAM_HEADER = "x-skiff-stream";
