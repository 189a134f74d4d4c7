/**
 * NodeAffinity: `nodeSelector` and required node affinity filter nodes; preferred node
 * affinity scores them by the summed weights of the terms they match. Required terms that pin
 * `metadata.name` (as DaemonSet pods do) narrow the node set in PreFilter, so a DaemonSet pod is
 * checked against its one node instead of all of them.
 */
import { stateKey } from "../../framework/cycle-state.js";
import type {
  FilterPlugin,
  PluginFactory,
  PreFilterPlugin,
  PreScorePlugin,
  ScorePlugin,
} from "../../framework/interface.js";
import { MAX_NODE_SCORE } from "../../framework/interface.js";
import { defaultNormalizeScore } from "../../framework/normalize-score.js";
import type { PodInfo } from "../../framework/pod-info.js";
import { SKIP, SUCCESS, unresolvable } from "../../framework/status.js";
import { names } from "../names.js";
import { compileTerm, requiredNodeAffinity, type NodeMatcher, type NodeSelectorTerm } from "../helpers/node-selector.js";

export const Name = names.NodeAffinity;
export const ErrReasonPod = "node(s) didn't match Pod's node affinity/selector";
export const ErrReasonConflict = "pod affinity terms conflict";

const preFilterKey = stateKey<NodeMatcher>(`PreFilter${Name}`);
const preScoreKey = stateKey<{ matches: NodeMatcher; weight: number }[]>(`PreScore${Name}`);

/**
 * Node names every required term pins with `metadata.name In (…)`; undefined when some term does
 * not pin names (terms are ORed, so then any node may match).
 */
function pinnedNodeNames(terms: readonly NodeSelectorTerm[]): Set<string> | undefined {
  let union: Set<string> | undefined;
  for (const term of terms) {
    let names: Set<string> | undefined;
    for (const r of term.matchFields ?? []) {
      if (r.key !== "metadata.name" || r.operator !== "In") continue;
      const values = new Set(r.values ?? []);
      names = names ? new Set([...names].filter((n) => values.has(n))) : values;
    }
    if (!names) return undefined;
    union = new Set([...(union ?? []), ...names]);
  }
  return union;
}

function hasRequired(pod: PodInfo): boolean {
  return Boolean(pod.pod.spec?.affinity?.nodeAffinity?.requiredDuringSchedulingIgnoredDuringExecution);
}

export const New: PluginFactory = (): PreFilterPlugin & FilterPlugin & PreScorePlugin & ScorePlugin => ({
  name: Name,
  events: ["NodeAdd", "NodeLabelUpdate"],
  preFilter(state, pod) {
    if (!hasRequired(pod) && !pod.pod.spec?.nodeSelector) return { status: SKIP };
    state.write(preFilterKey, requiredNodeAffinity(pod.pod));
    const terms = pod.pod.spec?.affinity?.nodeAffinity?.requiredDuringSchedulingIgnoredDuringExecution?.nodeSelectorTerms;
    if (!terms || terms.length === 0) return { status: SUCCESS };
    const pinned = pinnedNodeNames(terms);
    if (pinned && pinned.size === 0) return { status: unresolvable(ErrReasonConflict) };
    return { status: SUCCESS, result: pinned ? { nodeNames: pinned } : undefined };
  },
  filter(state, _pod, node) {
    return state.read(preFilterKey)(node.node) ? SUCCESS : unresolvable(ErrReasonPod);
  },
  preScore(state, pod) {
    const preferred = pod.pod.spec?.affinity?.nodeAffinity?.preferredDuringSchedulingIgnoredDuringExecution ?? [];
    const terms = preferred.filter((t) => t.weight !== 0).map((t) => ({ matches: compileTerm(t.preference), weight: t.weight }));
    if (terms.length === 0) return SKIP;
    state.write(preScoreKey, terms);
    return SUCCESS;
  },
  score(state, _pod, node) {
    let total = 0;
    for (const t of state.read(preScoreKey)) if (t.matches(node.node)) total += t.weight;
    return total;
  },
  normalizeScore(_state, _pod, scores) {
    defaultNormalizeScore(MAX_NODE_SCORE, false, scores);
  },
});
