/**
 * List, then watch from the list's resourceVersion, as client-go's reflector does: the watch is
 * resumed from the last resourceVersion seen, a 410 Gone relists, failures retry with a doubling
 * delay. Each watch lasts up to `timeoutSeconds`, so an idle watch costs one billed request per
 * poll period. The pod channel (pods bound to the node) and the network's caches (Services,
 * Endpoints, Nodes) are instances of it.
 */
import type { KubeObject, Status } from "../../../src/lib/types.js";
import { ApiError, type ApiClient } from "./client.js";
import type { Logger } from "../log.js";
import { BackgroundLoop } from "../background-loop.js";

export interface ListWatchHandlers<T extends KubeObject> {
  /** The full set (at start and after each relist). */
  onSync(items: T[]): void;
  onEvent(type: "ADDED" | "MODIFIED" | "DELETED", item: T): void;
  /** The control plane became unreachable, or reachable again. */
  onConnected?(connected: boolean): void;
}

export interface ListWatchOptions<T extends KubeObject> {
  api: ApiClient;
  /** e.g. `/api/v1/pods` */
  path: string;
  fieldSelector?: string;
  handlers: ListWatchHandlers<T>;
  log: Logger;
  /** How long one watch request lasts (seconds). */
  pollSeconds: number;
  /** Retry delays after a failure: first and maximum (ms). */
  retryInitialMs?: number;
  retryMaxMs?: number;
}

interface List<T> {
  metadata: { resourceVersion?: string };
  items: T[];
}

export class ListWatch<T extends KubeObject> extends BackgroundLoop {
  /** Times the watch was re-established after the control plane was unreachable. */
  reconnects = 0;
  private connected: boolean | undefined;

  constructor(private readonly o: ListWatchOptions<T>) {
    super();
  }

  private setConnected(value: boolean): void {
    if (this.connected === value) return;
    if (value && this.connected === false) this.reconnects++;
    this.connected = value;
    this.o.handlers.onConnected?.(value);
  }

  protected async run(): Promise<void> {
    const { api, path, fieldSelector, handlers, log, pollSeconds } = this.o;
    const initial = this.o.retryInitialMs ?? 500;
    let retry = initial;
    let rv: string | undefined;
    while (this.running) {
      try {
        if (rv === undefined) {
          const list = await api.request<List<T>>("GET", path, { query: { fieldSelector }, signal: this.signal, timeoutMs: 30_000 });
          rv = list.metadata.resourceVersion ?? "0";
          this.setConnected(true);
          handlers.onSync(list.items);
        }
        const events = api.watch<T>(path, { fieldSelector, resourceVersion: rv, timeoutSeconds: pollSeconds, allowWatchBookmarks: true }, this.signal, (pollSeconds + 30) * 1000);
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
          log.info("watch expired; relisting", { path, rv });
          rv = undefined;
          continue;
        }
        const wasUp = this.connected !== false;
        if (!(err instanceof ApiError)) this.setConnected(false);
        (wasUp ? log.warn : log.debug)("watch failed; retrying", { path, error: String(err), retryMs: retry });
        await this.pause(retry);
        retry = Math.min(retry * 2, this.o.retryMaxMs ?? 15_000);
      }
    }
  }
}

/** The current objects of a ListWatch, by `namespace/name`, with a callback on every change. */
export class ObjectCache<T extends KubeObject> {
  private readonly items = new Map<string, T>();
  /** Whether the first list has arrived. */
  synced = false;

  constructor(private readonly onChange: () => void) {}

  readonly handlers: ListWatchHandlers<T> = {
    onSync: (items) => {
      this.items.clear();
      for (const item of items) this.items.set(key(item), item);
      this.synced = true;
      this.onChange();
    },
    onEvent: (type, item) => {
      if (type === "DELETED") this.items.delete(key(item));
      else this.items.set(key(item), item);
      this.onChange();
    },
  };

  list(): T[] {
    return [...this.items.values()];
  }
}

function key(o: KubeObject): string {
  return `${o.metadata.namespace ?? ""}/${o.metadata.name ?? ""}`;
}
