/** The in-tree plugins by name (upstream plugins/registry.go): a plain map to factories. */
import type { Registry } from "../framework/runtime.js";
import * as imageLocality from "./image-locality/index.js";
import * as interPodAffinity from "./inter-pod-affinity/index.js";
import { names } from "./names.js";
import * as nodeAffinity from "./node-affinity/index.js";
import * as nodeName from "./node-name/index.js";
import * as nodePorts from "./node-ports/index.js";
import * as nodeReady from "./node-ready/index.js";
import * as balancedAllocation from "./node-resources-balanced-allocation/index.js";
import * as nodeResourcesFit from "./node-resources-fit/index.js";
import * as nodeUnschedulable from "./node-unschedulable/index.js";
import * as podTopologySpread from "./pod-topology-spread/index.js";
import * as taintToleration from "./taint-toleration/index.js";

export const inTreeRegistry: Registry = {
  [names.NodeUnschedulable]: nodeUnschedulable.New,
  [names.NodeName]: nodeName.New,
  [names.TaintToleration]: taintToleration.New,
  [names.NodeReady]: nodeReady.New,
  [names.NodeAffinity]: nodeAffinity.New,
  [names.NodePorts]: nodePorts.New,
  [names.NodeResourcesFit]: nodeResourcesFit.New,
  [names.PodTopologySpread]: podTopologySpread.New,
  [names.InterPodAffinity]: interPodAffinity.New,
  [names.NodeResourcesBalancedAllocation]: balancedAllocation.New,
  [names.ImageLocality]: imageLocality.New,
};
