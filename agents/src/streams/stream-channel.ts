/**
 * The agent's stream channel: a long-poll of `/apis/skiff.io/v1/nodes/<node>/streams?watch=1`
 * that answers with stream requests (logs, exec, attach) as soon as a client asks. For each the
 * agent dials a WebSocket back to the relay (`.../streams/<id>`), outbound like everything else,
 * and serves the stream on it. Several streams run at once.
 */
import { Agent as HttpsAgent } from "node:https";
import WebSocket from "ws";
import { nodeStreamPath, nodeStreamsPath, STREAM_POLL_SECONDS, type StreamPoll, type StreamRequest } from "../../../src/streams/protocol.js";
import { tlsConnectOptions, type ApiClient } from "../api/client.js";
import type { Logger } from "../log.js";
import type { Runtime } from "../runtime/types.js";
import { streamExec } from "./exec-stream.js";
import { streamLog } from "./log-stream.js";
import { BackgroundLoop } from "../background-loop.js";

export interface StreamChannelOptions {
  api: ApiClient;
  nodeName: string;
  runtime: Runtime;
  log: Logger;
  /** How long one poll is held (benchmarks shorten it with `--time-scale`). */
  pollSeconds?: number;
}

export class StreamChannel extends BackgroundLoop {
  /** The stream sockets trust the server as the API client does (ws takes an Agent's options); not its pool. */
  private readonly tls: HttpsAgent | undefined;

  constructor(private readonly o: StreamChannelOptions) {
    super();
    this.tls = o.api.server.startsWith("https:") ? new HttpsAgent(tlsConnectOptions(o.api.tls)) : undefined;
  }

  protected async run(): Promise<void> {
    let retry = 500;
    while (this.running) {
      try {
        const poll = await this.o.api.request<StreamPoll>("GET", nodeStreamsPath(this.o.nodeName), {
          query: { watch: 1, timeoutSeconds: this.o.pollSeconds ?? STREAM_POLL_SECONDS },
          signal: this.signal,
          timeoutMs: ((this.o.pollSeconds ?? STREAM_POLL_SECONDS) + 30) * 1000,
        });
        retry = 500;
        for (const request of poll.items) void this.serve(request);
      } catch (err) {
        if (!this.running) return;
        this.o.log.debug("stream channel failed; retrying", { error: String(err), retryMs: retry });
        await this.pause(retry);
        retry = Math.min(retry * 2, 15_000);
      }
    }
  }

  private dial(id: string): Promise<WebSocket> {
    const url = new URL(nodeStreamPath(this.o.nodeName, id), this.o.api.server.replace(/^http/, "ws"));
    // No permessage-deflate: the relay passes frames through as they are, and compressing a
    // `cat` of binary data costs the agent more CPU than it saves.
    const ws = new WebSocket(url.toString(), { headers: { authorization: this.o.api.authorization() }, agent: this.tls, perMessageDeflate: false });
    return new Promise((resolve, reject) => {
      ws.once("open", () => resolve(ws));
      ws.once("error", reject);
    });
  }

  private async serve(request: StreamRequest): Promise<void> {
    const log = this.o.log.with({ stream: request.id, kind: request.kind, pod: `${request.namespace}/${request.pod}`, container: request.container });
    try {
      const ws = await this.dial(request.id);
      ws.on("error", (err: Error) => log.debug("stream socket error", { error: String(err) }));
      if (request.kind === "log" && request.log) await streamLog(this.o.runtime, request.containerId, request.log, ws);
      else if (request.kind !== "log" && request.exec) await streamExec(this.o.runtime, request.kind, request.containerId, request.exec, ws);
      else ws.close(1011, `malformed ${request.kind} stream request`);
    } catch (err) {
      log.warn("stream failed", { error: String(err) });
    }
  }
}
