/**
 * One resource kept live, as client-go's reflector does: list, then watch from the list's
 * resourceVersion, resume from the last version seen when a watch ends, and list again when the
 * server says that version is gone (410 Expired). Each change calls `onChange`.
 */
import type { KubeObject } from "../../src/lib/types.js";
import { Api, ApiError } from "./api.js";
import { collectionPath, type ResourceType } from "./kinds.js";
import { readLines } from "./ndjson.js";

export interface WatchEvent {
  type: "ADDED" | "MODIFIED" | "DELETED" | "BOOKMARK" | "ERROR";
  object: KubeObject & { code?: number; message?: string };
}

interface List {
  metadata: { resourceVersion?: string };
  items: KubeObject[];
}

export const keyOf = (o: KubeObject): string => `${o.metadata.namespace ?? ""}/${o.metadata.name ?? ""}`;

/** Folds one event into `items`; returns the resourceVersion to resume from, or "relist". */
export function applyWatchEvent(items: Map<string, KubeObject>, event: WatchEvent): string | "relist" | undefined {
  switch (event.type) {
    case "ADDED":
    case "MODIFIED":
      items.set(keyOf(event.object), event.object);
      break;
    case "DELETED":
      items.delete(keyOf(event.object));
      break;
    case "BOOKMARK":
      break;
    case "ERROR":
      if (event.object.code === 410) return "relist";
      throw new ApiError(event.object.code ?? 500, String(event.object.reason ?? "Error"), event.object.message ?? "watch error");
  }
  return event.object.metadata?.resourceVersion;
}

const WATCH_TIMEOUT_SECONDS = 300;
const MAX_BACKOFF_MS = 15_000;
const QUICK_END_MS = 500;

const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

export class Informer<T extends KubeObject = KubeObject> {
  readonly items = new Map<string, T>();
  synced = false;
  error: string | undefined;
  private resourceVersion: string | undefined;
  private readonly abort = new AbortController();

  constructor(
    private readonly api: Api,
    readonly type: ResourceType,
    readonly namespace: string,
    private readonly onChange: () => void,
  ) {}

  start(): this {
    void this.run();
    return this;
  }

  stop(): void {
    this.abort.abort();
  }

  list(): T[] {
    return [...this.items.values()];
  }

  private async run(): Promise<void> {
    const path = collectionPath(this.type, this.namespace);
    const signal = this.abort.signal;
    let backoff = 500;
    while (!signal.aborted) {
      try {
        if (this.resourceVersion === undefined) await this.relist(path, signal);
        const query = `watch=1&allowWatchBookmarks=true&timeoutSeconds=${WATCH_TIMEOUT_SECONDS}&resourceVersion=${encodeURIComponent(this.resourceVersion ?? "")}`;
        const body = await this.api.stream(`${path}?${query}`, signal);
        if (this.error) {
          this.error = undefined;
          this.onChange();
        }
        backoff = 500;
        const opened = Date.now();
        for await (const event of readLines<WatchEvent>(body)) {
          const rv = applyWatchEvent(this.items as Map<string, KubeObject>, event);
          if (rv === "relist") {
            this.resourceVersion = undefined;
            break;
          }
          if (rv) this.resourceVersion = rv;
          if (event.type !== "BOOKMARK") this.onChange();
        }
        // A watch the server ends at once is not resumed in a tight loop.
        if (this.resourceVersion !== undefined && Date.now() - opened < QUICK_END_MS) await sleep(QUICK_END_MS);
      } catch (e) {
        if (signal.aborted) return;
        if (e instanceof ApiError && e.code === 410) {
          this.resourceVersion = undefined;
          continue;
        }
        this.error = e instanceof Error ? e.message : String(e);
        this.onChange();
        await sleep(backoff);
        backoff = Math.min(backoff * 2, MAX_BACKOFF_MS);
      }
    }
  }

  private async relist(path: string, signal: AbortSignal): Promise<void> {
    const list = await this.api.get<List>(path, signal);
    this.items.clear();
    for (const item of list.items) this.items.set(keyOf(item), item as T);
    this.resourceVersion = list.metadata.resourceVersion ?? "";
    this.synced = true;
    this.error = undefined;
    this.onChange();
  }
}
