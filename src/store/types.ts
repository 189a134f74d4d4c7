/**
 * The Store contract: what the ClusterStore Durable Object offers over RPC. The store knows
 * nothing of kinds' rules; it stores, versions and notifies (DESIGN.md). `resource` is a
 * group-qualified plural as Kubernetes prints a GroupResource: `pods`, `deployments.apps`,
 * `leases.coordination.k8s.io`. `namespace` is "" for cluster-scoped objects.
 *
 * Methods return a `StoreResult` instead of throwing, because an Error's class and fields do not
 * survive a Durable Object RPC boundary; `src/registry/store-client.ts` turns failures back into
 * `ApiError`s.
 */
import type { KubeObject, Stored } from "../lib/types.js";

export type StoreErrorReason =
  /** No such object (get/update/delete). */
  | "NotFound"
  /** create of a name that exists. */
  | "AlreadyExists"
  /** resourceVersion or uid precondition failed. */
  | "Conflict"
  /** The requested revision (list/watch/continue) has been compacted. */
  | "Expired"
  /** A claim (e.g. a clusterIP) is already held by another object. */
  | "Claimed"
  /** Malformed request to the store: bad selector, bad continue token, future revision. */
  | "BadRequest";

export interface StoreError {
  reason: StoreErrorReason;
  message: string;
  /** For `Claimed`: which claim failed. */
  claim?: Claim;
  /** For `NotFound` / `AlreadyExists` / `Conflict` in a transaction: which op failed. */
  opIndex?: number;
}

export type StoreResult<T> = { ok: true; value: T } | { ok: false; error: StoreError };

/** A unique value held by an object, e.g. `{pool: "clusterIP", value: "10.96.0.10"}`. */
export interface Claim {
  pool: string;
  value: string;
}

export interface ListOptions {
  /** Omit for all namespaces. */
  namespace?: string;
  /** Kubernetes label selector syntax, e.g. `app=web,tier in (a,b),!legacy`. */
  labelSelector?: string;
  /** Kubernetes field selector syntax over dotted paths, e.g. `metadata.name=x,spec.nodeName!=`. */
  fieldSelector?: string;
  /** Page size; 0 or absent means everything. */
  limit?: number;
  /** Opaque token from a previous page; lists at that page's revision. */
  continue?: string;
  /**
   * "" or absent or "0": the newest state. "N": the state at revision N exactly
   * (410 Expired if compacted). Kubernetes' default semantics for lists without
   * resourceVersionMatch ("not older than N") are met by reading the newest state.
   */
  resourceVersion?: string;
  /** `Exact` lists at the given revision; `NotOlderThan` (default) reads the newest. */
  resourceVersionMatch?: "Exact" | "NotOlderThan";
}

export interface ListResult<T extends KubeObject = KubeObject> {
  items: Stored<T>[];
  /** The revision the list was read at. */
  resourceVersion: string;
  /** Set when more items remain. */
  continue?: string;
  remainingItemCount?: number;
}

export interface WatchOptions {
  namespace?: string;
  labelSelector?: string;
  fieldSelector?: string;
  /**
   * Absent, "" or "0": synthetic ADDED events for every existing object, then changes.
   * "N": only changes after revision N (410 `Expired` ERROR event if N was compacted).
   */
  resourceVersion?: string;
  /** Send `BOOKMARK` events (with the current revision) periodically and before closing. */
  allowWatchBookmarks?: boolean;
  /** Close the stream after this many seconds (absent: 30 to 60 minutes, as kube-apiserver). */
  timeoutSeconds?: number;
}

export type WatchEventType = "ADDED" | "MODIFIED" | "DELETED" | "BOOKMARK" | "ERROR";

/** One line of a watch stream. BOOKMARK objects carry only `metadata.resourceVersion`. */
export interface WatchEvent {
  type: WatchEventType;
  object: KubeObject;
}

export type WriteOp =
  | { op: "create"; resource: string; object: KubeObject; claims?: Claim[] }
  | {
      op: "update";
      resource: string;
      /** Compare-and-swap on `object.metadata.resourceVersion`, which must be set. */
      object: KubeObject;
      claims?: Claim[];
      releases?: Claim[];
    }
  | {
      op: "delete";
      resource: string;
      namespace: string;
      name: string;
      preconditions?: { uid?: string; resourceVersion?: string };
      releases?: Claim[];
    };

/** One committed change, for the controller host's catch-up (`Store.changes`). */
export interface ChangeEvent {
  type: "ADDED" | "MODIFIED" | "DELETED";
  resource: string;
  /** The new state; for DELETED the last state with the deletion's resourceVersion. */
  object: Stored;
}

export interface ChangesResult {
  events: ChangeEvent[];
  /** The revision the caller has now seen: the last event's, or the current one if none. */
  revision: number;
  /** More changes follow (the page was cut at `limit`). */
  more: boolean;
}

export interface CompactionResult {
  /** Everything at or below this revision that is superseded or deleted is gone. */
  compactRevision: number;
  deletedRows: number;
}

export interface Store {
  /** The newest state of one object, or null. */
  get(resource: string, namespace: string, name: string): Promise<Stored | null>;

  /** Several objects of a kind in one call (the scheduler's batch of binds), in the order asked. */
  getMany(resource: string, keys: { namespace: string; name: string }[]): Promise<(Stored | null)[]>;

  list(resource: string, options: ListOptions): Promise<StoreResult<ListResult>>;

  /**
   * Create. The store sets `metadata.uid` (unless the registry already chose one),
   * `creationTimestamp`, `resourceVersion`, and the name from `generateName` (plus 5 random
   * characters) when `name` is empty. The object is stored as
   * given otherwise (the registry has already defaulted and validated it).
   */
  create(resource: string, object: KubeObject, claims?: Claim[]): Promise<StoreResult<Stored>>;

  /** Compare-and-swap on `object.metadata.resourceVersion` (required). */
  update(
    resource: string,
    object: KubeObject,
    options?: { claims?: Claim[]; releases?: Claim[] },
  ): Promise<StoreResult<Stored>>;

  /** Remove the object; returns its last state with the deletion's resourceVersion. */
  delete(
    resource: string,
    namespace: string,
    name: string,
    options?: { preconditions?: { uid?: string; resourceVersion?: string }; releases?: Claim[] },
  ): Promise<StoreResult<Stored>>;

  /** All or nothing, in one SQLite transaction; results in op order. */
  transaction(ops: WriteOp[]): Promise<StoreResult<Stored[]>>;

  /**
   * A stream of newline-delimited JSON `WatchEvent`s. If `resourceVersion` has been compacted,
   * the stream carries one `ERROR` event whose object is a 410 `Expired` Status, then closes.
   */
  watch(resource: string, options: WatchOptions): Promise<ReadableStream<Uint8Array>>;

  /**
   * Committed changes after `after`, oldest first, of the named resources (all if omitted), at
   * most `limit` (default 500). `Expired` if `after` is below the compacted revision: the caller
   * must relist. This is how the controller host catches up after a poke or alarm.
   */
  changes(after: number, options?: { resources?: string[]; limit?: number }): Promise<StoreResult<ChangesResult>>;

  /** Values held in a claim pool (e.g. every allocated nodePort). */
  claimed(pool: string): Promise<string[]>;

  /** The newest revision. */
  currentRevision(): Promise<number>;

  /** Compact now (the alarm also does this). `keepRevisions`/`keepSeconds` override config. */
  compact(options?: { keepRevisions?: number; keepSeconds?: number }): Promise<CompactionResult>;
}
