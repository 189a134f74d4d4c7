/** Builders for the pod cores' tests. */
import type { Container, Pod } from "../../../src/lib/types.js";
import type { ContainerRecord, SandboxRecord } from "../runtime/types.js";
import { containerSpecHash } from "./spec-hash.js";
import type { PodView } from "./view.js";

export const T0 = Date.parse("2025-01-01T00:00:00Z");

export function testPod(spec: { containers?: Container[]; initContainers?: Container[]; restartPolicy?: string } = {}, status?: Pod["status"]): Pod {
  return {
    apiVersion: "v1",
    kind: "Pod",
    metadata: { name: "web", namespace: "default", uid: "uid-1", resourceVersion: "1" },
    spec: {
      nodeName: "node-a",
      containers: spec.containers ?? [{ name: "app", image: "web-app:1.0" }],
      ...(spec.initContainers ? { initContainers: spec.initContainers } : {}),
      ...(spec.restartPolicy ? { restartPolicy: spec.restartPolicy } : {}),
    },
    status: status ?? { phase: "Pending", qosClass: "BestEffort" },
  };
}

let seq = 0;
export function record(pod: Pod, name: string, over: Partial<ContainerRecord> = {}): ContainerRecord {
  const spec = [...(pod.spec?.initContainers ?? []), ...(pod.spec?.containers ?? [])].find((c) => c.name === name);
  const id = over.id ?? `c${++seq}`;
  return {
    id,
    uri: `docker://${id}`,
    podUid: pod.metadata.uid ?? "",
    name,
    kind: (pod.spec?.initContainers ?? []).some((c) => c.name === name) ? "init" : "app",
    attempt: 0,
    specHash: spec ? containerSpecHash(spec) : "",
    state: "running",
    createdAt: T0,
    startedAt: T0,
    image: spec?.image ?? "",
    imageId: "docker://sha256:abc",
    ...over,
  };
}

export function sandbox(over: Partial<SandboxRecord> = {}): SandboxRecord {
  return { id: "sb1", podUid: "uid-1", namespace: "default", podName: "web", attempt: 0, ready: true, ip: "10.244.1.5", createdAt: T0, ...over };
}

/** A view from records, newest attempt first per name. */
export function view(sb: SandboxRecord | undefined, ...records: ContainerRecord[]): PodView {
  const containers = new Map<string, ContainerRecord[]>();
  for (const r of records) containers.set(r.name, [...(containers.get(r.name) ?? []), r]);
  for (const list of containers.values()) list.sort((a, b) => b.attempt - a.attempt);
  return { sandbox: sb, staleSandboxes: [], containers };
}

export function hashes(pod: Pod): Map<string, string> {
  return new Map([...(pod.spec?.initContainers ?? []), ...(pod.spec?.containers ?? [])].map((c) => [c.name, containerSpecHash(c)]));
}
