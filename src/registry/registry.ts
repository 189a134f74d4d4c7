/**
 * The registry: every read and write, from any client, goes through here (DESIGN.md). It applies
 * a kind's rules (src/resources) — defaults, validation, spec/status split, generation,
 * allocations, graceful deletion and finalizers — and then the Store's compare-and-swap writes.
 */
import type { Env } from "../env.js";
import { errors, fieldErrors, type FieldError } from "../lib/errors.js";
import { clone, deepEqual, rfc3339 } from "../lib/json.js";
import type { DeleteOptions, KubeObject, Pod, Service, Stored } from "../lib/types.js";
import { podDef } from "../resources/pod.js";
import type { ResourceDef, StrategyContext } from "../resources/types.js";
import { apiVersionOf, resourceKey } from "../resources/types.js";
import type { Claim, ListOptions, ListResult, Store, WatchOptions, WriteOp } from "../store/types.js";
import {
  allocate,
  allocationConfig,
  carryOverAllocations,
  claimDiff,
  CLUSTER_IP_POOL,
  NODE_PORT_POOL,
  claimTaken,
  serviceClaims,
  userChose,
  type AllocationConfig,
} from "./allocations.js";
import { serverSideApply, trackUpdate, validatePatchOptions } from "../lib/patch/index.js";
import { applyPatch } from "./patch.js";
import {
  dryRunStored,
  keepSystemMetadata,
  nextGeneration,
  pendingFinalizers,
  scope,
  target,
  tracksGeneration,
  validateObjectMeta,
  withTypeMeta,
} from "./object-meta.js";
import { scaleOf, withReplicas } from "./scale.js";
import { validateApplyBody, validateFields } from "./field-validation.js";
import { encryptionKeyOf, sealingStore } from "./secret-encryption.js";
import { toApiError, unwrap } from "./store-client.js";
import type { PatchOptions, PatchType, PodBindingRequest, Registry, WriteOptions } from "./types.js";

export interface RegistryOptions {
  now?: () => Date;
  env?: Env;
}

/** How long an active namespace is trusted without reading it again. */
const NAMESPACE_CACHE_MS = 2000;
/** Objects written per store transaction (binds, Events): one op per object keeps each statement small. */
const WRITE_BATCH = 50;
/** How often a write that lost a compare-and-swap race to a concurrent writer is retried. */
const MAX_CONFLICT_RETRIES = 20;
/** Allocation retries when a concurrent create took the value we picked. */
const MAX_CLAIM_RETRIES = 8;

export function createRegistry(store: Store, options: RegistryOptions = {}): Registry {
  // Secrets are sealed on their way into the store and opened on their way out (secret-encryption.ts).
  const sealed = sealingStore(store, encryptionKeyOf(options.env));
  return new StoreRegistry(sealed, options.now ?? (() => new Date()), allocationConfig(options.env));
}

class StoreRegistry implements Registry {
  /** Namespaces seen active, and when (ms). */
  private readonly activeNamespaces = new Map<string, number>();

  constructor(
    private readonly store: Store,
    private readonly now: () => Date,
    private readonly allocation: AllocationConfig,
  ) {}

  private ctx(): StrategyContext {
    return { now: this.now() };
  }

  async get(def: ResourceDef, namespace: string, name: string): Promise<Stored> {
    const obj = await this.store.get(resourceKey(def), scope(def, namespace), name);
    if (!obj) throw errors.notFound(target(def, name));
    return withTypeMeta(def, obj);
  }

  async list(def: ResourceDef, options: ListOptions): Promise<ListResult> {
    const namespace = def.namespaced ? options.namespace || undefined : undefined;
    const result = unwrap(await this.store.list(resourceKey(def), { ...options, namespace }), target(def, ""));
    result.items = result.items.map((item) => withTypeMeta(def, item));
    return result;
  }

