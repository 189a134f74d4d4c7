/** Shared by the store-*.test.ts files: stubs with unique names, results, watch readers. */
import { runDurableObjectAlarm } from "cloudflare:test";
import { env } from "cloudflare:workers";
import type { KubeObject, Stored } from "../../src/lib/types.js";
import type { ClusterStore } from "../../src/store/cluster-store.js";
import type { Store, StoreResult, WatchEvent } from "../../src/store/types.js";

/**
 * The stub, typed by the Store contract: RPC's own stub types turn `Stored` (an object with an
 * index signature) into `unknown`.
 */
export type StoreStub = Store & DurableObjectStub<ClusterStore>;

const opened: StoreStub[] = [];

/** A fresh ClusterStore (storage is shared by a test file, so every test takes its own name). */
export function freshStore(): StoreStub {
  const stub = env.CLUSTER.get(env.CLUSTER.idFromName(crypto.randomUUID())) as unknown as StoreStub;
  opened.push(stub);
  return stub;
}

/** Alarms survive a test and ignore storage isolation: run the compaction alarms now. */
export async function runPendingAlarms(): Promise<void> {
  for (const stub of opened.splice(0)) await runDurableObjectAlarm(stub);
}

export function ok<T>(result: StoreResult<T>): T {
  if (!result.ok) throw new Error(`store failed: ${result.error.reason}: ${result.error.message}`);
  return result.value;
}

export function pod(name: string, labels: Record<string, string> = {}, extra: Partial<KubeObject> = {}): KubeObject {
  return {
    apiVersion: "v1",
    kind: "Pod",
    metadata: { name, namespace: "default", labels },
    spec: { containers: [{ name: "c", image: "nginx" }] },
    ...extra,
  };
}

export const rv = (o: Stored) => Number(o.metadata.resourceVersion);

/** Reads newline-delimited watch events until `count` arrived or the stream ended. */
export class WatchReader {
  private readonly reader: ReadableStreamDefaultReader<Uint8Array>;
  private buffer = "";
  private readonly decoder = new TextDecoder();
  ended = false;

  constructor(stream: ReadableStream<Uint8Array>) {
    this.reader = stream.getReader();
  }

  async take(count: number, timeoutMs = 5000): Promise<WatchEvent[]> {
    const events: WatchEvent[] = [];
    const deadline = Date.now() + timeoutMs;
    while (events.length < count) {
      const newline = this.buffer.indexOf("\n");
      if (newline >= 0) {
        events.push(JSON.parse(this.buffer.slice(0, newline)) as WatchEvent);
        this.buffer = this.buffer.slice(newline + 1);
        continue;
      }
      if (this.ended) break;
      const remaining = deadline - Date.now();
      if (remaining <= 0) throw new Error(`timed out with ${events.length}/${count} events`);
      const chunk = await Promise.race([
        this.reader.read(),
        new Promise<"timeout">((resolve) => setTimeout(() => resolve("timeout"), remaining)),
      ]);
      if (chunk === "timeout") throw new Error(`timed out with ${events.length}/${count} events`);
      if (chunk.done) this.ended = true;
      else this.buffer += this.decoder.decode(chunk.value, { stream: true });
    }
    return events;
  }

  /** Everything until the stream ends. */
  async rest(timeoutMs = 5000): Promise<WatchEvent[]> {
    return this.take(Number.MAX_SAFE_INTEGER, timeoutMs);
  }

  async cancel(): Promise<void> {
    await this.reader.cancel();
  }
}
