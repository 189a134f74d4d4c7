/**
 * TaintToleration: filters nodes with a NoSchedule/NoExecute taint the pod does not tolerate,
 * and scores nodes by how many PreferNoSchedule taints the pod does not tolerate (fewer is
 * better: the normalisation is reversed).
 */
import { stateKey } from "../../framework/cycle-state.js";
import type { FilterPlugin, PluginFactory, PreScorePlugin, ScorePlugin } from "../../framework/interface.js";
import { MAX_NODE_SCORE } from "../../framework/interface.js";
import { defaultNormalizeScore } from "../../framework/normalize-score.js";
import { SUCCESS, unresolvable } from "../../framework/status.js";
import { names } from "../names.js";
import { findUntoleratedTaint, tolerated, type Toleration } from "../helpers/tolerations.js";

export const Name = names.TaintToleration;
export const untoleratedTaintReason = (key: string, value = ""): string =>
  `node(s) had untolerated taint {${key}: ${value}}`;

const FILTER_EFFECTS: ReadonlySet<string> = new Set(["NoSchedule", "NoExecute"]);
const preScoreKey = stateKey<Toleration[]>(`PreScore${Name}`);

export const New: PluginFactory = (): FilterPlugin & PreScorePlugin & ScorePlugin => ({
  name: Name,
  events: ["NodeAdd", "NodeTaintUpdate"],
  filter(_state, pod, node) {
    const taint = findUntoleratedTaint(node.node.spec?.taints ?? [], pod.pod.spec?.tolerations ?? [], FILTER_EFFECTS);
    return taint ? unresolvable(untoleratedTaintReason(taint.key, taint.value)) : SUCCESS;
  },
  preScore(state, pod) {
    // Only tolerations that can apply to PreferNoSchedule taints count (effect empty or that).
    const tolerations = (pod.pod.spec?.tolerations ?? []).filter((t) => !t.effect || t.effect === "PreferNoSchedule");
    state.write(preScoreKey, tolerations);
    return SUCCESS;
  },
  score(state, _pod, node) {
    const tolerations = state.read(preScoreKey);
    let count = 0;
    for (const taint of node.node.spec?.taints ?? []) {
      if (taint.effect === "PreferNoSchedule" && !tolerated(tolerations, taint)) count++;
    }
    return count;
  },
  normalizeScore(_state, _pod, scores) {
    defaultNormalizeScore(MAX_NODE_SCORE, true, scores);
  },
});
