/**
 * How the host drives a controller: which resources it reads, which keys a change makes dirty,
 * and the reconcile of one key. Adapters (src/controllers/host/adapters/*.ts) wrap each pure core
 * in this shape; the host does all I/O.
 */
import type { Stored } from "../../lib/types.js";
import type { Action, Requeue } from "../types.js";
import type { ChangeType, ObjectCache } from "./cache.js";

export interface ReconcileContext {
  cache: ObjectCache;
  now: Date;
  /** This controller's persisted scratch state (e.g. expectations); replace it via the result. */
  state: unknown;
  /** Five random characters, for names the controller chooses. */
  randomSuffix(): string;
}

export interface ReconcileResult {
  actions: Action[];
  requeue?: Requeue[];
  /** New scratch state to persist before the actions are applied. */
  state?: unknown;
  /**
   * Apply the first `sum(createBatches)` pod creations in these consecutive parallel batch sizes,
   * when the first of them is reached, stopping at the first batch with a failure (upstream's slow
   * start). Other actions are applied in order.
   */
  createBatches?: number[];
}

export interface Controller {
  name: string;
  /** Events' `source.component`; `<name>-controller` unless set (the scheduler's is `default-scheduler`). */
  component?: string;
  /** Store resources (`pods`, `deployments.apps`) the controller reads from the cache. */
  resources: string[];
  /**
   * Keys (`<resource>/<namespace>/<name>`, see keys.ts) to reconcile after `obj` changed; the cache
   * already holds the change (a deleted object is gone from it); `previous` is its former state.
   */
  keysFor(resource: string, obj: Stored, previous: Stored | undefined, cache: ObjectCache): string[];
  /**
   * Fold an observed change into the scratch state (e.g. lower expectations when a pod this
   * controller created appears); returns the new state, or undefined to leave it as it is.
   */
  observe?(resource: string, type: ChangeType, obj: Stored, previous: Stored | undefined, state: unknown): unknown;
  /** Every key, for the periodic resync. */
  allKeys(cache: ObjectCache): string[];
  reconcile(key: string, ctx: ReconcileContext): ReconcileResult;
  /** Called when an action of this controller failed, so that it can lower expectations. */
  actionFailed?(action: Action, state: unknown): unknown;
}
