/**
 * The ClusterStore Durable Object: the etcd of Skiff (DESIGN.md). A thin shell over the revision
 * log, lists, watches, claims and compaction; every method is an RPC of the `Store` contract.
 */
import { DurableObject } from "cloudflare:workers";
import { drizzle } from "drizzle-orm/durable-sqlite";
import { desc, eq } from "drizzle-orm";
import migrations from "../../migrations/migrations.js";
import type { Env } from "../env.js";
import type { KubeObject, Stored } from "../lib/types.js";
import { claimedValues } from "./claims.js";
import type { Db } from "./db.js";
import { compactUpTo, compactionTarget, loadCompactedRevision, type CompactionWindow } from "./compaction.js";
import { StoreFailure, attempt, fail } from "./failure.js";
import { compileFilter } from "./filter.js";
import { list } from "./list.js";
import { decode, parseRevision } from "./objects.js";
import { applyMigrations } from "./migrate.js";
import { RevisionLog } from "./revision-log.js";
import * as schema from "./schema.js";
import { scanState } from "./state-scan.js";
import type {
  ChangesResult,
  Claim,
  CompactionResult,
  ListOptions,
  ListResult,
  Store,
  StoreResult,
  WatchOptions,
  WriteOp,
} from "./types.js";
import { WatchHub, errorStream } from "./watch.js";
import { countObjects, storeFamilies } from "../metrics/store.js";
import type { MetricFamily } from "../metrics/exposition.js";

const defaults = { keepRevisions: 10_000, keepSeconds: 3600, intervalSeconds: 300 };

export class ClusterStore extends DurableObject<Env> implements Store {
  private readonly db: Db;
  private log!: RevisionLog;
  private compacted = 0;
  /** Whether a compaction alarm is set; mirrors storage so a write costs no alarm read. */
  private alarmSet = false;
  /** The newest revision the controller manager is to hear of, and whether a poke is in flight. */
  private pokeWanted = 0;
  private poking = false;
  private readonly types = new Map<string, { kind?: string; apiVersion?: string }>();
  /** Open watches; not part of the RPC surface (tests reach it through runInDurableObject). */
  readonly watches: WatchHub;

  constructor(ctx: DurableObjectState, env: Env) {
    super(ctx, env);
    this.db = drizzle(ctx.storage, { schema });
    this.watches = new WatchHub({
      revision: () => this.log.revision,
      compactedRevision: () => this.compacted,
      stateAt: (resource, namespace, revision) =>
        scanState(this.db, { resource, namespace, revision, isNewest: () => revision === this.log.revision }),
      changesAfter: (resource, namespace, after, upto, limit) =>
        this.log.changesAfter(resource, namespace, after, upto, limit),
      typeOf: (resource) => this.typeOf(resource),
    });
    void ctx.blockConcurrencyWhile(async () => {
      applyMigrations(ctx.storage, migrations);
      this.log = new RevisionLog(ctx.storage, this.db);
      this.compacted = loadCompactedRevision(this.db);
      this.alarmSet = (await ctx.storage.getAlarm()) !== null;
    });
  }

  async get(resource: string, namespace: string, name: string): Promise<Stored | null> {
    return this.log.get(resource, namespace, name);
  }

  async getMany(resource: string, keys: { namespace: string; name: string }[]): Promise<(Stored | null)[]> {
    return keys.map((k) => this.log.get(resource, k.namespace, k.name));
  }

  async list(resource: string, options: ListOptions): Promise<StoreResult<ListResult>> {
    return attempt(() => list(this.db, resource, options, { current: this.log.revision, compacted: this.compacted }));
  }

  async create(resource: string, object: KubeObject, claims?: Claim[]): Promise<StoreResult<Stored>> {
    return first(await this.write([{ op: "create", resource, object, claims }], false));
  }

  async update(
    resource: string,
    object: KubeObject,
    options?: { claims?: Claim[]; releases?: Claim[] },
  ): Promise<StoreResult<Stored>> {
    return first(await this.write([{ op: "update", resource, object, ...options }], false));
  }

  async delete(
    resource: string,
    namespace: string,
    name: string,
    options?: { preconditions?: { uid?: string; resourceVersion?: string }; releases?: Claim[] },
  ): Promise<StoreResult<Stored>> {
    return first(await this.write([{ op: "delete", resource, namespace, name, ...options }], false));
  }

  async transaction(ops: WriteOp[]): Promise<StoreResult<Stored[]>> {
    return this.write(ops, true);
  }

  async watch(resource: string, options: WatchOptions): Promise<ReadableStream<Uint8Array>> {
    try {
      const filter = compileFilter(options);
      const rv = options.resourceVersion ?? "";
      const after = rv === "" || rv === "0" ? undefined : parseRevision(rv);
      return this.watches.open({
        resource,
        filter,
        after,
        allowBookmarks: options.allowWatchBookmarks === true,
        timeoutSeconds: options.timeoutSeconds,
      });
    } catch (e) {
      // A stream has no result to fail with: a bad request becomes a 400 ERROR event. (The
      // registry can parse selectors first to answer with an HTTP 400 instead.)
      if (e instanceof StoreFailure) return errorStream(400, "BadRequest", e.message);
      throw e;
    }
  }

