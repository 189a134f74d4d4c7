/**
 * One scheduling cycle for one pod (upstream schedulePod / findNodesThatFitPod / prioritizeNodes /
 * selectHost): PreFilter, Filter over the nodes starting where the last cycle stopped until enough
 * feasible nodes are found, PreScore and Score over those, then the best node, ties broken by
 * reservoir sampling so that equal nodes share the load.
 */
import { CycleState } from "./framework/cycle-state.js";
import { fitErrorMessage, newDiagnosis, type Diagnosis } from "./framework/fit-error.js";
import type { NodeInfo, Snapshot } from "./framework/node-info.js";
import type { PodInfo } from "./framework/pod-info.js";
import type { Framework } from "./framework/runtime.js";
import { isRejected, isSuccess, statusMessage, unresolvable } from "./framework/status.js";

/** Upstream's minFeasibleNodesToFind and minFeasibleNodesPercentageToFind. */
export const MIN_FEASIBLE_NODES_TO_FIND = 100;
export const MIN_FEASIBLE_NODES_PERCENTAGE_TO_FIND = 5;

export type ScheduleOutcome =
  | { kind: "scheduled"; node: string; evaluatedNodes: number; feasibleNodes: number }
  | { kind: "unschedulable"; message: string; diagnosis: Diagnosis }
  | { kind: "error"; message: string; plugin?: string };

/** How many feasible nodes to look for before scoring (upstream numFeasibleNodesToFind). */
export function numFeasibleNodesToFind(numAllNodes: number, percentageOfNodesToScore = 0): number {
  if (numAllNodes < MIN_FEASIBLE_NODES_TO_FIND) return numAllNodes;
  let percentage = percentageOfNodesToScore;
  if (percentage <= 0) {
    percentage = Math.max(50 - Math.trunc(numAllNodes / 125), MIN_FEASIBLE_NODES_PERCENTAGE_TO_FIND);
  }
  const n = Math.trunc((numAllNodes * percentage) / 100);
  return Math.max(n, MIN_FEASIBLE_NODES_TO_FIND);
}

/** Highest total wins; among equals each is equally likely (reservoir sampling, as upstream). */
export function selectHost(nodes: readonly NodeInfo[], totals: readonly number[], rng: () => number): NodeInfo {
  let selected = 0;
  let tied = 1;
  for (let i = 1; i < nodes.length; i++) {
    if (totals[i] > totals[selected]) {
      selected = i;
      tied = 1;
    } else if (totals[i] === totals[selected]) {
      tied++;
      if (Math.floor(rng() * tied) === 0) selected = i;
    }
  }
  return nodes[selected];
}

export class SchedulingAlgorithm {
  /** Where the next cycle starts filtering, so every node gets its turn (upstream nextStartNodeIndex). */
  nextStartNodeIndex = 0;

  constructor(
    private readonly framework: Framework,
    private readonly rng: () => number,
  ) {}

  schedule(pod: PodInfo, snapshot: Snapshot): ScheduleOutcome {
    const all = snapshot.nodeInfos;
    if (all.length === 0) return { kind: "unschedulable", message: fitErrorMessage(0, newDiagnosis()), diagnosis: newDiagnosis() };
    const state = new CycleState();
    const diagnosis = newDiagnosis();

    const pre = this.framework.runPreFilter(state, pod, all);
    if (!isSuccess(pre.status)) {
      if (!isRejected(pre.status)) return { kind: "error", message: statusMessage(pre.status), plugin: pre.status.plugin };
      diagnosis.preFilterMsg = statusMessage(pre.status);
      if (pre.status.plugin) diagnosis.unschedulablePlugins.add(pre.status.plugin);
      return { kind: "unschedulable", message: fitErrorMessage(all.length, diagnosis), diagnosis };
    }

    let candidates: readonly NodeInfo[] = all;
    const pinned = pre.result?.nodeNames;
    if (pinned) {
      candidates = [...pinned].map((n) => snapshot.get(n)).filter((n): n is NodeInfo => n !== undefined);
      diagnosis.absentNodesStatus = unresolvable(`node(s) didn't satisfy plugin(s) [${[...pre.narrowedBy].sort().join(" ")}]`);
      for (const p of pre.narrowedBy) diagnosis.unschedulablePlugins.add(p);
    }

    const feasible = this.#findFeasible(state, pod, candidates, all.length, diagnosis);
    if ("kind" in feasible) return feasible;
    if (feasible.length === 0) {
      return { kind: "unschedulable", message: fitErrorMessage(all.length, diagnosis), diagnosis };
    }
    const evaluatedNodes = feasible.length + diagnosis.nodeToStatus.size;
    if (feasible.length === 1) {
      return { kind: "scheduled", node: feasible[0].name, evaluatedNodes, feasibleNodes: 1 };
    }

    const preScore = this.framework.runPreScore(state, pod, feasible);
    if (!isSuccess(preScore)) return { kind: "error", message: statusMessage(preScore), plugin: preScore.plugin };
    const { totals, status } = this.framework.runScore(state, pod, feasible);
    if (!isSuccess(status)) return { kind: "error", message: statusMessage(status), plugin: status.plugin };
    const host = selectHost(feasible, totals, this.rng);
    return { kind: "scheduled", node: host.name, evaluatedNodes, feasibleNodes: feasible.length };
  }

  #findFeasible(
    state: CycleState,
    pod: PodInfo,
    nodes: readonly NodeInfo[],
    numAllNodes: number,
    diagnosis: Diagnosis,
  ): NodeInfo[] | Extract<ScheduleOutcome, { kind: "error" }> {
    const want = numFeasibleNodesToFind(nodes.length, this.framework.profile.percentageOfNodesToScore);
    const feasible: NodeInfo[] = [];
    const start = nodes.length === numAllNodes ? this.nextStartNodeIndex % nodes.length : 0;
    let processed = 0;
    for (let i = 0; i < nodes.length && feasible.length < want; i++) {
      const node = nodes[(start + i) % nodes.length];
      processed++;
      const s = this.framework.runFilter(state, pod, node);
      if (isSuccess(s)) {
        feasible.push(node);
      } else if (isRejected(s)) {
        diagnosis.nodeToStatus.set(node.name, s);
        if (s.plugin) diagnosis.unschedulablePlugins.add(s.plugin);
      } else {
        return { kind: "error", message: statusMessage(s), plugin: s.plugin };
      }
    }
    this.nextStartNodeIndex = (this.nextStartNodeIndex + processed) % numAllNodes;
    return feasible;
  }
}
