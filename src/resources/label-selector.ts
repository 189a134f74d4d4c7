/**
 * Label selectors as the printers and the scale subresource show them (`app=web,tier in (a,b)`),
 * and matching a selector against a label set (a workload's selector against its template).
 *
 * Kept here, small and private to src/resources, until src/lib/selectors.ts (another engineer's)
 * offers `formatLabelSelector` and matching; then this module should defer to it.
 */
import type { LabelSelector } from "../lib/types.js";

type Labels = Record<string, string> | undefined | null;

function requirementStrings(selector: LabelSelector): string[] | null {
  const reqs: Array<[string, string]> = [];
  for (const [k, v] of Object.entries(selector.matchLabels ?? {})) reqs.push([k, `${k}=${v}`]);
  for (const e of selector.matchExpressions ?? []) {
    const values = [...(e.values ?? [])].sort().join(",");
    switch (e.operator) {
      case "In":
        reqs.push([e.key, `${e.key} in (${values})`]);
        break;
      case "NotIn":
        reqs.push([e.key, `${e.key} notin (${values})`]);
        break;
      case "Exists":
        reqs.push([e.key, e.key]);
        break;
      case "DoesNotExist":
        reqs.push([e.key, `!${e.key}`]);
        break;
      default:
        return null;
    }
  }
  return reqs.sort((a, b) => (a[0] < b[0] ? -1 : a[0] > b[0] ? 1 : 0)).map(([, s]) => s);
}

/** `labels.Selector.String()`: requirements sorted by key; "" for an empty selector; null if invalid. */
export function selectorString(selector: LabelSelector | undefined | null): string | null {
  if (!selector) return "";
  const reqs = requirementStrings(selector);
  return reqs === null ? null : reqs.join(",");
}

/** `metav1.FormatLabelSelector`: as `selectorString`, with `<none>` and `<error>`. */
export function formatLabelSelector(selector: LabelSelector | undefined | null): string {
  const s = selectorString(selector);
  if (s === null) return "<error>";
  return s === "" ? "<none>" : s;
}

/** `labels.FormatLabels`: `k=v` pairs sorted by key, or `<none>`. */
export function formatLabels(labels: Labels): string {
  const entries = Object.entries(labels ?? {}).sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0));
  return entries.length === 0 ? "<none>" : entries.map(([k, v]) => `${k}=${v}`).join(",");
}

/** Whether a label set satisfies a selector. An empty selector matches everything. */
export function selectorMatches(selector: LabelSelector, labels: Labels): boolean {
  const l = labels ?? {};
  const has = (k: string) => Object.prototype.hasOwnProperty.call(l, k);
  for (const [k, v] of Object.entries(selector.matchLabels ?? {})) if (l[k] !== v) return false;
  for (const e of selector.matchExpressions ?? []) {
    const values = e.values ?? [];
    const ok =
      e.operator === "In"
        ? has(e.key) && values.includes(l[e.key])
        : e.operator === "NotIn"
          ? !has(e.key) || !values.includes(l[e.key])
          : e.operator === "Exists"
            ? has(e.key)
            : e.operator === "DoesNotExist"
              ? !has(e.key)
              : false;
    if (!ok) return false;
  }
  return true;
}

export function isEmptySelector(selector: LabelSelector): boolean {
  return Object.keys(selector.matchLabels ?? {}).length + (selector.matchExpressions ?? []).length === 0;
}
