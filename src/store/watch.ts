/**
 * Watches. A `WatchHub` keeps the open watches per resource and hands each committed change to
 * them synchronously (single writer, no gaps). A watch, as kine's: subscribe first, then catch
 * up (synthetic ADDED for the current state, or the log after the requested revision), read a
 * chunk at a time as the reader takes them, then forward live changes, dropping
 * those at or below the last revision sent. Output is newline-delimited JSON `WatchEvent`s as
 * Uint8Array chunks (object chunks break over RPC).
 */
import type { KubeObject } from "../lib/types.js";
import type { Change } from "./change.js";
import { type Filter, selects } from "./filter.js";
import { atRevision } from "./objects.js";
import type { StateRow } from "./state-scan.js";
import type { WatchEventType } from "./types.js";

/** What a watch needs from the store. */
export interface WatchSource {
  revision(): number;
  compactedRevision(): number;
  /** The state at `revision`, in key order (for rv=0's synthetic ADDED events). */
  stateAt(resource: string, namespace: string | undefined, revision: number): Iterator<StateRow>;
  /** Changes in (after, upto], oldest first, at most `limit`. */
  changesAfter(resource: string, namespace: string | undefined, after: number, upto: number, limit: number): Change[];
  /** `kind`/`apiVersion` of the resource's objects, for BOOKMARK events. */
  typeOf(resource: string): { kind?: string; apiVersion?: string };
}

export interface WatchRequest {
  resource: string;
  filter: Filter;
  /** Undefined: start with the current state; a number: changes after that revision. */
  after?: number;
  allowBookmarks: boolean;
  timeoutSeconds?: number;
}

const historyChunk = 500;
/** How much catch-up output may be unread before reading more of the log. */
const catchUpWindowBytes = 1024 * 1024;
/** Past this much unread output the watch is closed; the client resumes from its last revision. */
const maxBufferedBytes = 16 * 1024 * 1024;
/** Live changes held while catching up; past this the watch is closed, as above. */
const maxPendingChanges = 50_000;

const encoder = new TextEncoder();

export class WatchHub {
  /** How long a watch may be idle before it gets a BOOKMARK (tests shorten it). */
  bookmarkIntervalMs = 30_000;
  private readonly watches = new Map<string, Set<Watch>>();

  constructor(private readonly source: WatchSource) {}

  open(request: WatchRequest): ReadableStream<Uint8Array> {
    const watch = new Watch(this, this.source, request);
    let set = this.watches.get(request.resource);
    if (!set) this.watches.set(request.resource, (set = new Set()));
    set.add(watch);
    watch.start();
    return watch.stream;
  }

  /** Called after each commit, with the committed changes in revision order. */
  publish(changes: Change[]): void {
    for (const change of changes) {
      const set = this.watches.get(change.resource);
      if (set) for (const watch of set) watch.offer(change);
    }
  }

  /** Open watches, for tests and diagnostics. */
  count(): number {
    let n = 0;
    for (const set of this.watches.values()) n += set.size;
    return n;
  }

  remove(watch: Watch, resource: string): void {
    const set = this.watches.get(resource);
    set?.delete(watch);
    if (set && set.size === 0) this.watches.delete(resource);
  }
}

type CatchUp =
  | { kind: "state"; rows: Iterator<StateRow>; upto: number }
  | { kind: "history"; cursor: number; upto: number };

class Watch {
  readonly stream: ReadableStream<Uint8Array>;
  private readonly writer: WritableStreamDefaultWriter<ArrayBufferView>;
  private catchUp: CatchUp | null;
  private pending: Change[] = [];
  private lastRevision = 0;
  private lastSentAt = Date.now();
  /** Bytes written but not yet taken by the reader, and the write that settles last. */
  private unread = 0;
  private lastWrite: Promise<unknown> = Promise.resolve();
  private closed = false;
  private timers: ReturnType<typeof setTimeout>[] = [];
  private ticker?: ReturnType<typeof setInterval>;

  constructor(
    private readonly hub: WatchHub,
    private readonly source: WatchSource,
    private readonly request: WatchRequest,
  ) {
    const upto = source.revision();
    const { resource, filter } = request;
    this.catchUp =
      request.after === undefined
        ? { kind: "state", rows: source.stateAt(resource, filter.namespace, upto), upto }
        : { kind: "history", cursor: request.after, upto };
    // A native pipe rather than a JS ReadableStream: over RPC, a reader's cancel reaches a JS
    // stream's source neither at once nor on the next write, while the pipe's writer fails,
    // which is how a watch learns that its client has gone.
    const pipe = new IdentityTransformStream({ highWaterMark: 64 * 1024 });
    this.stream = pipe.readable;
    this.writer = pipe.writable.getWriter();
  }

  /** Once subscribed (so that no change is missed, and closing can unsubscribe). */
  start(): void {
    this.writer.closed.catch(() => this.close(false));
    this.timers.push(setTimeout(() => this.timeout(), watchLifetimeSeconds(this.request.timeoutSeconds) * 1000));
    void this.catchUpLoop();
  }

  /** A committed change: held while catching up, else sent if it is new and selected. */
  offer(change: Change): void {
    if (this.closed) return;
    if (this.catchUp) {
      this.pending.push(change);
      if (this.pending.length > maxPendingChanges) this.close(true);
      return;
    }
    this.forward([change]);
  }

  private forward(changes: Change[]): void {
    let out = "";
    for (const change of changes) {
      if (change.revision <= this.lastRevision) continue;
      this.lastRevision = change.revision;
      out += this.render(change);
    }
    this.send(out);
  }

