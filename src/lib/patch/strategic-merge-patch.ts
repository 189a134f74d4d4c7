/**
 * Strategic merge patch (`application/strategic-merge-patch+json`), with Kubernetes' semantics
 * (apimachinery `pkg/util/strategicpatch`, and kubernetes/community's strategic-merge-patch.md):
 *
 * - maps merge key by key, `null` deletes a key;
 * - lists whose field has strategy `merge` merge by their merge key (containers by `name`, ports
 *   by `containerPort`, …), primitive `merge` lists (finalizers) merge as sets; other lists are
 *   replaced whole;
 * - order: items named in the patch take the patch's order, items only on the server keep
 *   theirs, and `$setElementOrder/<field>` gives the final order when present;
 * - directives: `$patch: replace|delete` in a map, `$patch: replace` or `{<key>: v, $patch: delete}`
 *   as list elements, `$retainKeys`, `$setElementOrder/<field>`, `$deleteFromPrimitiveList/<field>`.
 *
 * Malformed directives answer 400 (apiserver's `interpretStrategicMergePatchError`), lists of
 * lists 422. Where apiserver would let a plain Go error through as a 500 (a missing merge key,
 * `$patch: merge`, an unknown `$patch` value) Skiff answers 400 with the same message.
 */
import { errors } from "../errors.js";
import { decodePatchBody, deepClone, deepEqual, goTypeName, isObject, type JsonObject } from "./json-value.js";
import { fieldPatchMeta, schemaTypeOf, type FieldPatchMeta } from "./merge-keys.js";
import { rejectedPatch } from "./patch-errors.js";

const DIRECTIVE = "$patch";
const RETAIN_KEYS = "$retainKeys";
const SET_ORDER_PREFIX = "$setElementOrder/";
const DELETE_FROM_PREFIX = "$deleteFromPrimitiveList/";

/** The kind whose patch metadata steers the merge; kinds without any merge as plain JSON. */
export interface KindRef {
  apiVersion: string;
  kind: string;
}

/** Apply a strategic merge patch to a copy of `target`; `target` is left untouched. */
export function applyStrategicMergePatch<T extends JsonObject>(target: T, body: unknown, kind: KindRef): T {
  const patch = decodePatchBody(body);
  if (!isObject(patch)) {
    throw errors.badRequest(`json: cannot unmarshal ${goTypeName(patch)} into Go value of type map[string]interface {}`);
  }
  return mergeMap(deepClone(target), patch, schemaTypeOf(kind.apiVersion, kind.kind)) as T;
}

/** Merge `patch` into `original` (which is consumed); `type` is the schema type of both. */
function mergeMap(original: JsonObject, patch: JsonObject, type: string | undefined): JsonObject {
  if (Object.hasOwn(patch, DIRECTIVE)) return mapDirective(patch, type);
  const rest: JsonObject = { ...patch };
  applyRetainKeys(original, rest);
  applySetElementOrders(original, rest, type);
  const deletions: [string, unknown][] = [];
  for (const [key, value] of Object.entries(rest)) {
    if (key.startsWith(DELETE_FROM_PREFIX)) {
      deletions.push([key.slice(DELETE_FROM_PREFIX.length), value]);
      continue;
    }
    if (value === null) {
      delete original[key];
      continue;
    }
    const meta = fieldPatchMeta(type, key);
    const current = original[key];
    let merged: unknown;
    if (current === undefined || current === null || valueKind(current) !== valueKind(value)) merged = fresh(value, meta);
    else if (isObject(value)) merged = meta?.patchStrategy === "replace" ? fresh(value, meta) : mergeMap(current as JsonObject, value, meta?.type);
    else if (Array.isArray(value)) merged = mergeList(current as unknown[], value, meta);
    else merged = value;
    if (merged === undefined) delete original[key];
    else original[key] = merged;
  }
  for (const [field, values] of deletions) deleteFromPrimitiveList(original, field, values);
  return original;
}

/** `$patch` in a map: `replace` takes the map as written, `delete` empties it. */
function mapDirective(patch: JsonObject, type: string | undefined): JsonObject {
  const { [DIRECTIVE]: directive, ...rest } = patch;
  if (directive === "replace") return mergeMap({}, rest, type);
  if (directive === "delete") return {};
  throw errors.badRequest(`unknown patch type: ${String(directive)} in map: ${JSON.stringify(patch)}`);
}

/**
 * A patch value for a key the original lacks: merged into nothing, so that its directives are
 * honoured and its nulls dropped. `undefined` when nothing remains (a `$patch: delete` map).
 */
function fresh(value: unknown, meta: FieldPatchMeta | undefined): unknown {
  if (isObject(value)) {
    if (value[DIRECTIVE] === "delete") return undefined;
    return mergeMap({}, value, meta?.type);
  }
  if (Array.isArray(value)) return mergeList([], value, meta);
  return value;
}

