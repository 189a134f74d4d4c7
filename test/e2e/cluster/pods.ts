/** Pods for the agent tests, and waiting on what the agents report. */
import type { Container, Pod } from "../../../src/lib/types.js";
import { eventually, getJson, type ControlPlane } from "../harness.js";

/** A pod bound to `node` directly (no scheduler), with the test images' defaults. */
export function boundPod(name: string, node: string, containers: Array<Partial<Container> & { name: string }>, spec: Record<string, unknown> = {}): Pod {
  return {
    apiVersion: "v1",
    kind: "Pod",
    metadata: { name, labels: { test: name } },
    spec: {
      nodeName: node,
      terminationGracePeriodSeconds: 5,
      containers: containers.map((c) => ({ image: "web-app:1.0", imagePullPolicy: "Never", ...c })),
      ...spec,
    },
  };
}

export function getPod(cp: ControlPlane, name: string, namespace = "default"): Promise<Pod> {
  return getJson<Pod>(cp, ["pod", name, "-n", namespace]);
}

/** Polls the pod until `check` returns something; the failure shows the pod's last status. */
export async function waitForPod<T>(cp: ControlPlane, name: string, what: string, check: (pod: Pod) => T | undefined | false, timeoutMs = 60_000): Promise<T> {
  let last: Pod | undefined;
  try {
    return await eventually(
      `${name}: ${what}`,
      async () => {
        last = await getPod(cp, name);
        return check(last);
      },
      { timeoutMs, intervalMs: 300 },
    );
  } catch (err) {
    throw new Error(`${(err as Error).message}\nlast status: ${JSON.stringify(last?.status, null, 1)}`);
  }
}

/** Waits until the pod's (first) container is running. */
export function waitRunning(cp: ControlPlane, name: string): Promise<unknown> {
  return waitForPod(cp, name, "running", (p) => containerStatus(p)?.state?.running);
}

export function containerStatus(pod: Pod, name?: string) {
  const all = pod.status?.containerStatuses ?? [];
  return name ? all.find((c) => c.name === name) : all[0];
}

export const isReady = (pod: Pod) => pod.status?.conditions?.some((c) => c.type === "Ready" && c.status === "True") ?? false;
export const waitingReason = (pod: Pod, container?: string) => containerStatus(pod, container)?.state?.waiting?.reason;
