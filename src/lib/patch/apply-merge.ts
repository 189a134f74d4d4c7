/**
 * The merge of server-side apply (structured-merge-diff's): an applied configuration merged
 * into the live object. Maps merge field by field; list-map items merge by their keys and sets
 * by value, keeping live-only items where they are and the applied items in the applied order;
 * atomic lists and maps are replaced.
 */
import { errors } from "../errors.js";
import { fieldInfo, isAtomic, itemInfo, itemKey, type FieldInfo } from "./field-paths.js";
import { formatPath } from "./field-set.js";
import { deepClone, isObject, type JsonObject } from "./json-value.js";

export function mergeApplied(live: unknown, applied: unknown, info: FieldInfo): unknown {
  if (isObject(live) && isObject(applied) && !isAtomic(applied, info)) {
    const out: JsonObject = { ...live };
    for (const [name, v] of Object.entries(applied)) {
      const current = live[name];
      out[name] = current === undefined || current === null ? deepClone(v) : mergeApplied(current, v, fieldInfo(info, name));
    }
    return out;
  }
  if (Array.isArray(live) && Array.isArray(applied) && !isAtomic(applied, info)) return mergeItems(live, applied, info);
  return deepClone(applied);
}

/**
 * Walk both lists together: live-only items stay in place; items both lists hold come in the
 * applied order (a live one waits while an earlier shared one is still due); new items go where
 * the applied list has them.
 */
function mergeItems(live: unknown[], applied: unknown[], info: FieldInfo): unknown[] {
  const liveKeys = live.map((item, i) => itemKey(item, info, i));
  const appliedKeys = applied.map((item, i) => itemKey(item, info, i));
  const liveAt = new Map<string, number>();
  liveKeys.forEach((k, i) => {
    if (!liveAt.has(k)) liveAt.set(k, i);
  });
  const applying = new Set(appliedKeys);
  const shared = appliedKeys.filter((k) => liveAt.has(k));
  let due = 0;
  const done = new Set<string>();
  const out: unknown[] = [];

  const takeApplied = (r: number) => {
    const key = appliedKeys[r];
    const l = liveAt.get(key);
    out.push(l === undefined ? deepClone(applied[r]) : mergeApplied(live[l], applied[r], itemInfo(info)));
    done.add(key);
    if (shared[due] === key) due++;
  };

  let li = 0;
  let ri = 0;
  while (li < live.length || ri < applied.length) {
    const lk = liveKeys[li];
    if (li < live.length && ri < applied.length) {
      if (lk === appliedKeys[ri]) {
        takeApplied(ri++);
        li++;
        continue;
      }
      if (applying.has(lk) && due < shared.length && shared[due] !== lk) {
        li++;
        continue;
      }
    }
    if (li < live.length && (!applying.has(lk) || done.has(lk))) {
      if (!applying.has(lk)) out.push(live[li]);
      li++;
      continue;
    }
    if (ri < applied.length) takeApplied(ri++);
    else li++;
  }
  return out;
}

/** An applied configuration may not name one list-map item or set value twice. */
export function assertUniqueKeys(value: unknown, info: FieldInfo, path: string[] = []): void {
  if (Array.isArray(value)) {
    if (isAtomic(value, info)) return;
    const seen = new Set<string>();
    value.forEach((item, i) => {
      const key = itemKey(item, info, i);
      if (seen.has(key)) {
        throw errors.badRequest(`failed to create typed patch object: ${formatPath(path)}: duplicate entries for key ${formatPath([key])}`);
      }
      seen.add(key);
      assertUniqueKeys(item, itemInfo(info), [...path, key]);
    });
  } else if (isObject(value) && !isAtomic(value, info)) {
    for (const [name, v] of Object.entries(value)) assertUniqueKeys(v, fieldInfo(info, name), [...path, `f:${name}`]);
  }
}
