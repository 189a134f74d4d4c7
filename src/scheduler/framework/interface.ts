/**
 * The plugin interfaces of the scheduling framework, in kube-scheduler's shape: a plugin has a
 * name and implements any of the extension points; the framework calls them in profile order.
 */
import type { CycleState } from "./cycle-state.js";
import type { NodeInfo, Snapshot } from "./node-info.js";
import type { PodInfo } from "./pod-info.js";
import type { Status } from "./status.js";

export const MAX_NODE_SCORE = 100;
export const MIN_NODE_SCORE = 0;

/**
 * Cluster changes that can make an unschedulable pod schedulable (upstream ClusterEvent, with
 * the node update split by what changed, as ActionType's UpdateNode* flags are).
 */
export type ClusterEvent =
  | "NodeAdd"
  | "NodeDelete"
  | "NodeLabelUpdate"
  | "NodeTaintUpdate"
  | "NodeAllocatableUpdate"
  | "NodeConditionUpdate"
  | "AssignedPodAdd"
  | "AssignedPodLabelUpdate"
  | "AssignedPodDelete";

export interface Plugin {
  readonly name: string;
  /** Events after which a pod this plugin rejected may fit (upstream EventsToRegister). */
  readonly events?: readonly ClusterEvent[];
}

/** Narrows the nodes to evaluate; `undefined` means all nodes. */
export interface PreFilterResult {
  readonly nodeNames?: ReadonlySet<string>;
}

export interface PreFilterPlugin extends Plugin {
  preFilter(state: CycleState, pod: PodInfo, nodes: readonly NodeInfo[]): { status: Status; result?: PreFilterResult };
}

export interface FilterPlugin extends Plugin {
  filter(state: CycleState, pod: PodInfo, node: NodeInfo): Status;
}

export interface PreScorePlugin extends Plugin {
  /** `nodes` are the feasible ones. Return SKIP to turn this plugin's Score off for the cycle. */
  preScore(state: CycleState, pod: PodInfo, nodes: readonly NodeInfo[]): Status;
}

export interface NodeScore {
  readonly name: string;
  score: number;
}

export interface ScorePlugin extends Plugin {
  /** An integer; within [0, 100] unless normalizeScore maps it there. */
  score(state: CycleState, pod: PodInfo, node: NodeInfo): number;
  /** Maps the raw scores of all scored nodes into [0, 100], in place (upstream ScoreExtensions). */
  normalizeScore?(state: CycleState, pod: PodInfo, scores: NodeScore[]): void;
}

/** What plugins may ask of the framework at run time (upstream framework.Handle). */
export interface Handle {
  /** The snapshot of the batch being scheduled, including pods assumed so far. */
  snapshot(): Snapshot;
}

export type PluginFactory = (handle: Handle) => Plugin;

export const isPreFilter = (p: Plugin): p is PreFilterPlugin => typeof (p as PreFilterPlugin).preFilter === "function";
export const isFilter = (p: Plugin): p is FilterPlugin => typeof (p as FilterPlugin).filter === "function";
export const isPreScore = (p: Plugin): p is PreScorePlugin => typeof (p as PreScorePlugin).preScore === "function";
export const isScore = (p: Plugin): p is ScorePlugin => typeof (p as ScorePlugin).score === "function";
