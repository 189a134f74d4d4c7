/**
 * Applies a controller's actions through the registry, as kube-controller-manager's clients do
 * through the API server. Expected races are not failures: a delete of something already gone,
 * or a compare-and-swap lost to a newer write (the next pass sees the newer state).
 */
import { ApiError } from "../../lib/errors.js";
import type { Event, KubeObject, Stored } from "../../lib/types.js";
import type { Registry } from "../../registry/types.js";
import type { ResourceDef } from "../../resources/types.js";
import { recordEvents, type EventAction, type EventSource } from "../events.js";
import type { Action } from "../types.js";
import type { ObjectCache } from "./cache.js";

export interface ApplyDeps {
  registry: Registry;
  cache: ObjectCache;
  defFor(resource: string): ResourceDef;
  now: Date;
  source: EventSource;
}

export interface ApplyOutcome {
  /** Writes that failed for a reason other than a benign race (and creations skipped after one). */
  failed: { action: Action; error: string }[];
  /** Writes that lost a race (reconcile again soon); a lost creation must still lower expectations. */
  conflicts: Action[];
  /** Registry calls made (for the host's statistics). */
  writes: number;
}

type WriteAction = Exclude<Action, { type: "event" }>;
/** "ok", "conflict", or the error message. */
type Result = string;

/**
 * Apply `actions` in order, then record the events of the writes that succeeded. The first
 * `sum(createBatches)` pod creations are applied together, when the first of them is reached, in
 * consecutive parallel batches, stopping at the first batch with a failure (upstream's slow start).
 */
export async function applyActions(actions: Action[], createBatches: number[] | undefined, deps: ApplyDeps): Promise<ApplyOutcome> {
  const outcome: ApplyOutcome = { failed: [], conflicts: [], writes: 0 };
  const results = new Map<Action, Result>();
  const batched = batchedCreates(actions, createBatches ?? []);
  const events: EventAction[] = [];
  // An event directly after a write reports that write; drop it if the write failed.
  let lastWriteOk = true;

  for (const action of actions) {
    if (action.type === "event") {
      if (lastWriteOk) events.push(action);
      continue;
    }
    if (batched.has(action) && !results.has(action)) await applyBatches([...batched], createBatches ?? [], results, deps, outcome);
    if (action.type === "bind" && !results.has(action)) await applyBinds(bindRun(actions, action), results, deps, outcome);
    let r = results.get(action);
    if (r === undefined) {
      r = await applyOne(action, deps);
      outcome.writes++;
      results.set(action, r);
    }
    lastWriteOk = r === "ok";
    if (r === "conflict") outcome.conflicts.push(action);
    else if (r !== "ok") outcome.failed.push({ action, error: r });
  }
  outcome.writes += await recordAll(events, deps);
  return outcome;
}

function batchedCreates(actions: Action[], batches: number[]): Set<WriteAction> {
  let wanted = batches.reduce((a, b) => a + b, 0);
  const out = new Set<WriteAction>();
  for (const a of actions) {
    if (wanted <= 0) break;
    if (a.type === "create" && a.resource === "pods") {
      out.add(a);
      wanted--;
    }
  }
  return out;
}

async function applyBatches(creates: WriteAction[], batches: number[], results: Map<Action, Result>, deps: ApplyDeps, outcome: ApplyOutcome): Promise<void> {
  let offset = 0;
  let failed = false;
  for (const size of batches) {
    const batch = creates.slice(offset, offset + size);
    offset += size;
    if (failed) {
      for (const a of batch) results.set(a, "skipped after a failed batch");
      continue;
    }
    const rs = await Promise.all(batch.map((a) => applyOne(a, deps)));
    outcome.writes += batch.length;
    rs.forEach((r, i) => {
      results.set(batch[i], r);
      if (r !== "ok" && r !== "conflict") failed = true;
    });
  }
}

/** Binds are independent of each other: a run of them (events between allowed) is written together. */

function bindRun(actions: Action[], first: Action): WriteAction[] {
  const run: WriteAction[] = [];
  for (const a of actions.slice(actions.indexOf(first))) {
    if (a.type === "event") continue;
    if (a.type !== "bind") break;
    run.push(a);
  }
  return run;
}

/** The registry writes them in store transactions sized for SQLite's limits (`bindMany`). */
async function applyBinds(binds: WriteAction[], results: Map<Action, Result>, deps: ApplyDeps, outcome: ApplyOutcome): Promise<void> {
  const requests = binds.flatMap((a) => (a.type === "bind" ? [{ namespace: a.namespace, name: a.name, uid: a.uid, node: a.node }] : []));
  const answers = await deps.registry.bindMany(requests);
  outcome.writes += binds.length;
  answers.forEach(({ error }, j) => {
    // A pod bound or deleted meanwhile lost a race; the next pass sees it.
    results.set(binds[j], !error ? "ok" : /already assigned|not found|being deleted|Precondition/.test(error) ? "conflict" : error);
  });
}

