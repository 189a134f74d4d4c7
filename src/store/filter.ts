/** What a list or watch selects: a namespace, a label selector and a field selector. */
import { ApiError } from "../lib/errors.js";
import { FieldSelector, Selector, parseFieldSelector, parseLabelSelector } from "../lib/selectors.js";
import type { KubeObject } from "../lib/types.js";
import { fail } from "./failure.js";

export interface Filter {
  /** Undefined: all namespaces. */
  namespace?: string;
  labels: Selector;
  fields: FieldSelector;
  /** True when labels or fields restrict; then objects must be parsed to be judged. */
  selective: boolean;
}

export function compileFilter(options: { namespace?: string; labelSelector?: string; fieldSelector?: string }): Filter {
  try {
    const labels = parseLabelSelector(options.labelSelector ?? "");
    const fields = parseFieldSelector(options.fieldSelector ?? "");
    return { namespace: options.namespace, labels, fields, selective: !labels.empty() || !fields.empty() };
  } catch (e) {
    if (e instanceof ApiError) fail("BadRequest", e.message);
    throw e;
  }
}

/** Label and field selectors only; the namespace is filtered in SQL or by the caller. */
export function selects(filter: Filter, object: KubeObject): boolean {
  return filter.labels.matches(object.metadata?.labels) && filter.fields.matches(object);
}
