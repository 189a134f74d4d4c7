/**
 * The agent's channel to the control plane: a long-poll watch of the pods bound to this node
 * (`fieldSelector=spec.nodeName=<node>`), resumed from the last resourceVersion, relisting when
 * the server says 410 Gone (`ListWatch`). Each poll lasts up to `timeoutSeconds` (10 min), so an
 * idle node costs one request per 10 minutes here, and a bound pod arrives as soon as it is
 * written. A push channel (WebSocket) can replace the poll behind this interface.
 */
import type { Pod } from "../../../src/lib/types.js";
import type { ApiClient } from "../api/client.js";
import { ListWatch } from "../api/list-watch.js";
import type { Logger } from "../log.js";

export interface PodChannelHandlers {
  /** The full set of pods bound to the node (at start and after each relist). */
  onSync(pods: Pod[]): void;
  onEvent(type: "ADDED" | "MODIFIED" | "DELETED", pod: Pod): void;
  /** The channel went down (the control plane is unreachable) or came back. */
  onConnected(connected: boolean): void;
}

export interface PodChannelOptions {
  api: ApiClient;
  nodeName: string;
  handlers: PodChannelHandlers;
  log: Logger;
  /** How long one poll lasts (seconds). */
  pollSeconds?: number;
  /** Retry delays after a failure: first and maximum (ms). */
  retryInitialMs?: number;
  retryMaxMs?: number;
}

/**
 * How long one poll (watch) lasts: an idle node pays one request per poll, per watch. 10 minutes
 * is the top of client-go's reflector range (5–10 min) and well under the server's 30–60.
 */
export const POLL_SECONDS = 600;

export class PodChannel {
  private readonly watch: ListWatch<Pod>;

  constructor(o: PodChannelOptions) {
    this.watch = new ListWatch<Pod>({
      api: o.api,
      path: "/api/v1/pods",
      fieldSelector: `spec.nodeName=${o.nodeName}`,
      handlers: o.handlers,
      log: o.log,
      pollSeconds: o.pollSeconds ?? POLL_SECONDS,
      retryInitialMs: o.retryInitialMs,
      retryMaxMs: o.retryMaxMs,
    });
  }

  /** Times the channel was re-established after a failure. */
  get reconnects(): number {
    return this.watch.reconnects;
  }

  start(): void {
    this.watch.start();
  }

  stop(): Promise<void> {
    return this.watch.stop();
  }
}