  async watch(def: ResourceDef, options: WatchOptions): Promise<ReadableStream<Uint8Array>> {
    const namespace = def.namespaced ? options.namespace || undefined : undefined;
    return this.store.watch(resourceKey(def), { ...options, namespace });
  }

  async create(def: ResourceDef, namespace: string, body: KubeObject, options: WriteOptions = {}): Promise<Stored> {
    return this.createObject(def, namespace, body, options, false);
  }

  async createMany(def: ResourceDef, namespace: string, bodies: KubeObject[]): Promise<{ error?: string }[]> {
    if (def.kind === "Service") throw new Error("createMany does not serve Services: they allocate cluster IPs and node ports");
    const results: { error?: string }[] = bodies.map(() => ({}));
    const fail = (index: number, e: unknown) => (results[index]!.error = e instanceof Error ? e.message : String(e));
    const prepared: { index: number; object: KubeObject }[] = [];
    for (const [index, body] of bodies.entries()) {
      try {
        const obj = this.prepareCreate(def, namespace, body, {}, false);
        if (def.namespaced) await this.requireActiveNamespace(def, obj);
        prepared.push({ index, object: obj });
      } catch (e) {
        fail(index, e);
      }
    }
    for (let i = 0; i < prepared.length; i += WRITE_BATCH) {
      const batch = prepared.slice(i, i + WRITE_BATCH);
      if ((await this.store.transaction(batch.map(({ object }) => ({ op: "create", resource: resourceKey(def), object })))).ok) continue;
      // One of them cannot be written (a name taken meanwhile): each on its own, so the others land.
      for (const { index, object } of batch) {
        const result = await this.store.create(resourceKey(def), object);
        if (!result.ok) fail(index, toApiError(result.error, target(def, object.metadata.name ?? "")));
      }
    }
    return results;
  }

  /** `applied`: the body comes from server-side apply, which has already set managedFields. */
  private async createObject(def: ResourceDef, namespace: string, body: KubeObject, options: WriteOptions, applied: boolean): Promise<Stored> {
    const tracked = this.prepareCreate(def, namespace, body, options, applied);
    const ctx = this.ctx();
    if (def.namespaced) await this.requireActiveNamespace(def, tracked);

    for (let attempt = 0; ; attempt++) {
      const candidate = clone(tracked);
      const claims = await this.allocateFor(def, candidate);
      if (options.dryRun) return withTypeMeta(def, dryRunStored(candidate, ctx.now));
      const result = await this.store.create(resourceKey(def), candidate, claims);
      if (!result.ok && result.error.reason === "Claimed" && !userChose(tracked, result.error.claim) && attempt < MAX_CLAIM_RETRIES) continue;
      if (!result.ok && result.error.reason === "Claimed") throw claimTaken(def.kind, candidate, result.error.claim);
      return withTypeMeta(def, unwrap(result, target(def, candidate.metadata.name ?? "")));
    }
  }

  /** A new object as it will be stored: server fields, defaults, validation, managedFields. */
  private prepareCreate(def: ResourceDef, namespace: string, body: KubeObject, options: WriteOptions, applied: boolean): KubeObject {
    const obj = clone(body);
    // Field validation (field-validation.ts); an applied body was checked before it was merged.
    if (!applied) validateFields(apiVersionOf(def), def.kind, obj, options);
    obj.apiVersion = apiVersionOf(def);
    obj.kind = def.kind;
    const meta = (obj.metadata ??= {});
    if (def.namespaced) meta.namespace = namespace || meta.namespace || "default";
    else delete meta.namespace;
    for (const field of ["uid", "resourceVersion", "creationTimestamp", "deletionTimestamp", "deletionGracePeriodSeconds", "selfLink"] as const) {
      delete meta[field];
    }
    meta.uid = crypto.randomUUID();
    const ctx = this.ctx();
    def.defaults(obj, ctx);
    def.prepareForCreate?.(obj, ctx);
    if (tracksGeneration(def)) meta.generation = 1;
    else delete meta.generation;
    const errs = [...validateObjectMeta(def, obj), ...def.validate(obj)];
    if (errs.length) throw errors.invalid(def.kind, meta.name ?? meta.generateName ?? "", errs, def.group || undefined);
    return applied ? obj : trackUpdate(null, obj, manager(options), apiVersionOf(def), ctx.now);
  }

