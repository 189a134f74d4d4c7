/**
 * TEST HELPER (imported only by the workload controllers' tests): a tiny in-memory cluster
 * that applies controllers' Plans as the host and the registry would — compare-and-swap
 * updates, generation bumps on spec changes, merge patches, uid preconditions, expectations
 * lowered as pods appear and go — and a step function in which pods start, become ready, and
 * finish terminating. Deterministic: names come from a counter, time from a fake clock.
 */
import type { KubeObject, Pod, Stored } from "../../lib/types.js";
import { clone, deepEqual, rfc3339 } from "../../lib/json.js";
import type { Action } from "../types.js";
import { creationObserved, deletionObserved, type ExpectationTable } from "../expectations.js";
import { controllerRefOf, isPodTerminating } from "../pod-util.js";

const RESOURCE_OF_KIND: Record<string, string> = {
  ReplicaSet: "replicasets.apps",
  StatefulSet: "statefulsets.apps",
  DaemonSet: "daemonsets.apps",
};

export interface RecordedEvent {
  reason: string;
  message: string;
  object: string;
}

export class World {
  now: Date;
  expectations: ExpectationTable = {};
  readonly events: RecordedEvent[] = [];
  /** Writes refused (conflict, not found, precondition), for tests that care. */
  readonly refused: Action[] = [];
  private readonly objects = new Map<string, Map<string, Stored>>();
  private rv = 0;
  private seq = 0;

  constructor(start = new Date("2025-01-01T00:00:00Z")) {
    this.now = start;
  }

  /** Injected name suffixes: deterministic, five characters. */
  readonly suffix = (): string => (this.seq++).toString(36).padStart(5, "0");

  list<T extends KubeObject>(resource: string): Stored<T>[] {
    return [...(this.objects.get(resource)?.values() ?? [])] as Stored<T>[];
  }

  get<T extends KubeObject>(resource: string, namespace: string, name: string): Stored<T> | undefined {
    return this.objects.get(resource)?.get(`${namespace}/${name}`) as Stored<T> | undefined;
  }

  pods(): Stored<Pod>[] {
    return this.list<Pod>("pods");
  }

  add<T extends KubeObject>(resource: string, object: T): Stored<T> {
    const obj = clone(object) as Stored<T>;
    obj.metadata.namespace ??= resource === "nodes" ? undefined : "default";
    if (!obj.metadata.name) obj.metadata.name = `${obj.metadata.generateName}${this.suffix()}`;
    obj.metadata.uid = `uid-${++this.seq}`;
    obj.metadata.creationTimestamp = rfc3339(this.now);
    obj.metadata.resourceVersion = String(++this.rv);
    if (resource !== "pods") obj.metadata.generation ??= 1;
    this.table(resource).set(this.keyOf(obj), obj);
    return obj;
  }

  /** A user's spec change: generation +1, as the registry does. */
  edit<T extends KubeObject>(resource: string, namespace: string, name: string, change: (obj: Stored<T>) => void): void {
    const obj = this.get<T>(resource, namespace, name)!;
    change(obj);
    obj.metadata.generation = (obj.metadata.generation ?? 1) + 1;
    obj.metadata.resourceVersion = String(++this.rv);
  }

  remove(resource: string, namespace: string | undefined, name: string): void {
    const obj = this.table(resource).get(`${namespace ?? ""}/${name}`);
    if (!obj) return;
    this.table(resource).delete(this.keyOf(obj));
    if (resource === "pods") this.observeGone(obj);
  }

  apply(actions: Action[]): void {
    let lastFailed = false;
    for (const a of actions) {
      if (a.type === "event") {
        if (!lastFailed) this.events.push({ reason: a.reason, message: a.message, object: a.involvedObject.metadata.name ?? "" });
        continue;
      }
      // The Deployment and ReplicaSet controllers never bind pods.
      if (a.type === "bind") throw new Error("unexpected bind");
      lastFailed = !this.write(a);
      if (lastFailed) this.refused.push(a);
    }
  }

