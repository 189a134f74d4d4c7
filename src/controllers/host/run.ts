/**
 * One run of the controller host, as the Controller Durable Object's alarm calls it: catch up on
 * the store's changes since the last revision handled (or relist), collect the keys that changed
 * or fell due, reconcile them, apply the actions, and say when to wake next. A missed poke costs
 * latency, never correctness: due times and the periodic resync cover the rest.
 */
import type { Registry } from "../../registry/types.js";
import { toApiError } from "../../registry/store-client.js";
import type { ResourceDef } from "../../resources/types.js";
import type { Store } from "../../store/types.js";
import { applyActions } from "./apply.js";
import { ObjectCache } from "./cache.js";
import type { Controller } from "./controller.js";
import type { Action } from "../types.js";
import type { DueTable } from "./due-table.js";

/** Reconcile everything this often even without changes, as informers' resync does. */
export const RESYNC_MS = 5 * 60 * 1000;
/** A key whose write lost a race is looked at again this soon. */
const CONFLICT_RETRY_MS = 1000;
/** A key whose writes failed backs off from here, doubling, up to the cap (as workqueue's rate limiter). */
const FAILURE_BACKOFF_MS = 5000;
const FAILURE_BACKOFF_CAP_MS = 5 * 60 * 1000;
/** Follow-up rounds in one run, so that a chain (Deployment → ReplicaSet → Pods) settles at once. */
const MAX_ROUNDS = 8;
/**
 * No new round once a run has written this much: a run holds the alarm, and a backlog (thousands
 * of pods to bind) is better worked off in several runs, with API requests served in between,
 * than in one that takes many seconds. What is left is due at once.
 */
const RUN_WRITE_BUDGET = 2_000;
/** Changes read per `Store.changes` call. */
const CHANGES_PAGE = 1000;

export interface Clock {
  now(): number;
}

export interface HostDeps {
  store: Store;
  registry: Registry;
  table: DueTable;
  clock: Clock;
  controllers: Controller[];
  defFor(resource: string): ResourceDef;
  randomSuffix(): string;
  /** Told after each key's reconcile and writes: the actions asked for and their wall time (metrics). */
  onReconciled?(controller: string, actions: readonly Action[], seconds: number): void;
}

export interface RunStats {
  rounds: number;
  reconciles: number;
  actions: number;
  /** Registry writes made (each is one or more store calls). */
  writes: number;
  failures: number;
  /** Store changes folded into the cache. */
  changes: number;
}

export function emptyStats(): RunStats {
  return { rounds: 0, reconciles: 0, actions: 0, writes: 0, failures: 0, changes: 0 };
}

type Dirty = Map<Controller, Set<string>>;

export class ControllerHost {
  readonly cache = new ObjectCache();
  private revision = 0;
  private synced = false;
  private lastResync = 0;
  /** Each controller's scratch state, mirrored from SQLite; written through before acting. */
  private readonly states = new Map<string, unknown>();
  private readonly unsaved = new Set<string>();

  constructor(private readonly deps: HostDeps) {}

  private resources(): string[] {
    return [...new Set(this.deps.controllers.flatMap((c) => c.resources))];
  }

  /** The revision this host has handled; a poke at or below it needs no run. */
  handledRevision(): number {
    return this.synced ? this.revision : -1;
  }

  /** One run; returns the clock time at which to run next (a due key, or the next resync). */
  async run(stats: RunStats = emptyStats()): Promise<number> {
    const { table, clock, controllers } = this.deps;
    let dirty: Dirty = new Map();
    const add = (c: Controller, key: string) => {
      let keys = dirty.get(c);
      if (!keys) dirty.set(c, (keys = new Set()));
      keys.add(key);
    };

    if (!this.synced) await this.relist(add);
    else await this.catchUp(add, stats);
    const now = clock.now();
    for (const dueKey of table.takeDue(now)) {
      const [name, key] = splitDueKey(dueKey);
      const c = controllers.find((x) => x.name === name);
      if (c) add(c, key);
    }
    if (now - this.lastResync >= RESYNC_MS) {
      this.lastResync = now;
      for (const c of controllers) for (const key of c.allKeys(this.cache)) add(c, key);
    }

    for (let round = 0; round < MAX_ROUNDS && dirty.size && stats.writes < RUN_WRITE_BUDGET; round++) {
      stats.rounds++;
      const work = dirty;
      dirty = new Map();
      // In the host's controller order, so that one round carries a change down a chain.
      for (const c of controllers) {
        for (const key of work.get(c) ?? []) await this.reconcileKey(c, key, stats);
      }
      await this.catchUp(add, stats);
    }
    // Whatever is still dirty after the last round (or past the budget) runs again right away.
    for (const [c, keys] of dirty) for (const key of keys) table.schedule(dueKeyOf(c, key), clock.now());
    // Wake for the next resync even when nothing is due: what a lost poke missed is found then.
    return Math.min(table.earliest() ?? Infinity, this.lastResync + RESYNC_MS);
  }

  private stateOf(c: Controller): unknown {
    if (!this.states.has(c.name)) this.states.set(c.name, this.deps.table.get(stateKeyOf(c)));
    return this.states.get(c.name);
  }

