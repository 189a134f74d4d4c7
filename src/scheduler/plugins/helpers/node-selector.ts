/**
 * Required node affinity: a pod's `nodeSelector` ANDed with its required node selector terms
 * (ORed; each term ANDs its matchExpressions and matchFields), as component-helpers'
 * nodeaffinity.RequiredNodeAffinity. Compiled once per pod.
 */
import type * as k8s from "@kubernetes/client-node";
import type { Node, Pod, Wire } from "../../../lib/types.js";
import { compileLabelMap, type Labels } from "../../internal/label-selector.js";

export type NodeSelectorTerm = Wire<k8s.V1NodeSelectorTerm>;
type Requirement = Wire<k8s.V1NodeSelectorRequirement>;
export type NodeMatcher = (node: Node) => boolean;

const INTEGER = /^[+-]?\d+$/;

function requirementMatches(r: Requirement, value: string | undefined, present: boolean): boolean {
  const values = r.values ?? [];
  switch (r.operator) {
    case "In":
      return present && values.includes(value!);
    case "NotIn":
      return !present || !values.includes(value!);
    case "Exists":
      return present;
    case "DoesNotExist":
      return !present;
    case "Gt":
    case "Lt": {
      // Both sides must be integers; anything else never matches (as upstream's parse errors).
      if (!present || !INTEGER.test(value!) || values.length !== 1 || !INTEGER.test(values[0])) return false;
      const [have, want] = [Number(value), Number(values[0])];
      return r.operator === "Gt" ? have > want : have < want;
    }
    default:
      return false;
  }
}

function labelRequirement(r: Requirement): (labels: Labels) => boolean {
  return (labels) => requirementMatches(r, labels[r.key], Object.hasOwn(labels, r.key));
}

/** matchFields supports only `metadata.name` (what DaemonSet pods use), with In and NotIn. */
function fieldRequirement(r: Requirement): NodeMatcher {
  if (r.key !== "metadata.name" || (r.operator !== "In" && r.operator !== "NotIn")) return () => false;
  return (node) => requirementMatches(r, node.metadata.name, true);
}

/** An empty term (no expressions, no fields) matches no node, as upstream. */
export function compileTerm(term: NodeSelectorTerm): NodeMatcher {
  const labels = (term.matchExpressions ?? []).map(labelRequirement);
  const fields = (term.matchFields ?? []).map(fieldRequirement);
  if (labels.length === 0 && fields.length === 0) return () => false;
  return (node) => {
    const nodeLabels = node.metadata.labels ?? {};
    return labels.every((m) => m(nodeLabels)) && fields.every((m) => m(node));
  };
}

export function compileTerms(terms: readonly NodeSelectorTerm[]): NodeMatcher {
  const compiled = terms.map(compileTerm);
  return (node) => compiled.some((m) => m(node));
}

/** `nodeSelector` AND required node affinity; matches every node when the pod has neither. */
export function requiredNodeAffinity(pod: Pod): NodeMatcher {
  const selector = pod.spec?.nodeSelector;
  const bySelector = selector && Object.keys(selector).length > 0 ? compileLabelMap(selector) : undefined;
  const required = pod.spec?.affinity?.nodeAffinity?.requiredDuringSchedulingIgnoredDuringExecution;
  const byTerms = required ? compileTerms(required.nodeSelectorTerms ?? []) : undefined;
  if (!bySelector && !byTerms) return () => true;
  return (node) => (!bySelector || bySelector(node.metadata.labels ?? {})) && (!byTerms || byTerms(node));
}
