/**
 * The shape of a kind's rules, as kube-apiserver's per-kind REST strategy: names and discovery
 * facts, defaulting, validation, spec/status split, table columns. One module per kind in
 * `src/resources/<kind>.ts` exports one `ResourceDef`; `src/resources/index.ts` lists them.
 * Everything here is pure: no I/O, no clock other than the one passed in.
 */
import type { FieldError } from "../lib/errors.js";
import type { KubeObject } from "../lib/types.js";

export interface TableColumn {
  name: string;
  type: "string" | "integer" | "number" | "boolean" | "date";
  format?: "name" | "";
  description: string;
  /** 0 = always shown; 1 = only with `-o wide`. */
  priority: 0 | 1;
}

export interface TableDef<T extends KubeObject = KubeObject> {
  columns: TableColumn[];
  /** One row's cells, in column order. `now` is for ages (`5m`, `3d2h`). */
  cells(obj: T, now: Date): unknown[];
}

/** Where a kind's `/scale` subresource reads and writes (Deployment, ReplicaSet, StatefulSet). */
export interface ScaleDef<T extends KubeObject = KubeObject> {
  specReplicas(obj: T): number;
  setSpecReplicas(obj: T, replicas: number): void;
  statusReplicas(obj: T): number;
  /** The pod selector in string form, for `Scale.status.selector`. */
  selector(obj: T): string;
}

/** Context a strategy may need; all of it comes from the registry. */
export interface StrategyContext {
  now: Date;
}

export interface ResourceDef<T extends KubeObject = KubeObject> {
  /** "" for the core group. */
  group: string;
  version: string;
  kind: string;
  /** The resource name in URLs: `deployments`. */
  plural: string;
  singular: string;
  namespaced: boolean;
  shortNames?: string[];
  /** `["all"]` for the kinds `kubectl get all` shows. */
  categories?: string[];
  /** Subresources served: `status`, `scale`, `binding`, `log`, `exec`, `attach`, `eviction`. */
  subresources?: string[];
  /** Verbs in discovery; defaults to the full set. */
  verbs?: string[];
  /**
   * Whether the kind has a spec/status split: the main resource never writes status, the
   * `status` subresource writes only status, and `metadata.generation` follows spec.
   */
  hasStatus: boolean;
  /**
   * Paths that count as "spec" for `metadata.generation` (default `["spec"]`). Kinds without a
   * spec (ConfigMap, Secret) bump generation never.
   */
  generationPaths?: string[];
  /** Extra field-selector keys beyond `metadata.name` and `metadata.namespace`. */
  fieldSelectors?: string[];

  /** Fill in defaults, in place, as Kubernetes' defaulters do. Also run on updates. */
  defaults(obj: T, ctx: StrategyContext): void;
  /** Clear what a client may not set on create (usually `status`) and set derived fields. */
  prepareForCreate?(obj: T, ctx: StrategyContext): void;
  /** On update of the main resource: carry over what the client may not change. */
  prepareForUpdate?(obj: T, old: T, ctx: StrategyContext): void;
  /** Validate a new object. */
  validate(obj: T): FieldError[];
  /** Validate an update: immutable fields and the same rules as `validate`. */
  validateUpdate?(obj: T, old: T): FieldError[];
  /**
   * The status subresource may also change annotations (Deployment: the controller records
   * `deployment.kubernetes.io/revision` with its status write, as upstream's status strategy allows).
   */
  statusWritesAnnotations?: boolean;
  /** Validate a status-subresource update. */
  validateStatusUpdate?(obj: T, old: T): FieldError[];

  table: TableDef<T>;
  scale?: ScaleDef<T>;
  /** How the kind is deleted, where it differs from "at once, unless finalizers remain". */
  deletion?: DeletionDef<T>;
}

/** Kind-specific deletion rules (Pod graceful deletion, Namespace finalization). */
export interface DeletionDef<T extends KubeObject = KubeObject> {
  /**
   * Seconds the object lingers with `deletionTimestamp` before it is removed (Pods bound to a
   * node: until the node confirms); 0 removes it at once. `requested` is DeleteOptions'
   * `gracePeriodSeconds`.
   */
  gracePeriodSeconds?(obj: T, requested: number | undefined): number;
  /** Finalizers kept outside `metadata.finalizers` (Namespace `spec.finalizers`). */
  pendingFinalizers?(obj: T): string[];
  /** Set what deletion changes besides `deletionTimestamp` (Namespace `status.phase: Terminating`). */
  prepareForDelete?(obj: T, ctx: StrategyContext): void;
  /** Objects that may never be deleted (the `default` namespace): a reason, or undefined. */
  forbidden?(obj: T): string | undefined;
}

/** `deployments.apps`, `pods`: the store's key for a kind. */
export function resourceKey(def: Pick<ResourceDef, "group" | "plural">): string {
  return def.group ? `${def.plural}.${def.group}` : def.plural;
}

/** `apps/v1` or `v1`. */
export function apiVersionOf(def: Pick<ResourceDef, "group" | "version">): string {
  return def.group ? `${def.group}/${def.version}` : def.version;
}