  /** Catch up a chunk at a time as the reader takes them, so a large catch-up never piles up. */
  private async catchUpLoop(): Promise<void> {
    while (this.catchUp && !this.closed) {
      // Keep up to a window of output in flight, so the consumer's pace bounds what is read.
      if (this.unread > catchUpWindowBytes) await this.lastWrite;
      if (this.closed || !this.catchUp) return;
      const floor = this.catchUp.kind === "history" ? this.catchUp.cursor : this.catchUp.upto;
      const compacted = this.source.compactedRevision();
      if (floor < compacted) {
        this.expire(floor, compacted);
        return;
      }
      const out = this.catchUp.kind === "state" ? this.stateChunk(this.catchUp) : this.historyChunk(this.catchUp);
      if (out === null) this.goLive(this.catchUp.upto);
      else this.send(out);
    }
  }

  private stateChunk(c: { rows: Iterator<StateRow> }): string | null {
    let out = "";
    for (let i = 0; i < historyChunk; i++) {
      const next = c.rows.next();
      if (next.done) return i === 0 ? null : out;
      const row = next.value;
      if (this.request.filter.selective) {
        const object = JSON.parse(row.value) as KubeObject;
        if (!selects(this.request.filter, object)) continue;
      }
      out += line("ADDED", row.value);
    }
    return out;
  }

  private historyChunk(c: { cursor: number; upto: number }): string | null {
    const { resource, filter } = this.request;
    const changes = this.source.changesAfter(resource, filter.namespace, c.cursor, c.upto, historyChunk);
    if (changes.length === 0) return null;
    c.cursor = changes[changes.length - 1].revision;
    return changes.map((change) => this.render(change)).join("");
  }

  private goLive(upto: number): void {
    this.catchUp = null;
    // A watch from a future revision stays silent until the store passes it.
    this.lastRevision = Math.max(this.lastRevision, upto, this.request.after ?? 0);
    const pending = this.pending;
    this.pending = [];
    this.forward(pending);
    if (this.request.allowBookmarks) {
      const interval = this.hub.bookmarkIntervalMs;
      this.ticker = setInterval(() => {
        if (Date.now() - this.lastSentAt >= interval) this.bookmark();
      }, interval);
    }
  }

  /**
   * The event a change makes for this watch, or "" if none. With a selector, as the
   * apiserver's watch cache: entering the selection is ADDED, leaving it is DELETED with the
   * previous state at the change's revision.
   */
  private render(change: Change): string {
    const { filter } = this.request;
    if (filter.namespace !== undefined && change.namespace !== filter.namespace) return "";
    if (!filter.selective) return line(change.type, change.value);
    const now = change.type !== "DELETED" && selects(filter, change.object());
    const prev = change.prev();
    const before = prev !== null && selects(filter, prev);
    if (now) return line(before ? "MODIFIED" : "ADDED", change.value);
    if (!before || prev === null) return "";
    return line("DELETED", change.type === "DELETED" ? change.value : JSON.stringify(atRevision(prev, change.revision)));
  }

  private bookmark(): void {
    if (this.closed || this.catchUp) return;
    const type = this.source.typeOf(this.request.resource);
    const object = { ...type, metadata: { resourceVersion: String(this.source.revision()) } };
    this.send(line("BOOKMARK", JSON.stringify(object)));
  }

  private expire(requested: number, compacted: number): void {
    this.send(errorLine(410, "Expired", `too old resource version: ${requested} (${compacted})`));
    this.close(true);
  }

  private timeout(): void {
    if (this.request.allowBookmarks) this.bookmark();
    this.close(true);
  }

  private send(text: string): void {
    if (text === "" || this.closed) return;
    const bytes = encoder.encode(text);
    this.unread += bytes.byteLength;
    this.lastSentAt = Date.now();
    this.lastWrite = this.writer.write(bytes).then(
      () => {
        this.unread -= bytes.byteLength;
      },
      () => this.close(false),
    );
    if (this.unread > maxBufferedBytes) this.close(true);
  }

  /** Stop: unsubscribe, stop timers, and end the stream (after what is written) or abort it. */
  private close(endStream: boolean): void {
    if (this.closed) return;
    this.closed = true;
    for (const t of this.timers) clearTimeout(t);
    if (this.ticker !== undefined) clearInterval(this.ticker);
    this.pending = [];
    this.hub.remove(this, this.request.resource);
    const done = endStream ? this.writer.close() : this.writer.abort();
    done.catch(() => undefined);
  }
}

/**
 * `timeoutSeconds`, or as kube-apiserver does without one, a random 30 to 60 minutes: every
 * watch ends, so that one whose client vanished without a trace is not kept forever.
 */
function watchLifetimeSeconds(timeoutSeconds: number | undefined): number {
  if (timeoutSeconds !== undefined && timeoutSeconds > 0) return timeoutSeconds;
  return 1800 * (1 + Math.random());
}

function errorLine(code: number, reason: string, message: string): string {
  const status = { kind: "Status", apiVersion: "v1", metadata: {}, status: "Failure", message, reason, code };
  return line("ERROR", JSON.stringify(status));
}

function line(type: WatchEventType, objectJson: string): string {
  return `{"type":"${type}","object":${objectJson}}\n`;
}

/** A stream of one ERROR event carrying a failure Status, then the end. */
export function errorStream(code: number, reason: string, message: string): ReadableStream<Uint8Array> {
  const bytes = encoder.encode(errorLine(code, reason, message));
  return new ReadableStream<Uint8Array>({
    start(controller) {
      controller.enqueue(bytes);
      controller.close();
    },
  });
}