  async update(
    def: ResourceDef,
    namespace: string,
    name: string,
    body: KubeObject,
    options: WriteOptions & { subresource?: "status" | "finalize" } = {},
  ): Promise<Stored> {
    const requestedRV = body.metadata?.resourceVersion;
    return this.retryOnConflict(requestedRV, async () => {
      const old = await this.get(def, namespace, name);
      if (requestedRV && requestedRV !== old.metadata.resourceVersion) throw errors.staleResourceVersion(target(def, name));
      const next = clone(body);
      validateFields(apiVersionOf(def), def.kind, next, options);
      return this.write(def, old, next, options);
    });
  }

  async patch(
    def: ResourceDef,
    namespace: string,
    name: string,
    type: PatchType,
    patch: unknown,
    options: PatchOptions & { subresource?: "status" } = {},
  ): Promise<Stored> {
    validatePatchOptions({ apply: type === "apply", fieldManager: options.fieldManager, force: options.force });
    return this.retryOnConflict(undefined, async () => {
      const old = await this.store.get(resourceKey(def), scope(def, namespace), name);
      if (type === "apply") return this.apply(def, namespace, name, old && withTypeMeta(def, old), patch, options);
      if (!old) throw errors.notFound(target(def, name));
      const next = applyPatch(def, withTypeMeta(def, old), type, patch);
      validateFields(apiVersionOf(def), def.kind, next, options, "patch");
      const requestedRV = next.metadata?.resourceVersion;
      if (requestedRV && requestedRV !== old.metadata.resourceVersion) throw errors.staleResourceVersion(target(def, name));
      return this.write(def, old, next, options);
    });
  }

  /** Server-side apply: merge the manager's applied configuration, creating the object if absent. */
  private async apply(
    def: ResourceDef,
    namespace: string,
    name: string,
    live: Stored | null,
    patch: unknown,
    options: PatchOptions & { subresource?: "status" },
  ): Promise<Stored> {
    const status = options.subresource === "status";
    const resetFields = !def.hasStatus ? [] : status ? topLevelFieldsBut(live, "status") : ["status"];
    const next = serverSideApply(live, validateApplyBody(apiVersionOf(def), def.kind, patch, options), {
      fieldManager: options.fieldManager,
      force: options.force,
      apiVersion: apiVersionOf(def),
      kind: def.kind,
      now: this.now(),
      subresource: options.subresource,
      resetFields,
    });
    if (!live) {
      if (status) throw errors.notFound(target(def, name));
      if (next.metadata.name && next.metadata.name !== name) {
        throw errors.badRequest(`the name of the object (${next.metadata.name}) does not match the name on the URL (${name})`);
      }
      next.metadata.name = name;
      return this.createObject(def, namespace, next, options, true);
    }
    return this.write(def, live, next, options, true);
  }