  private setState(c: Controller, state: unknown): void {
    if (state === undefined || state === this.stateOf(c)) return;
    this.states.set(c.name, state);
    this.unsaved.add(c.name);
  }

  private flushStates(): void {
    for (const c of this.deps.controllers) {
      if (this.unsaved.delete(c.name)) this.deps.table.set(stateKeyOf(c), this.states.get(c.name));
    }
  }

  private async reconcileKey(c: Controller, key: string, stats: RunStats): Promise<void> {
    // Wall time: workerd's clock moves only across I/O, so this is mostly the writes' round trips.
    const started = Date.now();
    const actions = await this.reconcileAndApply(c, key, stats);
    this.deps.onReconciled?.(c.name, actions, (Date.now() - started) / 1000);
  }

  /** Returns the actions the reconcile asked for. */
  private async reconcileAndApply(c: Controller, key: string, stats: RunStats): Promise<readonly Action[]> {
    const { table, clock, registry, defFor } = this.deps;
    const now = new Date(clock.now());
    const result = c.reconcile(key, { cache: this.cache, now, state: this.stateOf(c), randomSuffix: this.deps.randomSuffix });
    stats.reconciles++;
    this.setState(c, result.state);
    // Expectations are durable before the writes they anticipate.
    this.flushStates();
    for (const r of result.requeue ?? []) table.schedule(dueKeyOf(c, r.key), r.at);
    if (!result.actions.length) return result.actions;
    stats.actions += result.actions.length;
    const outcome = await applyActions(result.actions, result.createBatches, {
      registry,
      cache: this.cache,
      defFor,
      now,
      source: { component: c.component ?? `${c.name}-controller` },
    });
    stats.writes += outcome.writes;
    // Creations that did not happen will never be observed: let the controller stop waiting.
    const lost = [...outcome.failed.map((f) => f.action), ...outcome.conflicts.filter((a) => a.type === "create")];
    if (lost.length && c.actionFailed) {
      let state = this.stateOf(c);
      for (const action of lost) state = c.actionFailed(action, state) ?? state;
      this.setState(c, state);
      this.flushStates();
    }
    const failureKey = `failures:${c.name}:${key}`;
    if (outcome.failed.length) {
      stats.failures += outcome.failed.length;
      // Back off on a failing key instead of looping on it.
      const failures = (table.get<number>(failureKey) ?? 0) + 1;
      table.set(failureKey, failures);
      table.schedule(dueKeyOf(c, key), clock.now() + Math.min(FAILURE_BACKOFF_MS * 2 ** (failures - 1), FAILURE_BACKOFF_CAP_MS));
      console.warn(`controller ${c.name} ${key}: ${outcome.failed.map((f) => f.error).join("; ")}`);
    } else if (table.get<number>(failureKey)) {
      table.set(failureKey, 0);
    }
    if (outcome.conflicts.length) table.schedule(dueKeyOf(c, key), clock.now() + CONFLICT_RETRY_MS);
    return result.actions;
  }

  private async relist(add: (c: Controller, key: string) => void): Promise<void> {
    const { store, controllers } = this.deps;
    const revision = await store.currentRevision();
    for (const resource of this.resources()) {
      const items = [];
      let cont: string | undefined;
      do {
        const page = await store.list(resource, { limit: 500, continue: cont });
        if (!page.ok) throw toApiError(page.error, { kind: resource });
        items.push(...page.value.items);
        cont = page.value.continue;
      } while (cont);
      this.cache.reset(resource, items);
    }
    this.revision = revision;
    this.synced = true;
    for (const c of controllers) for (const key of c.allKeys(this.cache)) add(c, key);
  }

  private async catchUp(add: (c: Controller, key: string) => void, stats: RunStats): Promise<void> {
    const { store, controllers } = this.deps;
    const resources = this.resources();
    for (;;) {
      const result = await store.changes(this.revision, { resources, limit: CHANGES_PAGE });
      if (!result.ok) {
        if (result.error.reason !== "Expired") throw toApiError(result.error, {});
        this.synced = false;
        return this.relist(add);
      }
      stats.changes += result.value.events.length;
      for (const event of result.value.events) {
        const previous = this.cache.apply(event.resource, event.type, event.object);
        for (const c of controllers) {
          if (!c.resources.includes(event.resource)) continue;
          if (c.observe) this.setState(c, c.observe(event.resource, event.type, event.object, previous, this.stateOf(c)));
          for (const key of c.keysFor(event.resource, event.object, previous, this.cache)) add(c, key);
        }
      }
      this.flushStates();
      this.revision = result.value.revision;
      if (!result.value.more) return;
    }
  }
}

function stateKeyOf(c: Controller): string {
  return `state:${c.name}`;
}

function dueKeyOf(c: Controller, key: string): string {
  return `${c.name}|${key}`;
}

function splitDueKey(dueKey: string): [string, string] {
  const i = dueKey.indexOf("|");
  return [dueKey.slice(0, i), dueKey.slice(i + 1)];
}