function applyRetainKeys(original: JsonObject, rest: JsonObject): void {
  if (!Object.hasOwn(rest, RETAIN_KEYS)) return;
  const keep = rest[RETAIN_KEYS];
  delete rest[RETAIN_KEYS];
  if (!Array.isArray(keep)) throw errors.badRequest("invalid patch format of retainKeys");
  for (const [key, value] of Object.entries(rest)) {
    if (value === null || key.startsWith(DELETE_FROM_PREFIX) || key.startsWith(SET_ORDER_PREFIX)) continue;
    // Every field the patch sets must be one it retains.
    if (!keep.includes(key)) throw errors.badRequest("invalid patch format of retainKeys");
  }
  for (const key of Object.keys(original)) if (!keep.includes(key)) delete original[key];
}

/** Each `$setElementOrder/<field>` merges its list with the patch's and sets the final order. */
function applySetElementOrders(original: JsonObject, rest: JsonObject, type: string | undefined): void {
  for (const key of Object.keys(rest)) {
    if (!key.startsWith(SET_ORDER_PREFIX)) continue;
    const order = rest[key];
    delete rest[key];
    if (!Array.isArray(order)) throw errors.badRequest("invalid patch format of setElementOrder list");
    const field = key.slice(SET_ORDER_PREFIX.length);
    const meta = fieldPatchMeta(type, field);
    const mergeKey = meta?.patchMergeKey;
    const current = listOrUndefined(original[field], field);
    const patchList = listOrUndefined(rest[field], field);
    delete rest[field];
    if (patchList) checkOrderMatchesPatch(patchList, order, mergeKey);
    let merged: unknown[];
    if (current && patchList) merged = mergeList(current, patchList, meta);
    else if (current) merged = current;
    else if (patchList) merged = mergeList([], patchList, meta);
    else continue;
    const inOrder = merged.filter((item) => indexOf(order, item, mergeKey) >= 0);
    const serverOnly = merged.filter((item) => indexOf(order, item, mergeKey) < 0);
    original[field] = interleave(
      sortBy(serverOnly, current ?? [], mergeKey),
      sortBy(inOrder, order, mergeKey),
      current ?? [],
      mergeKey,
    );
  }
}

function listOrUndefined(v: unknown, field: string): unknown[] | undefined {
  if (v === undefined || v === null) return undefined;
  if (!Array.isArray(v)) throw errors.badRequest(`expected a []interface {}, but received a ${goTypeName(v)} for ${field}`);
  return v;
}

/** The items a patch lists must appear in `$setElementOrder` in the same relative order. */
function checkOrderMatchesPatch(patchList: unknown[], order: unknown[], mergeKey: string | undefined): void {
  const items = patchList.filter((item) => !isDirectiveElement(item));
  let p = 0;
  for (let s = 0; p < items.length && s < order.length; s++) {
    if (sameElement(items[p], order[s], mergeKey)) p++;
  }
  if (p < items.length) {
    throw errors.badRequest(
      `The order in patch list:\n${JSON.stringify(patchList)}\n doesn't match ${SET_ORDER_PREFIX.slice(0, -1)} list:\n${JSON.stringify(order)}\n`,
    );
  }
}

/** Merge a patch list into an original list as the field's strategy says. */
function mergeList(original: unknown[], patch: unknown[], meta: FieldPatchMeta | undefined): unknown[] {
  const strategy = meta?.patchStrategy;
  if (strategy !== "merge" && strategy !== "merge,retainKeys") {
    return patch.filter((item) => !isDirectiveElement(item)).map((item) => fresh(item, meta));
  }
  if (original.length === 0 && patch.length === 0) return original;
  const all = [...original, ...patch];
  if (all.some(Array.isArray)) throw rejectedPatch("lists of lists are not supported");
  if (!all.every((item) => valueKind(item) === valueKind(all[0]))) {
    throw errors.badRequest(`list element types are not identical: ${JSON.stringify([original, patch])}`);
  }
  return isObject(all[0]) ? mergeListOfMaps(original, patch, meta!) : mergePrimitiveSet(original, patch);
}

/** A primitive list with strategy `merge` is a set: union, patch order for the patch's items. */
function mergePrimitiveSet(original: unknown[], patch: unknown[]): unknown[] {
  const merged: unknown[] = [];
  for (const item of [...original, ...patch]) if (!merged.includes(item)) merged.push(item);
  const fromPatch = merged.filter((item) => patch.includes(item));
  const serverOnly = merged.filter((item) => !patch.includes(item));
  return interleave(serverOnly, sortBy(fromPatch, patch, undefined), original, undefined);
}