  /** Validate and store `next` as the successor of `old` (compare-and-swap on `old`'s version). */
  private async write(
    def: ResourceDef,
    old: Stored,
    next: KubeObject,
    options: WriteOptions & { subresource?: "status" | "finalize" },
    applied = false,
  ): Promise<Stored> {
    const ctx = this.ctx();
    const name = old.metadata.name;
    next.apiVersion = apiVersionOf(def);
    next.kind = def.kind;
    next.metadata ??= {};
    if (next.metadata.name && next.metadata.name !== name) {
      throw errors.badRequest(`the name of the object (${next.metadata.name}) does not match the name on the URL (${name})`);
    }
    let errs: FieldError[];
    if (options.subresource === "status") {
      const status = next.status;
      const annotations = def.statusWritesAnnotations ? next.metadata.annotations : old.metadata.annotations;
      next = { ...clone(old), status, metadata: { ...clone(old.metadata), annotations, managedFields: next.metadata.managedFields } };
      if (!annotations) delete next.metadata.annotations;
      errs = def.validateStatusUpdate?.(next, old) ?? [];
    } else if (options.subresource === "finalize") {
      const finalizers = (next.spec as { finalizers?: string[] } | undefined)?.finalizers;
      next = clone(old);
      next.spec = { ...(next.spec as object), finalizers };
      errs = [];
    } else {
      keepSystemMetadata(next, old);
      if (def.hasStatus) next.status = clone(old.status);
      if (def.kind === "Service") carryOverAllocations(next as Service, old as Service);
      def.defaults(next, ctx);
      def.prepareForUpdate?.(next, old, ctx);
      errs = [...validateObjectMeta(def, next), ...(def.validateUpdate ?? ((n: KubeObject) => def.validate(n)))(next, old)];
      if (def.kind === "Service" && !errs.length) errs = await this.allocateService(next as Service, serviceClaims(old as Service));
    }
    next.metadata.resourceVersion = old.metadata.resourceVersion;
    // Status writes never move generation, not even the Deployment's annotation-carrying ones.
    next.metadata.generation = options.subresource === "status" ? old.metadata.generation : nextGeneration(def, old, next);
    if (errs.length) throw errors.invalid(def.kind, name, errs, def.group || undefined);
    // A no-op write changes nothing, not even resourceVersion or managedFields.
    if (deepEqual(withoutManagedFields(next), withoutManagedFields(old))) return old;
    if (!applied) {
      next = trackUpdate(old, next, manager(options), apiVersionOf(def), this.now(), { subresource: options.subresource });
    }
    if (options.dryRun) return withTypeMeta(def, next as Stored);

    const finalized = old.metadata.deletionTimestamp && pendingFinalizers(def, next).length === 0;
    const diff = def.kind === "Service" ? claimDiff(serviceClaims(old as Service), serviceClaims(next as Service)) : { claims: [], releases: [] };
    if (diff.claims.length) await this.checkClaims(def, next, diff.claims);
    if (finalized) {
      const result = await this.store.delete(resourceKey(def), scope(def, old.metadata.namespace ?? ""), name, {
        preconditions: { resourceVersion: old.metadata.resourceVersion },
        releases: claimsOf(def, old),
      });
      return withTypeMeta(def, unwrap(result, target(def, name)));
    }
    const result = await this.store.update(resourceKey(def), next, diff);
    if (!result.ok && result.error.reason === "Claimed") throw claimTaken(def.kind, next, result.error.claim);
    return withTypeMeta(def, unwrap(result, target(def, name)));
  }

