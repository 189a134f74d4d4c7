/**
 * ImageLocality: prefers nodes that already have the pod's images (`node.status.images`, which
 * agents report), weighing each image by its size and by how widely it is spread (an image on
 * every node says nothing), then scaling the sum between 23 MB and 1000 MB per container
 * (upstream's minThreshold / maxContainerThreshold).
 */
import { stateKey } from "../../framework/cycle-state.js";
import type { PluginFactory, PreScorePlugin, ScorePlugin } from "../../framework/interface.js";
import { MAX_NODE_SCORE } from "../../framework/interface.js";
import { normalizedImageName, type NodeInfo } from "../../framework/node-info.js";
import type { PodInfo } from "../../framework/pod-info.js";
import { SKIP, SUCCESS } from "../../framework/status.js";
import { names } from "../names.js";

export const Name = names.ImageLocality;

const MB = 1024 * 1024;
export const MIN_THRESHOLD = 23 * MB;
export const MAX_CONTAINER_THRESHOLD = 1000 * MB;

/** The pod's images, init containers included, normalised once per cycle. */
function containerImages(pod: PodInfo): string[] {
  const spec = pod.pod.spec;
  return [...(spec?.initContainers ?? []), ...(spec?.containers ?? [])].map((c) => normalizedImageName(c.image ?? ""));
}

/** `images` normalised (see normalizedImageName). */
export function sumImageScores(node: NodeInfo, images: readonly string[], totalNumNodes: number): number {
  let sum = 0;
  for (const image of images) {
    const state = node.imageStates.get(image);
    if (state) sum += Math.trunc((state.size * state.numNodes) / totalNumNodes);
  }
  return sum;
}

export function calculatePriority(sumScores: number, numContainers: number): number {
  const maxThreshold = MAX_CONTAINER_THRESHOLD * numContainers;
  const clamped = Math.min(Math.max(sumScores, MIN_THRESHOLD), maxThreshold);
  return Math.trunc((MAX_NODE_SCORE * (clamped - MIN_THRESHOLD)) / (maxThreshold - MIN_THRESHOLD));
}

const preScoreKey = stateKey<{ images: string[]; totalNumNodes: number }>(`PreScore${Name}`);

export const New: PluginFactory = (handle): PreScorePlugin & ScorePlugin => ({
  name: Name,
  preScore(state, pod) {
    const images = containerImages(pod);
    if (images.length === 0) return SKIP;
    state.write(preScoreKey, { images, totalNumNodes: handle.snapshot().nodeInfos.length });
    return SUCCESS;
  },
  score(state, _pod, node) {
    const { images, totalNumNodes } = state.read(preScoreKey);
    return calculatePriority(sumImageScores(node, images, totalNumNodes), images.length);
  },
});
