/** InterPodAffinity: required pod (anti-)affinity filters, preferred pod (anti-)affinity scores. */
import type {
  FilterPlugin,
  PluginFactory,
  PreFilterPlugin,
  PreScorePlugin,
  ScorePlugin,
} from "../../framework/interface.js";
import { names } from "../names.js";
import * as filtering from "./filtering.js";
import * as scoring from "./scoring.js";

export const Name = names.InterPodAffinity;
export {
  ErrReasonAffinityRulesNotMatch,
  ErrReasonAntiAffinityRulesNotMatch,
  ErrReasonExistingAntiAffinityRulesNotMatch,
} from "./filtering.js";

export const New: PluginFactory = (handle): PreFilterPlugin & FilterPlugin & PreScorePlugin & ScorePlugin => ({
  name: Name,
  events: ["NodeAdd", "NodeLabelUpdate", "AssignedPodAdd", "AssignedPodLabelUpdate", "AssignedPodDelete"],
  preFilter: (state, pod) => ({ status: filtering.preFilter(state, pod, handle.snapshot()) }),
  filter: (state, pod, node) => filtering.filter(state, pod, node, handle.snapshot()),
  preScore: (state, pod) => scoring.preScore(state, pod, handle.snapshot()),
  score: (state, _pod, node) => scoring.score(state, node),
  normalizeScore: (_state, _pod, scores) => scoring.normalizeScore(scores),
});