function mergeListOfMaps(originalIn: unknown[], patch: unknown[], meta: FieldPatchMeta): unknown[] {
  const mergeKey = meta.patchMergeKey;
  if (!mergeKey) throw errors.badRequest(`cannot merge lists without merge key for ${meta.type ?? "map"}`);
  let original = originalIn;
  const items: JsonObject[] = [];
  let replace = false;
  for (const raw of patch) {
    const item = raw as JsonObject;
    if (!Object.hasOwn(item, DIRECTIVE)) {
      items.push(item);
      continue;
    }
    const directive = item[DIRECTIVE];
    if (directive === "delete") {
      const key = requireMergeKey(item, mergeKey);
      // Every entry with that key goes, duplicates included.
      original = original.filter((o) => !(isObject(o) && o[mergeKey] === key));
    } else if (directive === "replace") {
      replace = true;
    } else if (directive === "merge") {
      throw errors.badRequest("merging lists cannot yet be specified in the patch");
    } else {
      throw errors.badRequest(`unknown patch type: ${String(directive)} in map: ${JSON.stringify(item)}`);
    }
  }
  // `- $patch: replace` as an element: the list is the patch's other elements, as written.
  if (replace) return items.map((item) => mergeMap({}, item, meta.type));

  const merged = [...original];
  for (const item of items) {
    const key = requireMergeKey(item, mergeKey);
    const at = merged.findIndex((o) => isObject(o) && o[mergeKey] === key);
    if (at >= 0) merged[at] = mergeMap(merged[at] as JsonObject, item, meta.type);
    else merged.push(mergeMap({}, item, meta.type));
  }
  const fromPatch = merged.filter((m) => indexOf(items, m, mergeKey) >= 0);
  const serverOnly = merged.filter((m) => indexOf(items, m, mergeKey) < 0);
  return interleave(serverOnly, sortBy(fromPatch, items, mergeKey), original, mergeKey);
}

function requireMergeKey(item: JsonObject, mergeKey: string): unknown {
  if (!Object.hasOwn(item, mergeKey)) {
    throw errors.badRequest(`map: ${JSON.stringify(item)} does not contain declared merge key: ${mergeKey}`);
  }
  return item[mergeKey];
}

/** `$deleteFromPrimitiveList/<field>`: drop those values from the list, whatever its strategy. */
function deleteFromPrimitiveList(original: JsonObject, field: string, values: unknown): void {
  if (!Array.isArray(values)) throw errors.badRequest("invalid patch format of primitive list");
  const current = original[field];
  if (Array.isArray(current)) original[field] = current.filter((item) => !values.includes(item));
}

/**
 * Merge two lists each already in its wanted order: server-only items (`left`) go before a
 * patch item when both are on the server and the server has them in that order; otherwise the
 * patch item comes first. This is how apimachinery places items, so new items a patch adds
 * without `$setElementOrder` land before the server's remaining ones.
 */
function interleave(left: unknown[], right: unknown[], serverOrder: unknown[], mergeKey: string | undefined): unknown[] {
  const out: unknown[] = [];
  let i = 0;
  let j = 0;
  while (i < left.length || j < right.length) {
    if (j >= right.length) out.push(left[i++]);
    else if (i >= left.length) out.push(right[j++]);
    else {
      const li = indexOf(serverOrder, left[i], mergeKey);
      const ri = indexOf(serverOrder, right[j], mergeKey);
      out.push(li >= 0 && ri >= 0 && li < ri ? left[i++] : right[j++]);
    }
  }
  return out;
}

/** Stable sort of `items` by their position in `order`; items not in it keep their place after. */
function sortBy(items: unknown[], order: unknown[], mergeKey: string | undefined): unknown[] {
  const rank = (item: unknown) => {
    const at = indexOf(order, item, mergeKey);
    return at < 0 ? Number.MAX_SAFE_INTEGER : at;
  };
  return items
    .map((item, at) => ({ item, at, rank: rank(item) }))
    .sort((a, b) => a.rank - b.rank || a.at - b.at)
    .map((x) => x.item);
}

function indexOf(list: unknown[], item: unknown, mergeKey: string | undefined): number {
  return list.findIndex((candidate) => sameElement(candidate, item, mergeKey));
}

function sameElement(a: unknown, b: unknown, mergeKey: string | undefined): boolean {
  if (!mergeKey) return isObject(a) || isObject(b) ? deepEqual(a, b) : a === b;
  if (!isObject(a) || !isObject(b)) return false;
  return requireMergeKey(a, mergeKey) === requireMergeKey(b, mergeKey);
}

function isDirectiveElement(item: unknown): boolean {
  return isObject(item) && Object.hasOwn(item, DIRECTIVE);
}

function valueKind(v: unknown): string {
  if (Array.isArray(v)) return "list";
  if (isObject(v)) return "map";
  return typeof v;
}