async function applyOne(action: WriteAction, deps: ApplyDeps): Promise<Result> {
  try {
    if (action.type === "bind") {
      const binding = { apiVersion: "v1", kind: "Binding", metadata: { name: action.name, uid: action.uid }, target: { kind: "Node", name: action.node } };
      await deps.registry.bind(action.namespace, action.name, binding);
      return "ok";
    }
    const def = deps.defFor(action.resource);
    switch (action.type) {
      case "create":
        await deps.registry.create(def, action.namespace, action.object);
        break;
      case "update":
        await deps.registry.update(def, action.namespace, action.object.metadata.name ?? "", action.object, { subresource: action.subresource });
        break;
      case "updateStatus":
        await deps.registry.update(def, action.namespace, action.object.metadata.name ?? "", action.object, { subresource: "status" });
        break;
      case "patch":
        await deps.registry.patch(def, action.namespace, action.name, "merge", action.patch, { subresource: action.subresource });
        break;
      case "delete":
        await deps.registry.delete(def, action.namespace, action.name, {
          preconditions: action.uid ? { uid: action.uid } : undefined,
          propagationPolicy: action.propagationPolicy,
          gracePeriodSeconds: action.gracePeriodSeconds,
        });
        break;
    }
    return "ok";
  } catch (e) {
    if (e instanceof ApiError) {
      if (action.type === "delete" && e.code === 404) return "ok";
      if (e.code === 409) return "conflict";
      return `${e.code} ${e.reason}: ${e.message}`;
    }
    return e instanceof Error ? e.message : String(e);
  }
}

/** Numbers the Events this isolate names (see `recordEvents`). */
let eventSeq = 0;

/**
 * Events are best effort, as client-go's recorder: a failure is dropped, never retried in a loop.
 * The correlator's writes are folded per Event first, so that a pass reporting 500 creations
 * writes each aggregated Event once, with its final count, not 500 times.
 */
async function recordAll(events: EventAction[], deps: ApplyDeps): Promise<number> {
  if (!events.length) return 0;
  const byNamespace = new Map<string, EventAction[]>();
  for (const e of events) {
    const ns = e.involvedObject.metadata.namespace || "default";
    const group = byNamespace.get(ns);
    if (group) group.push(e);
    else byNamespace.set(ns, [e]);
  }
  let writes = 0;
  for (const [ns, group] of byNamespace) {
    const existing = deps.cache.list<Stored<Event>>("events", ns);
    const planned = recordEvents(group, existing, deps.source, deps.now, eventSeq);
    eventSeq = (eventSeq + group.length) % 1_000_000;
    const folded = foldEventWrites(planned);
    const drop = (error: string) => console.warn(`event dropped (${deps.source.component}): ${error}`);
    // New Events together, in store transactions: a pass that binds a thousand pods reports a
    // thousand `Scheduled` Events, which one by one would cost a thousand round trips.
    const creates = folded.flatMap((w) => (w.type === "create" ? [w.object] : []));
    if (creates.length) {
      const answers = await deps.registry.createMany(deps.defFor("events"), ns, creates);
      writes += creates.length;
      for (const { error } of answers) if (error) drop(error);
    }
    for (const write of folded) {
      if (write.type === "create") continue;
      const r = await applyOne(write, deps);
      writes++;
      if (r !== "ok" && r !== "conflict") drop(r);
    }
  }
  return writes;
}

/** Creations with the later patches of the same Event merged in, then one patch per other Event. */
export function foldEventWrites(writes: Action[]): WriteAction[] {
  const creates = new Map<string, KubeObject>();
  const patches = new Map<string, Extract<Action, { type: "patch" }>>();
  for (const w of writes) {
    if (w.type === "create") creates.set(`${w.namespace}/${w.object.metadata.name}`, w.object);
    else if (w.type === "patch") {
      const key = `${w.namespace}/${w.name}`;
      const created = creates.get(key);
      if (created) Object.assign(created, w.patch);
      else patches.set(key, { ...w, patch: { ...(patches.get(key)?.patch ?? {}), ...w.patch } });
    }
  }
  const out: WriteAction[] = [];
  for (const [key, object] of creates) out.push({ type: "create", resource: "events", namespace: key.slice(0, key.indexOf("/")), object });
  out.push(...patches.values());
  return out;
}
