/**
 * Field paths over objects, with the list types and map types of the merge-key table, as
 * structured-merge-diff sees them: which fields a value sets, what lies at a path, what changed
 * between two objects, and removing fields.
 *
 * A walk carries `FieldInfo`, the patch metadata of the field holding the current value: its
 * `type` is the value's schema type (for a list, the element's). Unknown maps are granular,
 * unknown lists atomic — structured-merge-diff's defaults.
 */
import { deepEqual, isObject, type JsonObject } from "./json-value.js";
import { FieldSet } from "./field-set.js";
import { fieldPatchMeta, isAtomicType, type FieldPatchMeta } from "./merge-keys.js";

export type FieldInfo = FieldPatchMeta | undefined;

export function rootInfo(schemaType: string | undefined): FieldInfo {
  return schemaType ? { type: schemaType } : undefined;
}

export function fieldInfo(objectInfo: FieldInfo, name: string): FieldInfo {
  return fieldPatchMeta(objectInfo?.type, name);
}

export function itemInfo(listInfo: FieldInfo): FieldInfo {
  return listInfo?.type ? { type: listInfo.type } : undefined;
}

/** Whether a value is owned and replaced as a whole: scalars, atomic lists, atomic maps. */
export function isAtomic(value: unknown, info: FieldInfo): boolean {
  if (Array.isArray(value)) return (info?.listType ?? "atomic") === "atomic";
  if (isObject(value)) return info?.mapType === "atomic" || isAtomicType(info?.type);
  return true;
}

/** The key of a list-map item (`k:{"name":"a"}`) or set value (`v:"a"`). */
export function itemKey(item: unknown, listInfo: FieldInfo, index: number): string {
  if (listInfo?.listType === "set") return `v:${JSON.stringify(item)}`;
  if (!isObject(item)) return `i:${index}`;
  const names = listInfo?.listMapKeys ?? (listInfo?.patchMergeKey ? [listInfo.patchMergeKey] : []);
  const key: JsonObject = {};
  for (const name of [...names].sort()) {
    const v = item[name] ?? listInfo?.keyDefaults?.[name];
    if (v !== undefined && v !== null) key[name] = v;
  }
  return `k:${JSON.stringify(key)}`;
}

/**
 * The fields an object sets: leaves, atomic values, list items (members with their fields as
 * children), and empty maps.
 */
export function fieldSetOf(obj: JsonObject, info: FieldInfo): FieldSet {
  const set = new FieldSet();
  addObject(obj, info, set);
  return set;
}

function addObject(obj: JsonObject, info: FieldInfo, node: FieldSet): void {
  for (const [name, v] of Object.entries(obj)) {
    if (v === null || v === undefined) continue;
    addValue(v, fieldInfo(info, name), node.ensure(`f:${name}`));
  }
}

function addValue(v: unknown, info: FieldInfo, node: FieldSet): void {
  if (isAtomic(v, info) || (Array.isArray(v) && v.length === 0) || (isObject(v) && Object.keys(v).length === 0)) {
    node.member = true;
  } else if (Array.isArray(v)) {
    v.forEach((item, i) => {
      const child = node.ensure(itemKey(item, info, i));
      child.member = true;
      if (isObject(item) && info?.listType === "map") addObject(item, itemInfo(info), child);
    });
  } else {
    addObject(v as JsonObject, info, node);
  }
}

/** The value under one path element of `parent`, with its info; undefined when absent. */
export function childAt(parent: unknown, key: string, info: FieldInfo): { value: unknown; info: FieldInfo } | undefined {
  if (key.startsWith("f:")) {
    const name = key.slice(2);
    if (!isObject(parent) || !Object.hasOwn(parent, name) || parent[name] === null) return undefined;
    return { value: parent[name], info: fieldInfo(info, name) };
  }
  if (!Array.isArray(parent)) return undefined;
  const at = parent.findIndex((item, i) => itemKey(item, info, i) === key);
  return at < 0 ? undefined : { value: parent[at], info: itemInfo(info) };
}

/**
 * Members of `next`'s fields that `prev` lacks or holds differently. A member with children (a
 * list item) counts as changed only when it is new; leaves compare by value.
 */
export function changedFields(prev: unknown, next: JsonObject, info: FieldInfo): FieldSet {
  return changedUnder(fieldSetOf(next, info), prev, next, info);
}

/** Members of `set` (fields of `next`) that differ between `prev` and `next`. */
export function changedUnder(set: FieldSet, prev: unknown, next: unknown, info: FieldInfo): FieldSet {
  const out = new FieldSet();
  for (const [key, node] of set.children) {
    const n = childAt(next, key, info);
    const p = childAt(prev, key, info);
    const child = changedUnder(node, p?.value, n?.value, n?.info ?? p?.info);
    if (node.member) {
      const leaf = node.children.size === 0;
      child.member = leaf ? !deepEqual(p?.value, n?.value) : p === undefined && n !== undefined;
    }
    if (!child.isEmpty()) out.children.set(key, child);
  }
  return out;
}

/**
 * Remove from `obj` (in place) the members of `drop`, except where `keep` holds the path or
 * anything under it: then only the dropped fields inside go. Key fields of a list item that
 * stays are never removed, and maps and lists emptied here that nobody keeps go too.
 */
export function removeFields(obj: JsonObject, drop: FieldSet, keep: FieldSet, info: FieldInfo): void {
  removeUnder(obj, drop, keep, info, new Set());
}

function removeUnder(value: unknown, drop: FieldSet, keep: FieldSet | undefined, info: FieldInfo, keyFields: Set<string>): void {
  for (const [key, node] of drop.children) {
    const found = childAt(value, key, info);
    if (!found) continue;
    const kept = keep?.child(key);
    if (node.member && !kept) {
      const isKeyField = key.startsWith("f:") && keyFields.has(key.slice(2));
      if (!isKeyField) detach(value, key, info);
      continue;
    }
    const itemKeys = key.startsWith("k:") ? new Set(Object.keys(JSON.parse(key.slice(2)) as JsonObject)) : new Set<string>();
    removeUnder(found.value, node, kept, found.info, itemKeys);
    const emptied = (Array.isArray(found.value) && found.value.length === 0) || (isObject(found.value) && Object.keys(found.value).length === 0);
    if (emptied && !kept) detach(value, key, info);
  }
}

function detach(parent: unknown, key: string, info: FieldInfo): void {
  if (key.startsWith("f:")) {
    delete (parent as JsonObject)[key.slice(2)];
    return;
  }
  const list = parent as unknown[];
  const at = list.findIndex((item, i) => itemKey(item, info, i) === key);
  if (at >= 0) list.splice(at, 1);
}
