/**
 * The framework runtime: instantiates a profile's plugins from the registry and runs the
 * extension points over them in profile order (upstream frameworkImpl). Plugin exceptions are
 * internal faults: they become Error statuses naming the plugin, never crash the batch.
 */
import type { CycleState } from "./cycle-state.js";
import {
  MAX_NODE_SCORE,
  MIN_NODE_SCORE,
  isFilter,
  isPreFilter,
  isPreScore,
  isScore,
  type ClusterEvent,
  type FilterPlugin,
  type Handle,
  type NodeScore,
  type PluginFactory,
  type PreFilterPlugin,
  type PreFilterResult,
  type PreScorePlugin,
  type ScorePlugin,
} from "./interface.js";
import type { NodeInfo } from "./node-info.js";
import type { PodInfo } from "./pod-info.js";
import { SUCCESS, errorStatus, isSuccess, withPlugin, type Status } from "./status.js";

export interface ProfilePlugin {
  readonly name: string;
  /** Score weight; upstream's default is 1. */
  readonly weight?: number;
}

/**
 * A scheduling profile, like a KubeSchedulerProfile with only `multiPoint` plugins: each plugin
 * is enabled at every extension point it implements, in this order.
 */
export interface Profile {
  readonly schedulerName: string;
  readonly plugins: readonly ProfilePlugin[];
  /** 0 or absent: adaptive, as upstream (50% minus 1% per 125 nodes, at least 5%). */
  readonly percentageOfNodesToScore?: number;
}

export type Registry = Readonly<Record<string, PluginFactory>>;

export interface PreFilterOutcome {
  status: Status;
  result?: PreFilterResult;
  /** Plugins whose result narrowed the node set (for the absent nodes' reason). */
  narrowedBy: string[];
}

interface WeightedScorePlugin {
  plugin: ScorePlugin;
  weight: number;
}

function pluginError(plugin: string, e: unknown): Status {
  return withPlugin(errorStatus(`running plugin "${plugin}": ${e instanceof Error ? e.message : String(e)}`), plugin);
}

function guard<T>(plugin: string, fallback: (s: Status) => T, run: () => T): T {
  try {
    return run();
  } catch (e) {
    return fallback(pluginError(plugin, e));
  }
}

export class Framework {
  readonly profile: Profile;
  readonly preFilterPlugins: PreFilterPlugin[] = [];
  readonly filterPlugins: FilterPlugin[] = [];
  readonly preScorePlugins: PreScorePlugin[] = [];
  readonly scorePlugins: WeightedScorePlugin[] = [];
  /** Event → plugins that registered for it. */
  readonly #interest = new Map<ClusterEvent, Set<string>>();

  constructor(profile: Profile, registry: Registry, handle: Handle) {
    this.profile = profile;
    for (const { name, weight = 1 } of profile.plugins) {
      const factory = registry[name];
      if (!factory) throw new Error(`scheduler profile ${profile.schedulerName}: plugin "${name}" is not registered`);
      const plugin = factory(handle);
      if (isPreFilter(plugin)) this.preFilterPlugins.push(plugin);
      if (isFilter(plugin)) this.filterPlugins.push(plugin);
      if (isPreScore(plugin)) this.preScorePlugins.push(plugin);
      if (isScore(plugin)) this.scorePlugins.push({ plugin, weight });
      for (const event of plugin.events ?? []) {
        let set = this.#interest.get(event);
        if (!set) this.#interest.set(event, (set = new Set()));
        set.add(plugin.name);
      }
    }
  }

  /** Could `event` make a pod rejected by `plugins` schedulable? Unknown rejecters: assume yes. */
  isInterested(event: ClusterEvent, plugins: ReadonlySet<string>): boolean {
    if (plugins.size === 0) return true;
    const interested = this.#interest.get(event);
    if (!interested) return false;
    for (const p of plugins) if (interested.has(p)) return true;
    return false;
  }

  /** Runs every PreFilter; stops at the first rejection or error; intersects node-name results. */
  runPreFilter(state: CycleState, pod: PodInfo, nodes: readonly NodeInfo[]): PreFilterOutcome {
    let names: Set<string> | undefined;
    const narrowedBy: string[] = [];
    for (const p of this.preFilterPlugins) {
      const { status, result } = guard(p.name, (s) => ({ status: s, result: undefined }), () =>
        p.preFilter(state, pod, nodes),
      );
      if (status.code === "Skip") {
        state.skipFilterPlugins.add(p.name);
        continue;
      }
      if (!isSuccess(status)) return { status: withPlugin(status, p.name), narrowedBy };
      if (result?.nodeNames) {
        narrowedBy.push(p.name);
        names = names ? new Set([...names].filter((n) => result.nodeNames!.has(n))) : new Set(result.nodeNames);
        if (names.size === 0) {
          const message =
            narrowedBy.length === 1
              ? `node(s) didn't satisfy plugin ${narrowedBy[0]}`
              : `node(s) didn't satisfy plugin(s) [${narrowedBy.join(" ")}] simultaneously`;
          return { status: withPlugin({ code: "Unschedulable", reasons: [message] }, p.name), narrowedBy };
        }
      }
    }
    return { status: SUCCESS, result: names ? { nodeNames: names } : undefined, narrowedBy };
  }

  /** Runs the filters on one node, stopping at the first that does not succeed. */
  runFilter(state: CycleState, pod: PodInfo, node: NodeInfo): Status {
    // The hottest loop (plugins × nodes × pods): one try for all plugins, no closures per call.
    let current = "";
    try {
      for (const p of this.filterPlugins) {
        if (state.skipFilterPlugins.has(p.name)) continue;
        current = p.name;
        const s = p.filter(state, pod, node);
        if (!isSuccess(s)) return withPlugin(s, p.name);
      }
    } catch (e) {
      return pluginError(current, e);
    }
    return SUCCESS;
  }

  runPreScore(state: CycleState, pod: PodInfo, nodes: readonly NodeInfo[]): Status {
    for (const p of this.preScorePlugins) {
      const s = guard(p.name, (e) => e, () => p.preScore(state, pod, nodes));
      if (s.code === "Skip") state.skipScorePlugins.add(p.name);
      else if (!isSuccess(s)) return withPlugin(s, p.name);
    }
    return SUCCESS;
  }

  /**
   * Scores every node with every (non-skipped) Score plugin, normalises each plugin's scores,
   * checks they are within [0, 100], and returns the weighted sums aligned with `nodes`.
   */
  runScore(state: CycleState, pod: PodInfo, nodes: readonly NodeInfo[]): { totals: number[]; status: Status } {
    const totals = new Array<number>(nodes.length).fill(0);
    for (const { plugin, weight } of this.scorePlugins) {
      if (state.skipScorePlugins.has(plugin.name)) continue;
      const failed = guard(plugin.name, (e) => e, () => {
        const scores: NodeScore[] = nodes.map((n) => ({ name: n.name, score: plugin.score(state, pod, n) }));
        plugin.normalizeScore?.(state, pod, scores);
        for (let i = 0; i < scores.length; i++) {
          const s = scores[i].score;
          if (!(s >= MIN_NODE_SCORE && s <= MAX_NODE_SCORE)) {
            return errorStatus(
              `plugin "${plugin.name}" returns an invalid score ${s}, it should in the range of [${MIN_NODE_SCORE}, ${MAX_NODE_SCORE}] after normalizing`,
            );
          }
          totals[i] += s * weight;
        }
        return undefined;
      });
      if (failed) return { totals, status: withPlugin(failed, plugin.name) };
    }
    return { totals, status: SUCCESS };
  }
}