  async changes(after: number, options?: { resources?: string[]; limit?: number }): Promise<StoreResult<ChangesResult>> {
    return attempt(() => {
      if (after < this.compacted) fail("Expired", `too old resource version: ${after} (${this.compacted})`);
      const limit = options?.limit && options.limit > 0 ? options.limit : 500;
      const found = this.log.changesOf(after, options?.resources, limit + 1);
      const more = found.length > limit;
      const page = more ? found.slice(0, limit) : found;
      return {
        events: page.map((c) => ({ type: c.type, resource: c.resource, object: decode(c.value) })),
        // With nothing cut off, the caller has seen everything up to now.
        revision: more ? page[page.length - 1].revision : this.log.revision,
        more,
      };
    });
  }

  async claimed(pool: string): Promise<string[]> {
    return claimedValues(this.db, pool);
  }

  async currentRevision(): Promise<number> {
    return this.log.revision;
  }

  /** Cluster-wide figures for `/metrics` (src/metrics/store.ts). */
  async metrics(): Promise<MetricFamily[]> {
    return storeFamilies({
      revision: this.log.revision,
      compactedRevision: this.compacted,
      watches: this.watches.count(),
      objects: countObjects(this.db),
    });
  }

  async compact(options?: { keepRevisions?: number; keepSeconds?: number }): Promise<CompactionResult> {
    const window = this.window();
    return this.compactNow({
      keepRevisions: options?.keepRevisions ?? window.keepRevisions,
      keepSeconds: options?.keepSeconds ?? window.keepSeconds,
    }).result;
  }

  override async alarm(): Promise<void> {
    this.alarmSet = false;
    // History still inside the time window becomes compactable later: come back for it. An
    // idle cluster with nothing left to compact sets no alarm and stays asleep.
    if (this.compactNow(this.window()).heldByTime) await this.scheduleCompaction();
  }

  private async write(ops: WriteOp[], indexed: boolean): Promise<StoreResult<Stored[]>> {
    const written = attempt(() => this.log.write(ops, indexed));
    if (!written.ok) return written;
    const { results, changes } = written.value;
    if (changes.length > 0) {
      this.watches.publish(changes);
      this.pokeControllers(this.log.revision);
      await this.scheduleCompaction();
    }
    return { ok: true, value: results };
  }

  /**
   * Tell the controller manager that `revision` is committed, off the write path: at most one
   * poke in flight, the rest coalesced into one for the newest revision. A lost poke costs the
   * controllers latency only (their alarm and resync catch up).
   */
  private pokeControllers(revision: number): void {
    this.pokeWanted = Math.max(this.pokeWanted, revision);
    if (this.poking) return;
    this.poking = true;
    this.ctx.waitUntil(this.sendPokes());
  }

  private async sendPokes(): Promise<void> {
    const ns = this.env.CONTROLLERS;
    try {
      for (let sent = 0; this.pokeWanted > sent; ) {
        sent = this.pokeWanted;
        await ns.get(ns.idFromName(this.env.CLUSTER_NAME ?? "default")).poke(sent);
      }
    } catch (e) {
      console.warn(`poking the controller manager failed: ${e instanceof Error ? e.message : String(e)}`);
    } finally {
      this.poking = false;
    }
  }

  private compactNow(window: CompactionWindow): { result: CompactionResult; heldByTime: boolean } {
    const current = this.log.revision;
    const target = compactionTarget(this.db, current, this.compacted, window, Date.now());
    const heldByTime = target < current - window.keepRevisions;
    if (target <= this.compacted) return { result: { compactRevision: this.compacted, deletedRows: 0 }, heldByTime };
    const deletedRows = compactUpTo(this.db, this.compacted, target);
    this.compacted = target;
    return { result: { compactRevision: target, deletedRows }, heldByTime };
  }

  private async scheduleCompaction(): Promise<void> {
    if (this.alarmSet) return;
    this.alarmSet = true;
    const interval = envNumber(this.env.COMPACT_INTERVAL_SECONDS, defaults.intervalSeconds);
    await this.ctx.storage.setAlarm(Date.now() + interval * 1000);
  }

  private window(): CompactionWindow {
    return {
      keepRevisions: envNumber(this.env.COMPACT_KEEP_REVISIONS, defaults.keepRevisions),
      keepSeconds: envNumber(this.env.COMPACT_KEEP_SECONDS, defaults.keepSeconds),
    };
  }

  /** `kind`/`apiVersion` of a resource's objects (for BOOKMARKs), from any stored object. */
  private typeOf(resource: string): { kind?: string; apiVersion?: string } {
    const known = this.types.get(resource);
    if (known) return known;
    const row =
      this.db
        .select({ value: schema.current.value })
        .from(schema.current)
        .where(eq(schema.current.resource, resource))
        .limit(1)
        .get() ??
      this.db
        .select({ value: schema.log.value })
        .from(schema.log)
        .where(eq(schema.log.resource, resource))
        .orderBy(desc(schema.log.revision))
        .limit(1)
        .get();
    if (!row) return {};
    const { kind, apiVersion } = JSON.parse(row.value) as KubeObject;
    const type = { kind, apiVersion };
    this.types.set(resource, type);
    return type;
  }
}

function first(result: StoreResult<Stored[]>): StoreResult<Stored> {
  return result.ok ? { ok: true, value: result.value[0] } : result;
}

function envNumber(value: string | undefined, fallback: number): number {
  if (value === undefined || value.trim() === "") return fallback;
  const n = Number(value);
  return Number.isFinite(n) && n >= 0 ? n : fallback;
}