  async delete(
    def: ResourceDef,
    namespace: string,
    name: string,
    options: Omit<DeleteOptions, "dryRun"> & { dryRun?: boolean } = {},
  ): Promise<{ object: Stored; gone: boolean }> {
    return this.retryOnConflict(options.preconditions?.resourceVersion, async () => {
      const old = await this.get(def, namespace, name);
      const pre = options.preconditions;
      if (pre?.uid && pre.uid !== old.metadata.uid) {
        throw errors.conflict(target(def, name), `Precondition failed: UID in precondition: ${pre.uid}, UID in object meta: ${old.metadata.uid}`);
      }
      if (pre?.resourceVersion && pre.resourceVersion !== old.metadata.resourceVersion) {
        throw errors.conflict(target(def, name), `Precondition failed: ResourceVersion in precondition: ${pre.resourceVersion}, ResourceVersion in object meta: ${old.metadata.resourceVersion}`);
      }
      const forbidden = def.deletion?.forbidden?.(old);
      if (forbidden) throw errors.forbiddenBecause(target(def, name), forbidden);

      const next = clone(old);
      const meta = next.metadata;
      const finalizers = new Set(meta.finalizers ?? []);
      const policy = options.propagationPolicy ?? (options.orphanDependents ? "Orphan" : undefined);
      if (policy === "Foreground") finalizers.add("foregroundDeletion");
      if (policy === "Orphan") finalizers.add("orphan");
      if (finalizers.size) meta.finalizers = [...finalizers];
      const grace = def.deletion?.gracePeriodSeconds?.(old, options.gracePeriodSeconds) ?? 0;
      const pending = pendingFinalizers(def, next).length > 0;

      if (!pending && grace <= 0) {
        if (options.dryRun) return { object: old, gone: true };
        const result = await this.store.delete(resourceKey(def), scope(def, namespace), name, {
          preconditions: { resourceVersion: old.metadata.resourceVersion },
          releases: claimsOf(def, old),
        });
        return { object: withTypeMeta(def, unwrap(result, target(def, name))), gone: true };
      }

      // Deletion starts (or shortens its grace): the object stays until finalizers or its node let it go.
      const now = this.now();
      const deadline = new Date(now.getTime() + Math.max(grace, 0) * 1000);
      if (!meta.deletionTimestamp || Date.parse(meta.deletionTimestamp) > deadline.getTime()) {
        meta.deletionTimestamp = rfc3339(deadline);
      }
      meta.deletionGracePeriodSeconds = Math.max(grace, 0);
      def.deletion?.prepareForDelete?.(next, { now });
      if (deepEqual(next, old)) return { object: old, gone: false };
      if (options.dryRun) return { object: withTypeMeta(def, next), gone: false };
      const result = await this.store.update(resourceKey(def), next);
      return { object: withTypeMeta(def, unwrap(result, target(def, name))), gone: false };
    });
  }

  async deleteCollection(
    def: ResourceDef,
    options: ListOptions,
    deleteOptions: Omit<DeleteOptions, "dryRun"> & { dryRun?: boolean } = {},
  ): Promise<Stored[]> {
    const deleted: Stored[] = [];
    let cont: string | undefined;
    do {
      const page = await this.list(def, { ...options, limit: 500, continue: cont });
      for (const item of page.items) {
        try {
          const { object } = await this.delete(def, item.metadata.namespace ?? "", item.metadata.name, deleteOptions);
          deleted.push(object);
        } catch (e) {
          // Gone in the meantime: that is what was asked.
          if (!(e instanceof Error && "code" in e && (e as { code: number }).code === 404)) throw e;
        }
      }
      cont = page.continue;
    } while (cont);
    return deleted;
  }

  async getScale(def: ResourceDef, namespace: string, name: string): Promise<KubeObject> {
    return scaleOf(def, await this.get(def, namespace, name));
  }

  async updateScale(def: ResourceDef, namespace: string, name: string, scale: KubeObject): Promise<KubeObject> {
    const replicas = (scale as { spec?: { replicas?: number } }).spec?.replicas;
    if (typeof replicas !== "number" || !Number.isInteger(replicas) || replicas < 0) {
      throw errors.invalid("Scale", name, [fieldErrors.invalid("spec.replicas", replicas ?? null, "must be greater than or equal to 0")], "autoscaling");
    }
    const requestedRV = scale.metadata?.resourceVersion;
    const updated = await this.retryOnConflict(requestedRV, async () => {
      const old = await this.get(def, namespace, name);
      if (requestedRV && requestedRV !== old.metadata.resourceVersion) throw errors.staleResourceVersion(target(def, name));
      return this.write(def, old, withReplicas(def, old, replicas), {});
    });
    return scaleOf(def, updated);
  }

  async patchScale(def: ResourceDef, namespace: string, name: string, type: PatchType, patch: unknown): Promise<KubeObject> {
    // Server-side apply of a Scale is not served; kubectl scale sends a merge patch.
    if (type === "apply") throw errors.unsupportedMediaType("application/apply-patch+yaml");
    const current = await this.getScale(def, namespace, name);
    const scaleDef = { ...def, group: "autoscaling", version: "v1", kind: "Scale" } as ResourceDef;
    const next = applyPatch(scaleDef, current, type, patch);
    return this.updateScale(def, namespace, name, next);
  }

