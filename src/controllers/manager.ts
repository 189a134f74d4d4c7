/**
 * The Controller Durable Object: Skiff's kube-controller-manager (and the scheduler's host). It
 * sleeps until the store pokes it about a change or its alarm falls due, runs the controllers
 * over what changed, and sets its alarm to the earliest due time. A thin shell over
 * `ControllerHost` (src/controllers/host/run.ts).
 */
import { DurableObject } from "cloudflare:workers";
import { drizzle } from "drizzle-orm/durable-sqlite";
import bundle from "../../migrations/controllers/migrations.js";
import type { Env } from "../env.js";
import { createRegistry } from "../registry/registry.js";
import { storeFor } from "../registry/store-client.js";
import { resourceByKey } from "../resources/index.js";
import { applyMigrations } from "../store/migrate.js";
import { controllers } from "./host/adapters/index.js";
import { DueTable } from "./host/due-table.js";
import { ControllerHost, type Clock, type RunStats } from "./host/run.js";
import { randomSuffix } from "./pod-util.js";

const systemClock: Clock = { now: () => Date.now() };

export class ControllerManager extends DurableObject<Env> {
  /** Tests replace this to move time (`runInDurableObject`); everything else reads it. */
  clock: Clock = systemClock;
  private readonly table: DueTable;
  private readonly host: ControllerHost;
  private running: Promise<void> | undefined;
  lastRun: RunStats | undefined;

  constructor(ctx: DurableObjectState, env: Env) {
    super(ctx, env);
    const db = drizzle(ctx.storage);
    ctx.blockConcurrencyWhile(async () => applyMigrations(ctx.storage, bundle));
    this.table = new DueTable(db);
    const clock: Clock = { now: () => this.clock.now() };
    this.host = new ControllerHost({
      store: storeFor(env),
      registry: createRegistry(storeFor(env), { env, now: () => new Date(clock.now()) }),
      table: this.table,
      clock,
      controllers,
      defFor: resourceByKey,
      randomSuffix,
    });
  }

  /** The store committed `revision`: run soon unless this host has already seen it. */
  async poke(revision: number): Promise<void> {
    if (revision <= this.host.handledRevision()) return;
    const alarm = await this.ctx.storage.getAlarm();
    if (alarm === null || alarm > Date.now()) await this.ctx.storage.setAlarm(Date.now());
  }

  override async alarm(): Promise<void> {
    await this.runOnce();
  }

  /** Run now (tests, and the alarm); concurrent callers share one run. */
  async runOnce(): Promise<RunStats> {
    const stats: RunStats = { rounds: 0, reconciles: 0, actions: 0, failures: 0 };
    this.running ??= (async () => {
      try {
        const next = await this.host.run(stats);
        await this.setAlarmFor(next);
      } finally {
        this.running = undefined;
      }
    })();
    await this.running;
    this.lastRun = stats;
    return stats;
  }

  /** The alarm runs on real time; due times are on the (possibly moved) clock. */
  private async setAlarmFor(dueAt: number | undefined): Promise<void> {
    if (dueAt === undefined) return this.ctx.storage.deleteAlarm();
    const delay = Math.max(0, dueAt - this.clock.now());
    await this.ctx.storage.setAlarm(Date.now() + delay);
  }
}
