/**
 * The labels every sandbox and container the agent creates carries (dockershim's names, plus
 * the node's), and the names it gives them. They say what belongs to whom: an agent lists only
 * its own node's objects, so two agents sharing one Docker never touch each other's, and a
 * restarted agent adopts what is running by pod uid, container name, attempt and spec hash.
 */
import type { ContainerKind } from "./types.js";

export const LABEL_NODE = "io.skiff.node-name";
export const LABEL_POD_UID = "io.kubernetes.pod.uid";
export const LABEL_POD_NAMESPACE = "io.kubernetes.pod.namespace";
export const LABEL_POD_NAME = "io.kubernetes.pod.name";
export const LABEL_CONTAINER_NAME = "io.kubernetes.container.name";
/** `podsandbox`, or the container's kind: `init` / `app`. */
export const LABEL_TYPE = "io.skiff.type";
export const LABEL_ATTEMPT = "io.kubernetes.container.restartCount";
export const LABEL_SPEC_HASH = "io.kubernetes.container.hash";
export const SANDBOX_TYPE = "podsandbox";
export const SANDBOX_CONTAINER_NAME = "POD";

export interface OwnerLabels {
  node: string;
  podUid: string;
  namespace: string;
  podName: string;
}

export function ownerLabels(o: OwnerLabels): Record<string, string> {
  return { [LABEL_NODE]: o.node, [LABEL_POD_UID]: o.podUid, [LABEL_POD_NAMESPACE]: o.namespace, [LABEL_POD_NAME]: o.podName };
}

export function sandboxLabels(o: OwnerLabels, attempt: number): Record<string, string> {
  return { ...ownerLabels(o), [LABEL_TYPE]: SANDBOX_TYPE, [LABEL_CONTAINER_NAME]: SANDBOX_CONTAINER_NAME, [LABEL_ATTEMPT]: String(attempt) };
}

export function containerLabels(o: OwnerLabels, c: { name: string; kind: ContainerKind; attempt: number; specHash: string }): Record<string, string> {
  return {
    ...ownerLabels(o),
    [LABEL_TYPE]: c.kind,
    [LABEL_CONTAINER_NAME]: c.name,
    [LABEL_ATTEMPT]: String(c.attempt),
    [LABEL_SPEC_HASH]: c.specHash,
  };
}

/** dockershim's names: `k8s_<container>_<pod>_<namespace>_<uid>_<attempt>`. */
export function runtimeName(o: OwnerLabels, container: string, attempt: number): string {
  return `k8s_${container}_${o.podName}_${o.namespace}_${o.podUid}_${attempt}`;
}
