/**
 * Test doubles for the API layer's unit tests: a few small `ResourceDef`s and an in-memory
 * `Registry`. Only tests import this module.
 */
import { errors } from "../lib/errors.js";
import type { KubeObject, Stored } from "../lib/types.js";
import type { PatchType, PodBindingRequest, Registry } from "../registry/types.js";
import { apiVersionOf, resourceKey, type ResourceDef } from "../resources/types.js";
import * as real from "../resources/index.js";
import type { ListOptions, ListResult, WatchEvent, WatchOptions } from "../store/types.js";


const ageColumn = { name: "Age", type: "string" as const, description: "age", priority: 0 as const };
const nameColumn = { name: "Name", type: "string" as const, format: "name" as const, description: "name", priority: 0 as const };

/**
 * A real kind's identity (names, scope, verbs, subresources) with no defaulting or validation and
 * a small fixed table, so that API tests see only what the API layer itself does.
 */
function testDef(def: ResourceDef, table: ResourceDef["table"] = { columns: [ageColumn], cells: () => ["1d"] }): ResourceDef {
  return { ...(def as ResourceDef), defaults() {}, validate: () => [], validateUpdate: undefined, validateStatusUpdate: undefined, prepareForUpdate: undefined, table };
}

export const podDef = testDef(real.podDef as ResourceDef, {
  columns: [nameColumn, { name: "Status", type: "string", description: "phase", priority: 0 }, { name: "Node", type: "string", description: "node", priority: 1 }],
  cells: (o) => [o.metadata.name, (o.status as { phase?: string } | undefined)?.phase ?? "Pending", (o.spec as { nodeName?: string } | undefined)?.nodeName ?? "<none>"],
});
// No name column: the Table adds one.
export const namespaceDef = testDef(real.namespaceDef as ResourceDef);
// Fewer verbs than the real kind, to exercise the 405 for a verb a kind does not serve.
export const eventDef: ResourceDef = { ...testDef(real.eventDef as ResourceDef), verbs: ["create", "get", "list", "watch"] };
export const deploymentDef = testDef(real.deploymentDef as ResourceDef, { columns: [nameColumn, ageColumn], cells: (o) => [o.metadata.name, "1d"] });
export const leaseDef = testDef(real.leaseDef as ResourceDef);

export const testResources = [podDef, namespaceDef, eventDef, deploymentDef, leaseDef];

export interface Call {
  method: string;
  args: unknown[];
}

/** An in-memory registry that records its calls; enough behaviour for the HTTP layer's tests. */
export class FakeRegistry implements Registry {
  readonly calls: Call[] = [];
  private readonly objects = new Map<string, Stored>();
  private rev = 100;
  /** Events a watch streams, as NDJSON lines, before it closes. */
  watchEvents: WatchEvent[] = [];

  private key(def: ResourceDef, namespace: string, name: string) {
    return `${resourceKey(def)}/${def.namespaced ? namespace : ""}/${name}`;
  }

  private record(method: string, ...args: unknown[]) {
    this.calls.push({ method, args });
  }

  seed(def: ResourceDef, obj: KubeObject): Stored {
    const stored = {
      ...obj,
      apiVersion: apiVersionOf(def),
      kind: def.kind,
      metadata: {
        namespace: def.namespaced ? "default" : undefined,
        uid: `uid-${obj.metadata.name}`,
        creationTimestamp: "2024-01-01T00:00:00Z",
        ...obj.metadata,
        name: obj.metadata.name!,
        resourceVersion: String(++this.rev),
      },
    } as Stored;
    this.objects.set(this.key(def, stored.metadata.namespace ?? "", stored.metadata.name), stored);
    return stored;
  }

  async get(def: ResourceDef, namespace: string, name: string): Promise<Stored> {
    this.record("get", def.plural, namespace, name);
    const obj = this.objects.get(this.key(def, namespace, name));
    if (!obj) throw errors.notFound({ group: def.group, kind: def.plural, name });
    return obj;
  }