  private write(a: Exclude<Action, { type: "event" | "bind" }>): boolean {
    const table = this.table(a.resource);
    switch (a.type) {
      case "create": {
        const name = a.object.metadata.name;
        if (name && table.has(`${a.namespace}/${name}`)) {
          if (a.resource === "pods") this.observeCreation(a.object);
          return false;
        }
        const created = this.add(a.resource, { ...a.object, metadata: { ...a.object.metadata, namespace: a.namespace } });
        if (a.resource === "pods") this.observeCreation(created);
        return true;
      }
      case "update":
      case "updateStatus": {
        const current = table.get(`${a.namespace}/${a.object.metadata.name}`);
        if (!current || current.metadata.resourceVersion !== a.object.metadata.resourceVersion) return false;
        const next = clone(a.object) as Stored;
        if (a.type === "updateStatus") {
          const merged = { ...clone(current), status: next.status } as Stored;
          merged.metadata.annotations = next.metadata.annotations ?? current.metadata.annotations;
          table.set(this.keyOf(current), merged);
          merged.metadata.resourceVersion = String(++this.rv);
          return true;
        }
        next.status = current.status;
        if (a.resource !== "pods" && !deepEqual(next.spec, current.spec)) next.metadata.generation = (current.metadata.generation ?? 1) + 1;
        next.metadata.resourceVersion = String(++this.rv);
        table.set(this.keyOf(current), next);
        return true;
      }
      case "patch": {
        const current = table.get(`${a.namespace}/${a.name}`);
        if (!current) return false;
        const next = mergePatch(current, a.patch) as Stored;
        next.metadata.resourceVersion = String(++this.rv);
        table.set(this.keyOf(current), next);
        return true;
      }
      case "delete": {
        const current = table.get(`${a.namespace}/${a.name}`);
        if (!current || (a.uid && current.metadata.uid !== a.uid)) return false;
        if (a.resource === "pods") {
          // Pods terminate gracefully: marked now, gone at the next step.
          current.metadata.deletionTimestamp ??= rfc3339(this.now);
          current.metadata.resourceVersion = String(++this.rv);
          this.observeGone(current);
        } else {
          table.delete(this.keyOf(current));
        }
        return true;
      }
    }
  }

  /**
   * Time passes by `seconds`: terminating pods go away; pods bound to a node start and become
   * ready (with `ready: false` from `unready`, they stay not ready). DaemonSet pods are bound
   * to the node their affinity names, others to `node-1`, standing in for the scheduler.
   */
  step(seconds = 1, unready: (pod: Stored<Pod>) => boolean = () => false): void {
    this.now = new Date(this.now.getTime() + seconds * 1000);
    for (const pod of this.pods()) {
      if (isPodTerminating(pod)) {
        this.remove("pods", pod.metadata.namespace, pod.metadata.name);
        continue;
      }
      if (!pod.spec!.nodeName) {
        const target = pod.spec?.affinity?.nodeAffinity?.requiredDuringSchedulingIgnoredDuringExecution?.nodeSelectorTerms?.[0]?.matchFields?.[0]?.values?.[0];
        pod.spec!.nodeName = target ?? "node-1";
      }
      if (pod.status?.phase === "Succeeded" || pod.status?.phase === "Failed") continue;
      const ready = !unready(pod);
      const wasReady = pod.status?.conditions?.find((c) => c.type === "Ready")?.status === "True";
      if (pod.status?.phase === "Running" && wasReady === ready) continue;
      pod.status = {
        phase: "Running",
        conditions: [{ type: "Ready", status: ready ? "True" : "False", lastTransitionTime: rfc3339(this.now) }],
      };
      pod.metadata.resourceVersion = String(++this.rv);
    }
  }

  private observeCreation(pod: KubeObject): void {
    const key = this.expectationKey(pod);
    if (key) this.expectations = creationObserved(this.expectations, key);
  }

  private observeGone(pod: Stored): void {
    const key = this.expectationKey(pod);
    if (key) this.expectations = deletionObserved(this.expectations, key, pod.metadata.uid);
  }

  private expectationKey(pod: KubeObject): string | undefined {
    const ref = controllerRefOf(pod);
    const resource = ref && RESOURCE_OF_KIND[ref.kind];
    return resource ? `${resource}/${pod.metadata.namespace}/${ref.name}` : undefined;
  }

  private table(resource: string): Map<string, Stored> {
    let t = this.objects.get(resource);
    if (!t) this.objects.set(resource, (t = new Map()));
    return t;
  }

  private keyOf(obj: KubeObject): string {
    return `${obj.metadata.namespace ?? ""}/${obj.metadata.name}`;
  }
}

/** RFC 7386 JSON merge patch. */
export function mergePatch(target: unknown, patch: unknown): unknown {
  if (patch === null || typeof patch !== "object" || Array.isArray(patch)) return clone(patch);
  const out: Record<string, unknown> =
    target !== null && typeof target === "object" && !Array.isArray(target) ? clone(target as Record<string, unknown>) : {};
  for (const [k, v] of Object.entries(patch)) {
    if (v === null) delete out[k];
    else out[k] = mergePatch(out[k], v);
  }
  return out;
}