  async bind(namespace: string, podName: string, binding: KubeObject): Promise<void> {
    const nodeName = (binding as { target?: { name?: string; kind?: string } }).target?.name;
    if (!nodeName) throw errors.invalid("Binding", podName, [fieldErrors.required("target.name")]);
    await this.retryOnConflict(undefined, async () => {
      const pod = (await this.get(podDef, namespace, podName)) as Stored<Pod>;
      const next = boundPod(pod, { namespace, name: podName, uid: binding.metadata?.uid ?? "", node: nodeName }, this.now());
      const result = await this.store.update(resourceKey(podDef), next);
      return unwrap(result, target(podDef, podName));
    });
  }

  /** Answers in the order of `bindings`: the controller host pairs answers with its binds by index. */
  async bindMany(bindings: PodBindingRequest[]): Promise<{ binding: PodBindingRequest; error?: string }[]> {
    const results: { binding: PodBindingRequest; error?: string }[] = bindings.map((binding) => ({ binding }));
    const fail = (index: number, e: unknown) => (results[index]!.error = e instanceof Error ? e.message : String(e));
    for (let i = 0; i < bindings.length; i += WRITE_BATCH) {
      const batch = bindings.slice(i, i + WRITE_BATCH);
      const now = this.now();
      const pods = await this.store.getMany(resourceKey(podDef), batch);
      const ops: WriteOp[] = [];
      const ready: number[] = [];
      batch.forEach((b, j) => {
        const pod = pods[j];
        try {
          if (!pod) throw errors.notFound(target(podDef, b.name));
          ops.push({ op: "update", resource: resourceKey(podDef), object: boundPod(pod as Stored<Pod>, b, now) });
          ready.push(i + j);
        } catch (e) {
          fail(i + j, e);
        }
      });
      if (!ops.length || (await this.store.transaction(ops)).ok) continue;
      // One pod changed under us: bind the batch one by one, so the others still land.
      for (const index of ready) {
        const b = bindings[index]!;
        try {
          await this.bind(b.namespace, b.name, { metadata: { name: b.name, uid: b.uid }, target: { kind: "Node", name: b.node } } as KubeObject);
        } catch (e) {
          fail(index, e);
        }
      }
    }
    return results;
  }

  /** Read-modify-write with compare-and-swap, retried when another writer got in between. */
  private async retryOnConflict<T>(
    requestedRV: string | undefined,
    attempt: () => Promise<T>,
  ): Promise<T> {
    for (let i = 0; ; i++) {
      try {
        return await attempt();
      } catch (e) {
        const conflict = e instanceof Error && "reason" in e && (e as { reason: string }).reason === "Conflict";
        // A client that named a resourceVersion gets its conflict; our own reads just retry.
        if (!conflict || requestedRV || i >= MAX_CONFLICT_RETRIES || /Precondition failed|already assigned|being deleted/.test(e.message)) throw e;
        // Jitter, so that writers racing for one object do not collide in lockstep.
        await new Promise((r) => setTimeout(r, Math.random() * 2 * (i + 1)));
      }
    }
  }

  /**
   * NamespaceLifecycle admission: no new content in a missing or terminating namespace. Like
   * upstream's (which reads an informer cache) it may be a moment behind: an active namespace is
   * remembered briefly, which halves the store calls of a controller creating many pods.
   */
  private async requireActiveNamespace(def: ResourceDef, obj: KubeObject): Promise<void> {
    const namespace = obj.metadata.namespace ?? "";
    const seen = this.activeNamespaces.get(namespace);
    if (seen !== undefined && this.now().getTime() - seen < NAMESPACE_CACHE_MS) return;
    const ns = await this.store.get("namespaces", "", namespace);
    if (!ns) throw errors.notFound({ kind: "namespaces", name: namespace });
    if (ns.metadata.deletionTimestamp) {
      throw errors.forbiddenBecause(
        target(def, obj.metadata.name ?? ""),
        `unable to create new content in namespace ${namespace} because it is being terminated`,
      );
    }
    this.activeNamespaces.set(namespace, this.now().getTime());
  }

