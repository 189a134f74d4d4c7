/**
 * A set of field paths, as structured-merge-diff keeps them for server-side apply, stored as a
 * tree keyed by path elements in `fieldsV1` notation: `f:<field>`, `k:<json of list-map keys>`,
 * `v:<json of a set value>`, `i:<index>`. A node is a member when its path itself is in the set
 * (a leaf, an atomic value, a list item); in `fieldsV1` a member with children carries `".": {}`.
 */
import { isObject, type JsonObject } from "./json-value.js";

export class FieldSet {
  member = false;
  readonly children = new Map<string, FieldSet>();

  child(key: string): FieldSet | undefined {
    return this.children.get(key);
  }

  ensure(key: string): FieldSet {
    let c = this.children.get(key);
    if (!c) this.children.set(key, (c = new FieldSet()));
    return c;
  }

  isEmpty(): boolean {
    return !this.member && this.children.size === 0;
  }

  /** Members of this set or of `other`. */
  union(other: FieldSet): FieldSet {
    const out = this.copy();
    out.member ||= other.member;
    for (const [key, c] of other.children) out.children.set(key, out.children.get(key)?.union(c) ?? c.copy());
    return out;
  }

  /** Members of this set that are not members of `other`. */
  difference(other: FieldSet | undefined): FieldSet {
    const out = new FieldSet();
    out.member = this.member && !other?.member;
    for (const [key, c] of this.children) {
      const d = c.difference(other?.child(key));
      if (!d.isEmpty()) out.children.set(key, d);
    }
    return out;
  }

  /** Members of both sets. */
  intersection(other: FieldSet | undefined): FieldSet {
    const out = new FieldSet();
    if (!other) return out;
    out.member = this.member && other.member;
    for (const [key, c] of this.children) {
      const o = other.child(key);
      if (!o) continue;
      const i = c.intersection(o);
      if (!i.isEmpty()) out.children.set(key, i);
    }
    return out;
  }

  equals(other: FieldSet): boolean {
    if (this.member !== other.member || this.children.size !== other.children.size) return false;
    for (const [key, c] of this.children) {
      const o = other.child(key);
      if (!o || !c.equals(o)) return false;
    }
    return true;
  }

  /** Every member's path, depth first. */
  members(prefix: string[] = []): string[][] {
    const out: string[][] = this.member ? [prefix] : [];
    for (const [key, c] of this.children) out.push(...c.members([...prefix, key]));
    return out;
  }

  copy(): FieldSet {
    const out = new FieldSet();
    out.member = this.member;
    for (const [key, c] of this.children) out.children.set(key, c.copy());
    return out;
  }

  /** Drop the node at `path` with everything under it, and the nodes that only led to it. */
  prune(path: readonly string[]): void {
    if (path.length === 0) return;
    const c = this.child(path[0]);
    if (!c) return;
    if (path.length === 1) {
      c.children.clear();
      c.member = false;
    } else {
      c.prune(path.slice(1));
    }
    if (c.isEmpty()) this.children.delete(path[0]);
  }

  /** The `fieldsV1` object: `"."` first, then field names, then keys and values, each sorted. */
  toFieldsV1(): JsonObject {
    const out: JsonObject = {};
    if (this.member && this.children.size > 0) out["."] = {};
    const keys = [...this.children.keys()].sort((a, b) => elementRank(a) - elementRank(b) || (a < b ? -1 : a > b ? 1 : 0));
    for (const key of keys) out[key] = this.children.get(key)!.toFieldsV1();
    return out;
  }

  /** Parse `fieldsV1`; throws on anything that is not one. */
  static fromFieldsV1(v: unknown): FieldSet {
    if (!isObject(v)) throw new Error("fieldsV1 must be an object");
    const out = new FieldSet();
    const entries = Object.entries(v);
    if (entries.length === 0) out.member = true;
    for (const [key, c] of entries) {
      if (key === ".") out.member = true;
      else if (/^[fkvi]:/.test(key)) out.children.set(key, FieldSet.fromFieldsV1(c));
      else throw new Error(`unknown path element ${JSON.stringify(key)} in fieldsV1`);
    }
    return out;
  }
}

function elementRank(key: string): number {
  return "fkvi".indexOf(key[0]);
}

/** A path as apimachinery prints it: `.spec.template.spec.containers[name="nginx"].image`. */
export function formatPath(path: readonly string[]): string {
  return path
    .map((key) => {
      const body = key.slice(2);
      switch (key[0]) {
        case "f":
          return `.${body}`;
        case "k":
          return `[${Object.entries(JSON.parse(body) as JsonObject)
            .map(([k, v]) => `${k}=${JSON.stringify(v)}`)
            .join(",")}]`;
        case "v":
          return `[=${body}]`;
        default:
          return `[${body}]`;
      }
    })
    .join("");
}
