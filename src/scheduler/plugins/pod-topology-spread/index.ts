/** PodTopologySpread: DoNotSchedule constraints filter, ScheduleAnyway and system defaults score. */
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

export const Name = names.PodTopologySpread;
export { ErrReasonConstraintsNotMatch, ErrReasonNodeLabelNotMatch } from "./filtering.js";

export const New: PluginFactory = (handle): PreFilterPlugin & FilterPlugin & PreScorePlugin & ScorePlugin => ({
  name: Name,
  events: ["NodeAdd", "NodeDelete", "NodeLabelUpdate", "NodeTaintUpdate", "AssignedPodAdd", "AssignedPodLabelUpdate", "AssignedPodDelete"],
  preFilter: (state, pod, nodes) => ({ status: filtering.preFilter(state, pod, nodes) }),
  filter: (state, _pod, node) => filtering.filter(state, node),
  preScore: (state, pod, nodes) => scoring.preScore(state, pod, nodes, handle.snapshot().nodeInfos),
  score: (state, _pod, node) => scoring.score(state, node),
  normalizeScore: (state, _pod, scores) => scoring.normalizeScore(state, scores),
});
