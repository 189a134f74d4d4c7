/**
 * The default profile: upstream's default plugins (v1.32 getDefaultPlugins, those that apply to
 * us: no volumes, no DRA, no preemption), in upstream's order, with upstream's score weights;
 * plus NodeReady right after TaintToleration, whose not-ready taint it stands in for.
 */
import type { Profile } from "./framework/runtime.js";
import { names } from "./plugins/names.js";

export const DEFAULT_SCHEDULER_NAME = "default-scheduler";

export const defaultProfile: Profile = {
  schedulerName: DEFAULT_SCHEDULER_NAME,
  plugins: [
    { name: names.NodeUnschedulable },
    { name: names.NodeName },
    { name: names.TaintToleration, weight: 3 },
    { name: names.NodeReady },
    { name: names.NodeAffinity, weight: 2 },
    { name: names.NodePorts },
    { name: names.NodeResourcesFit, weight: 1 },
    { name: names.PodTopologySpread, weight: 2 },
    { name: names.InterPodAffinity, weight: 2 },
    { name: names.NodeResourcesBalancedAllocation, weight: 1 },
    { name: names.ImageLocality, weight: 1 },
  ],
};
