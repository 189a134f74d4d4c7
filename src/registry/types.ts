/**
 * The Registry contract: the one path every read and write takes (API server, controllers,
 * scheduler, agents), as kube-apiserver's generic registry. Methods throw `ApiError`
 * (src/lib/errors.ts); the API server renders it as a `Status`.
 */
import type { ResourceDef } from "../resources/types.js";
import type { DeleteOptions, KubeObject, Stored } from "../lib/types.js";
import type { ListOptions, ListResult, WatchOptions } from "../store/types.js";

/** Who is asking; the authorizer has already allowed the request. */
export interface UserInfo {
  name: string;
  groups: string[];
}

export interface PodBindingRequest {
  namespace: string;
  name: string;
  uid: string;
  node: string;
}

export type FieldValidation = "Strict" | "Warn" | "Ignore";

export interface WriteOptions {
  /** `dryRun=All`: validate and default, return the result, store nothing. */
  dryRun?: boolean;
  fieldManager?: string;
  fieldValidation?: FieldValidation;
  /** Collects `Warning` header texts (e.g. unknown fields under `Warn`). */
  warnings?: string[];
}

export type PatchType = "json" | "merge" | "strategic" | "apply";

export interface PatchOptions extends WriteOptions {
  /** Server-side apply only. */
  force?: boolean;
}

export interface Registry {
  get(def: ResourceDef, namespace: string, name: string): Promise<Stored>;
  list(def: ResourceDef, options: ListOptions): Promise<ListResult>;
  watch(def: ResourceDef, options: WatchOptions): Promise<ReadableStream<Uint8Array>>;

  create(def: ResourceDef, namespace: string, body: KubeObject, options?: WriteOptions): Promise<Stored>;
  /**
   * PUT: full replacement of the main resource (status kept); with `subresource: "status"`, of
   * status only; with `"finalize"` (Namespaces), of `spec.finalizers` only.
   */
  update(
    def: ResourceDef,
    namespace: string,
    name: string,
    body: KubeObject,
    options?: WriteOptions & { subresource?: "status" | "finalize" },
  ): Promise<Stored>;
  patch(
    def: ResourceDef,
    namespace: string,
    name: string,
    type: PatchType,
    patch: unknown,
    options?: PatchOptions & { subresource?: "status" },
  ): Promise<Stored>;
  /**
   * DELETE. Returns the object while it still exists (finalizers, graceful pod deletion) and
   * `null` once it is gone, together with its last state.
   */
  delete(
    def: ResourceDef,
    namespace: string,
    name: string,
    options?: Omit<DeleteOptions, "dryRun"> & { dryRun?: boolean },
  ): Promise<{ object: Stored; gone: boolean }>;
  deleteCollection(
    def: ResourceDef,
    options: ListOptions,
    deleteOptions?: Omit<DeleteOptions, "dryRun"> & { dryRun?: boolean },
  ): Promise<Stored[]>;

  /** `autoscaling/v1` Scale of a Deployment, ReplicaSet or StatefulSet. */
  getScale(def: ResourceDef, namespace: string, name: string): Promise<KubeObject>;
  updateScale(def: ResourceDef, namespace: string, name: string, scale: KubeObject): Promise<KubeObject>;
  patchScale(def: ResourceDef, namespace: string, name: string, type: PatchType, patch: unknown): Promise<KubeObject>;

  /**
   * Many new objects of a kind that allocates nothing (the controllers' Events), written in store
   * transactions; each result, in the order of `bodies`, says whether that one failed and why.
   */
  createMany(def: ResourceDef, namespace: string, bodies: KubeObject[]): Promise<{ error?: string }[]>;

  /** `pods/binding`: set `spec.nodeName` of an unbound pod (409 if already bound). */
  bind(namespace: string, podName: string, binding: KubeObject): Promise<void>;
  /**
   * Many bindings at once (the scheduler's batch), written in store transactions of a size
   * SQLite's limits allow; each result, in the order of the requests, says whether that binding failed and why.
   */
  bindMany(bindings: PodBindingRequest[]): Promise<{ binding: PodBindingRequest; error?: string }[]>;
}
