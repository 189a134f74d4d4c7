/**
 * The agent's channel to the control plane: a long-poll watch of the pods bound to this node
 * (`fieldSelector=spec.nodeName=<node>`), resumed from the last resourceVersion, relisting when
 * the server says 410 Gone. Each poll lasts up to `timeoutSeconds` (5 min), so an idle node
 * costs one request per 5 minutes here, and a bound pod arrives as soon as it is written.
 * Stream requests (logs, exec) will ride the same channel; a push channel (WebSocket) can
 * replace the poll behind this interface.
 */
import type { Pod, Status } from "../../../src/lib/types.js";
import { ApiError, type ApiClient } from "../api/client.js";
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

interface PodList {
  metadata: { resourceVersion?: string };
  items: Pod[];
}

export class PodChannel {
  /** Times the channel was re-established after a failure. */
  reconnects = 0;
  private running = false;
  private abort = new AbortController();
  private loop: Promise<void> | undefined;
  private connected: boolean | undefined;

  constructor(private readonly o: PodChannelOptions) {}

  start(): void {
    if (this.running) return;
    this.running = true;
    this.abort = new AbortController();
    this.loop = this.run();
  }

  async stop(): Promise<void> {
    this.running = false;
    this.abort.abort();
    await this.loop;
  }

  private setConnected(value: boolean): void {
    if (this.connected === value) return;
    if (value && this.connected === false) this.reconnects++;
    this.connected = value;
    this.o.handlers.onConnected(value);
  }

  private async run(): Promise<void> {
    const { api, nodeName, handlers, log } = this.o;
    const fieldSelector = `spec.nodeName=${nodeName}`;
    const pollSeconds = this.o.pollSeconds ?? POLL_SECONDS;
    const initial = this.o.retryInitialMs ?? 500;
    let retry = initial;
    let rv: string | undefined;
    while (this.running) {
      try {
        if (rv === undefined) {
          const list = await api.request<PodList>("GET", "/api/v1/pods", { query: { fieldSelector }, signal: this.abort.signal, timeoutMs: 30_000 });
          rv = list.metadata.resourceVersion ?? "0";
          this.setConnected(true);
          handlers.onSync(list.items);
        }
        const events = api.watch<Pod>(
          "/api/v1/pods",
          { fieldSelector, resourceVersion: rv, timeoutSeconds: pollSeconds, allowWatchBookmarks: true },
          this.abort.signal,
          (pollSeconds + 30) * 1000,
        );
        for await (const event of events) {
          this.setConnected(true);
          retry = initial;
          if (event.type === "ERROR") {
            const status = event.object as unknown as Status;
            throw new ApiError(status.code ?? 500, status.reason ?? "", status.message ?? "watch error", status);
          }
          rv = event.object.metadata.resourceVersion ?? rv;
          if (event.type !== "BOOKMARK") handlers.onEvent(event.type, event.object);
        }
        this.setConnected(true);
        retry = initial;
      } catch (err) {
        if (!this.running) return;
        if (err instanceof ApiError && (err.code === 410 || err.reason === "Expired" || err.reason === "Gone")) {
          log.info("watch expired; relisting", { rv });
          rv = undefined;
          continue;
        }
        const wasUp = this.connected !== false;
        if (!(err instanceof ApiError)) this.setConnected(false);
        (wasUp ? log.warn : log.debug)("pod channel failed; retrying", { error: String(err), retryMs: retry });
        await sleep(retry, this.abort.signal);
        retry = Math.min(retry * 2, this.o.retryMaxMs ?? 15_000);
      }
    }
  }
}

function sleep(ms: number, signal: AbortSignal): Promise<void> {
  return new Promise((resolve) => {
    const timer = setTimeout(resolve, ms);
    signal.addEventListener("abort", () => {
      clearTimeout(timer);
      resolve();
    }, { once: true });
  });
}
