/**
 * LabelSelectors as predicates for the scheduler, over src/lib/selectors.ts. Compiled once per
 * pod, applied to thousands of pods per cycle. A selector the API server let through but that does
 * not parse matches nothing here rather than failing the batch (upstream ignores such parse errors
 * in NewPodInfo for the same reason).
 */
import { labelSelectorAsSelector } from "../../lib/selectors.js";
import type { LabelSelector } from "../../lib/types.js";

export type Labels = Readonly<Record<string, string>>;
export type LabelMatcher = (labels: Labels) => boolean;

export const matchNothing: LabelMatcher = () => false;
export const matchEverything: LabelMatcher = () => true;

/** `undefined`/`null` matches nothing and `{}` everything, as metav1.LabelSelectorAsSelector. */
export function compileLabelSelector(selector: LabelSelector | null | undefined): LabelMatcher {
  let compiled;
  try {
    compiled = labelSelectorAsSelector(selector);
  } catch {
    return matchNothing;
  }
  if (compiled.empty()) return matchEverything;
  return (labels) => compiled.matches(labels);
}

/** The `map[string]string` selectors of nodeSelector and Service: every pair must match. */
export function compileLabelMap(selector: Record<string, string> | undefined): LabelMatcher {
  const entries = Object.entries(selector ?? {});
  if (entries.length === 0) return matchEverything;
  return (labels) => entries.every(([key, value]) => labels[key] === value);
}
