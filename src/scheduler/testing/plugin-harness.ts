/** Runs one plugin's extension points the way the framework would, for table-driven tests. */
import type { Node, Pod } from "../../lib/types.js";
import { CycleState } from "../framework/cycle-state.js";
import {
  isFilter,
  isPreFilter,
  isPreScore,
  isScore,
  type NodeScore,
  type PluginFactory,
  type PreFilterResult,
} from "../framework/interface.js";
import { Snapshot } from "../framework/node-info.js";
import { newPodInfo } from "../framework/pod-info.js";
import type { Status } from "../framework/status.js";

export interface FilterRun {
  preFilter?: Status;
  result?: PreFilterResult;
  /** Per node: "Success", or `<code>: <reasons>`; absent when PreFilter skipped or rejected. */
  byNode: Record<string, string>;
}

const describeStatus = (s: Status): string => (s.code === "Success" ? "Success" : `${s.code}: ${s.reasons.join(", ")}`);

export function runFilter(factory: PluginFactory, pod: Pod, nodes: Node[], pods: Pod[] = []): FilterRun {
  const snapshot = new Snapshot({ nodes, pods });
  const plugin = factory({ snapshot: () => snapshot });
  const state = new CycleState();
  const info = newPodInfo(pod);
  const run: FilterRun = { byNode: {} };
  if (isPreFilter(plugin)) {
    const { status, result } = plugin.preFilter(state, info, snapshot.nodeInfos);
    run.preFilter = status;
    run.result = result;
    if (status.code === "Skip") {
      for (const n of snapshot.nodeInfos) run.byNode[n.name] = "Success";
      return run;
    }
    if (status.code !== "Success") return run;
  }
  if (!isFilter(plugin)) throw new Error(`${plugin.name} has no Filter`);
  for (const n of snapshot.nodeInfos) run.byNode[n.name] = describeStatus(plugin.filter(state, info, n));
  return run;
}

/** Normalised scores by node name; `skipped` when PreScore returned Skip. */
export function runScore(factory: PluginFactory, pod: Pod, nodes: Node[], pods: Pod[] = []): Record<string, number> | "skipped" {
  const snapshot = new Snapshot({ nodes, pods });
  const plugin = factory({ snapshot: () => snapshot });
  const state = new CycleState();
  const info = newPodInfo(pod);
  if (isPreScore(plugin)) {
    const s = plugin.preScore(state, info, snapshot.nodeInfos);
    if (s.code === "Skip") return "skipped";
    if (s.code !== "Success") throw new Error(`PreScore failed: ${s.reasons.join(", ")}`);
  }
  if (!isScore(plugin)) throw new Error(`${plugin.name} has no Score`);
  const scores: NodeScore[] = snapshot.nodeInfos.map((n) => ({ name: n.name, score: plugin.score(state, info, n) }));
  plugin.normalizeScore?.(state, info, scores);
  return Object.fromEntries(scores.map((s) => [s.name, s.score]));
}
