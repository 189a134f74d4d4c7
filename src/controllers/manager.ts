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
import { createControllers } from "./host/adapters/index.js";
import { selectControllers } from "./host/selection.js";
import { countingStore, type StoreCounter } from "./host/counting-store.js";
import { DueTable } from "./host/due-table.js";
import { ControllerHost, emptyStats, type Clock, type RunStats } from "./host/run.js";
import { randomSuffix } from "./pod-util.js";
import { ControllerMetrics } from "../metrics/controllers.js";
import type { MetricFamily } from "../metrics/exposition.js";

const systemClock: Clock = { now: () => Date.now() };
/** Prefix of the log line each working run prints (JSON `RunReport` follows). */
export const RUN_LOG_PREFIX = "skiff-controllers-run";

/** One run's figures: the host's counts, store round trips, and wall time. */
export interface RunReport extends RunStats {
  storeCalls: number;
  /**
   * Wall-clock ms of the run. workerd advances its clock only across I/O, so this is CPU plus
   * store round trips, not CPU alone.
   */
  durationMs: number;
}

export class ControllerManager extends DurableObject<Env> {
  /** Tests replace this to move time (`runInDurableObject`); everything else reads it. */
  clock: Clock = systemClock;
  private readonly host: ControllerHost;
  private readonly counter: StoreCounter = { calls: 0 };
  private running: Promise<RunReport> | undefined;
  /** Reconciles, scheduling attempts and run times since this object started (`/metrics`). */
  private readonly controllerMetrics = new ControllerMetrics();

  constructor(ctx: DurableObjectState, env: Env) {
    super(ctx, env);
    const db = drizzle(ctx.storage);
    ctx.blockConcurrencyWhile(async () => applyMigrations(ctx.storage, bundle));
    const clock: Clock = { now: () => this.clock.now() };
    const store = countingStore(storeFor(env), this.counter);
    const { controllers, unknown } = selectControllers(createControllers(), env.ENABLED_CONTROLLERS);
    if (unknown.length) console.warn(`ENABLED_CONTROLLERS names unknown controllers: ${unknown.join(", ")}`);
    this.host = new ControllerHost({
      store,
      registry: createRegistry(store, { env, now: () => new Date(clock.now()) }),
      table: new DueTable(db),
      clock,
      controllers,
      defFor: resourceByKey,
      randomSuffix,
      onReconciled: (controller, actions, seconds) => this.controllerMetrics.reconciled(controller, actions, seconds),
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
  async runOnce(): Promise<RunReport> {
    this.running ??= this.runAndArm().finally(() => {
      this.running = undefined;
    });
    return this.running;
  }

  /** Cluster-wide controller and scheduler figures for `/metrics` (src/metrics/controllers.ts). */
  async metrics(): Promise<MetricFamily[]> {
    return this.controllerMetrics.families();
  }

  private async runAndArm(): Promise<RunReport> {
    const started = Date.now();
    const callsBefore = this.counter.calls;
    const stats = emptyStats();
    const next = await this.host.run(stats);
    await this.setAlarmFor(next);
    const report: RunReport = { ...stats, storeCalls: this.counter.calls - callsBefore, durationMs: Date.now() - started };
    this.controllerMetrics.observeRun(report.durationMs / 1000);
    // One structured line per run that did work: what bench/controllers.mjs reads.
    if (report.reconciles > 0) console.log(`${RUN_LOG_PREFIX} ${JSON.stringify(report)}`);
    return report;
  }

  /** The alarm runs on real time; due times are on the (possibly moved) clock. */
  private async setAlarmFor(dueAt: number): Promise<void> {
    const delay = Math.max(0, dueAt - this.clock.now());
    await this.ctx.storage.setAlarm(Date.now() + delay);
  }
}