  async list(def: ResourceDef, options: ListOptions): Promise<ListResult> {
    this.record("list", def.plural, options);
    const prefix = `${resourceKey(def)}/${options.namespace ?? ""}`;
    const items = [...this.objects.entries()].filter(([k]) => k.startsWith(prefix)).map(([, v]) => v);
    return { items, resourceVersion: String(this.rev), continue: options.limit ? "next-page" : undefined };
  }

  async watch(def: ResourceDef, options: WatchOptions): Promise<ReadableStream<Uint8Array>> {
    this.record("watch", def.plural, options);
    const text = this.watchEvents.map((e) => JSON.stringify(e) + "\n").join("");
    return new Response(text).body!;
  }

  async create(def: ResourceDef, namespace: string, body: KubeObject, options?: unknown): Promise<Stored> {
    this.record("create", def.plural, namespace, body, options);
    if (this.objects.has(this.key(def, namespace, body.metadata.name ?? ""))) {
      throw errors.alreadyExists({ group: def.group, kind: def.plural, name: body.metadata.name });
    }
    return this.seed(def, { ...body, metadata: { ...body.metadata, namespace: def.namespaced ? namespace : undefined } });
  }

  async update(def: ResourceDef, namespace: string, name: string, body: KubeObject, options?: unknown): Promise<Stored> {
    this.record("update", def.plural, namespace, name, body, options);
    await this.get(def, namespace, name);
    return this.seed(def, body);
  }

  async patch(def: ResourceDef, namespace: string, name: string, type: PatchType, patch: unknown, options?: unknown): Promise<Stored> {
    this.record("patch", def.plural, namespace, name, type, patch, options);
    const old = await this.get(def, namespace, name);
    const p = (type === "json" ? {} : patch) as { metadata?: Record<string, unknown> };
    return this.seed(def, { ...old, ...p, metadata: { ...old.metadata, ...p.metadata } } as KubeObject);
  }

  async delete(def: ResourceDef, namespace: string, name: string, options?: unknown): Promise<{ object: Stored; gone: boolean }> {
    this.record("delete", def.plural, namespace, name, options);
    const object = await this.get(def, namespace, name);
    if (object.metadata.finalizers?.length) return { object, gone: false };
    this.objects.delete(this.key(def, namespace, name));
    return { object, gone: true };
  }

  async deleteCollection(def: ResourceDef, options: ListOptions, deleteOptions?: unknown): Promise<Stored[]> {
    this.record("deleteCollection", def.plural, options, deleteOptions);
    const { items } = await this.list(def, options);
    for (const item of items) this.objects.delete(this.key(def, item.metadata.namespace ?? "", item.metadata.name));
    return items;
  }

  async getScale(def: ResourceDef, namespace: string, name: string): Promise<KubeObject> {
    this.record("getScale", def.plural, namespace, name);
    const obj = await this.get(def, namespace, name);
    return { metadata: { name, namespace }, spec: { replicas: (obj.spec as { replicas?: number }).replicas ?? 1 }, status: { replicas: 0, selector: "app=web" } };
  }

  async updateScale(def: ResourceDef, namespace: string, name: string, scale: KubeObject): Promise<KubeObject> {
    this.record("updateScale", def.plural, namespace, name, scale);
    return scale;
  }

  async patchScale(def: ResourceDef, namespace: string, name: string, type: PatchType, patch: unknown): Promise<KubeObject> {
    this.record("patchScale", def.plural, namespace, name, type, patch);
    return { metadata: { name, namespace }, ...(patch as object) };
  }

  async bind(namespace: string, podName: string, binding: KubeObject): Promise<void> {
    this.record("bind", namespace, podName, binding);
  }

  async createMany(def: ResourceDef, namespace: string, bodies: KubeObject[]): Promise<{ error?: string }[]> {
    this.record("createMany", def.plural, namespace, bodies);
    return Promise.all(bodies.map((b) => this.create(def, namespace, b).then(() => ({}), (e: Error) => ({ error: e.message }))));
  }

  async bindMany(bindings: PodBindingRequest[]): Promise<{ binding: PodBindingRequest; error?: string }[]> {
    this.record("bindMany", bindings);
    return bindings.map((binding) => ({ binding }));
  }

  lastCall(method: string): unknown[] | undefined {
    return this.calls.filter((c) => c.method === method).at(-1)?.args;
  }
}
