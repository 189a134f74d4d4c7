/**
 * The agent's channel to the control plane: a long-poll watch of the pods bound to this node
 * (`fieldSelector=spec.nodeName=<node>`), resumed from the last resourceVersion, relisting when
 * the server says 410 Gone (`ListWatch`). Each poll lasts up to `timeoutSeconds` (5 min), so an
 * idle node costs one request per 5 minutes here, and a bound pod arrives as soon as it is
 * written. Stream requests (logs, exec) will ride the same channel; a push channel (WebSocket)
 * can replace the poll behind this interface.
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

/** How long one poll lasts: an idle node pays one request per poll. */
export const POLL_SECONDS = 300;

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
