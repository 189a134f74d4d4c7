/**
 * The controller host's informer cache: the newest state of every object of the kinds the
 * controllers watch, kept in memory and fed from the store's change feed. Rebuilt by a full
 * list when the Durable Object wakes cold or the feed has been compacted away. Indexed by
 * namespace, so that a reconcile reading one namespace never scans the whole cluster.
 */
import type { Stored } from "../../lib/types.js";

export type ChangeType = "ADDED" | "MODIFIED" | "DELETED";

/** namespace → name → object */
type Bucket = Map<string, Map<string, Stored>>;

export class ObjectCache {
  private readonly byResource = new Map<string, Bucket>();

  private bucket(resource: string): Bucket {
    let b = this.byResource.get(resource);
    if (!b) this.byResource.set(resource, (b = new Map()));
    return b;
  }

  /** Replace everything known of `resource` (after a full list). */
  reset(resource: string, items: Stored[]): void {
    const b: Bucket = new Map();
    this.byResource.set(resource, b);
    for (const item of items) put(b, item);
  }

  /** Apply one change; returns the previous state, if any. */
  apply(resource: string, type: ChangeType, obj: Stored): Stored | undefined {
    const b = this.bucket(resource);
    const ns = obj.metadata.namespace ?? "";
    const previous = b.get(ns)?.get(obj.metadata.name);
    if (type === "DELETED") {
      b.get(ns)?.delete(obj.metadata.name);
      if (b.get(ns)?.size === 0) b.delete(ns);
    } else if (!previous || Number(previous.metadata.resourceVersion) <= Number(obj.metadata.resourceVersion)) {
      put(b, obj);
    }
    return previous;
  }

  get<T extends Stored = Stored>(resource: string, namespace: string, name: string): T | undefined {
    return this.bucket(resource).get(namespace)?.get(name) as T | undefined;
  }

  /** All objects of a resource, or those of one namespace. */
  list<T extends Stored = Stored>(resource: string, namespace?: string): T[] {
    const b = this.bucket(resource);
    if (namespace !== undefined) return [...(b.get(namespace)?.values() ?? [])] as T[];
    const all: Stored[] = [];
    for (const names of b.values()) for (const obj of names.values()) all.push(obj);
    return all as T[];
  }

  /** Namespaces in which `resource` has objects. */
  namespaces(resource: string): string[] {
    return [...this.bucket(resource).keys()];
  }
}

function put(b: Bucket, obj: Stored): void {
  const ns = obj.metadata.namespace ?? "";
  let names = b.get(ns);
  if (!names) b.set(ns, (names = new Map()));
  names.set(obj.metadata.name, obj);
}

/** `<namespace>/<name>` of a cached object. */
export function keyOf(obj: Stored): string {
  return `${obj.metadata.namespace ?? ""}/${obj.metadata.name}`;
}