  private async allocateFor(def: ResourceDef, obj: KubeObject): Promise<Claim[]> {
    if (def.kind !== "Service") return [];
    const svc = obj as Service;
    const errs = await this.allocateService(svc);
    if (errs.length) throw errors.invalid(def.kind, obj.metadata.name ?? "", errs);
    return serviceClaims(svc);
  }

  /**
   * Gives `svc` what it lacks (a clusterIP, nodePorts) from the values no other Service holds:
   * on create, and on an update that newly needs some (a type changed to NodePort/LoadBalancer, a
   * port added), where the Service's own values before it (`own`) are not counted as taken.
   */
  private async allocateService(svc: Service, own: Claim[] = []): Promise<FieldError[]> {
    const mine = new Set(own.map((c) => `${c.pool}/${c.value}`));
    const taken = (pool: string, values: string[]) => values.filter((v) => !mine.has(`${pool}/${v}`));
    const [ips, ports] = await Promise.all([this.store.claimed(CLUSTER_IP_POOL), this.store.claimed(NODE_PORT_POOL)]);
    return allocate(svc, this.allocation, {
      clusterIPs: new Set(taken(CLUSTER_IP_POOL, ips)),
      nodePorts: new Set(taken(NODE_PORT_POOL, ports).map(Number)),
    });
  }

  private async checkClaims(def: ResourceDef, obj: KubeObject, claims: Claim[]): Promise<void> {
    for (const claim of claims) {
      const held = new Set(await this.store.claimed(claim.pool));
      if (held.has(claim.value)) throw claimTaken(def.kind, obj, claim);
    }
  }
}

function claimsOf(def: ResourceDef, obj: KubeObject): Claim[] {
  return def.kind === "Service" ? serviceClaims(obj as Service) : [];
}

/** The manager a write is recorded under; upstream derives a missing one from the user agent. */
function manager(options: WriteOptions): string {
  return options.fieldManager || "unknown";
}

function withoutManagedFields(obj: KubeObject): KubeObject {
  const { managedFields: _ignored, ...metadata } = obj.metadata;
  return { ...obj, metadata };
}

/** Everything a status-subresource apply may not touch: all top-level fields but `status`. */
function topLevelFieldsBut(obj: KubeObject | null, keep: string): string[] {
  return Object.keys(obj ?? {}).filter((k) => k !== keep && k !== "apiVersion" && k !== "kind" && k !== "metadata");
}

/** The pod after a binding: `spec.nodeName` set and `PodScheduled=True`, as the binding REST does. */
function boundPod(pod: Stored<Pod>, b: PodBindingRequest, now: Date): Stored<Pod> {
  const name = pod.metadata.name;
  if (b.uid && b.uid !== pod.metadata.uid) {
    throw errors.conflict(target(podDef, name), `Precondition failed: UID in precondition: ${b.uid}, UID in object meta: ${pod.metadata.uid}`);
  }
  if (pod.spec?.nodeName) throw errors.conflict(target(podDef, name), `pod ${name} is already assigned to node "${pod.spec.nodeName}"`);
  if (pod.metadata.deletionTimestamp) {
    throw errors.conflict(target(podDef, name), `pod ${name} is being deleted, cannot be assigned to a host`);
  }
  const next = clone(pod);
  next.spec = { ...next.spec!, nodeName: b.node };
  const conditions = (next.status?.conditions ?? []).filter((c) => c.type !== "PodScheduled");
  conditions.push({ type: "PodScheduled", status: "True", lastTransitionTime: rfc3339(now) });
  next.status = { ...next.status, conditions };
  return next;
}
