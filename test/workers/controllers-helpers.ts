/**
 * Shared by the controllers-*.test.ts files: the cluster's ControllerManager driven
 * deterministically (`runInDurableObject` + `runOnce`) on a fake clock, and a stand-in for the
 * scheduler and the agents that binds pods and writes node and pod status through the registry.
 */
import { runInDurableObject } from "cloudflare:test";
import { env } from "cloudflare:workers";
import { rfc3339 } from "../../src/lib/json.js";
import type { KubeObject, Lease, Node, Pod, Stored } from "../../src/lib/types.js";
import type { ControllerManager, RunReport } from "../../src/controllers/manager.js";
import { ensureSystemNamespaces } from "../../src/registry/bootstrap.js";
import { createRegistry } from "../../src/registry/registry.js";
import { storeFor } from "../../src/registry/store-client.js";
import { leaseDef, namespaceDef, nodeDef, podDef } from "../../src/resources/index.js";
import type { ResourceDef } from "../../src/resources/types.js";

export const registry = createRegistry(storeFor(env), { env });
export const manager = env.CONTROLLERS.get(env.CONTROLLERS.idFromName(env.CLUSTER_NAME ?? "default"));

/** The fake clock: starts at real time (the store stamps creations with it) and only moves on. */
let clockMs = Date.now();

export function now(): number {
  return clockMs;
}

export async function setClock(ms: number): Promise<void> {
  clockMs = ms;
  await runInDurableObject(manager, (instance: ControllerManager) => {
    instance.clock = { now: () => clockMs };
  });
}

export async function advance(ms: number): Promise<void> {
  await setClock(clockMs + ms);
}

/**
 * Bring the fake clock up to real time (never back): objects are stamped with real time by the
 * store, so a test that reasons about ages starts from here.
 */
export async function syncClock(): Promise<void> {
  await setClock(Math.max(clockMs, Date.now()));
}

export async function bootstrap(): Promise<void> {
  await ensureSystemNamespaces(registry, namespaceDef);
  await syncClock();
}

export async function runOnce(): Promise<RunReport> {
  return runInDurableObject(manager, (instance: ControllerManager) => instance.runOnce());
}

/** Run the controllers until a run writes nothing (or give up after `max` runs). */
export async function settle(max = 20): Promise<void> {
  for (let i = 0; i < max; i++) {
    const report = await runOnce();
    if (report.actions === 0 && report.changes === 0) return;
  }
}

/** Alarms survive a test and ignore storage isolation: none may be left behind. */
export async function clearAlarm(): Promise<void> {
  await runInDurableObject(manager, async (_instance, state) => {
    await state.storage.deleteAlarm();
  });
}

export async function createNamespace(name: string): Promise<void> {
  await registry.create(namespaceDef, "", { apiVersion: "v1", kind: "Namespace", metadata: { name } });
}

export async function list<T extends KubeObject>(def: ResourceDef, namespace: string, labelSelector?: string): Promise<Stored<T>[]> {
  return (await registry.list(def, { namespace, labelSelector })).items as Stored<T>[];
}

export async function get<T extends KubeObject>(def: ResourceDef, namespace: string, name: string): Promise<Stored<T>> {
  return (await registry.get(def, namespace, name)) as Stored<T>;
}

// ---- a stand-in for the agents and the scheduler ---------------------------------------------

const readyCondition = (status: "True" | "False") => ({ type: "Ready", status, lastTransitionTime: rfc3339(new Date(clockMs)) });

/** A node as an agent registers it, Ready, with its Lease renewed now. */
export async function createNode(name: string, labels: Record<string, string> = {}): Promise<void> {
  const node: Node = {
    apiVersion: "v1",
    kind: "Node",
    metadata: { name, labels: { "kubernetes.io/hostname": name, ...labels } },
    spec: {},
  };
  await registry.create(nodeDef, "", node);
  await writeNodeReady(name);
  const lease: Lease = {
    apiVersion: "coordination.k8s.io/v1",
    kind: "Lease",
    metadata: { name, namespace: "kube-node-lease" },
    spec: { holderIdentity: name, leaseDurationSeconds: 40, renewTime: rfc3339(new Date(clockMs)) },
  };
  await registry.create(leaseDef, "kube-node-lease", lease);
}

export async function writeNodeReady(name: string): Promise<void> {
  const stamp = rfc3339(new Date(clockMs));
  await registry.patch(nodeDef, "", name, "merge", {
    status: { conditions: [{ type: "Ready", status: "True", reason: "KubeletReady", message: "agent is posting ready status", lastHeartbeatTime: stamp, lastTransitionTime: stamp }] },
  }, { subresource: "status" });
}

export async function renewLease(name: string): Promise<void> {
  await registry.patch(leaseDef, "kube-node-lease", name, "merge", { spec: { renewTime: rfc3339(new Date(clockMs)) } });
}

let nextIp = 10;

/**
 * What the scheduler and the agents would do for the pods of `namespace`: bind unbound pods (to
 * `nodeFor(pod)`), report bound ones Running and Ready with an IP, and confirm the deletion of
 * pods being deleted.
 */
export async function actAsAgents(namespace: string, nodeFor: (pod: Pod) => string | undefined = () => "node-a"): Promise<void> {
  for (const pod of await list<Pod>(podDef, namespace)) {
    // The controllers run concurrently (pokes set the manager's alarm): a pod may be gone or
    // changed by the time it is acted on; the next round sees the news.
    await actAsAgent(namespace, pod, nodeFor).catch(ignoreRaces);
  }
}

async function actAsAgent(namespace: string, pod: Stored<Pod>, nodeFor: (pod: Pod) => string | undefined): Promise<void> {
  const name = pod.metadata.name;
  if (pod.metadata.deletionTimestamp) {
    await registry.delete(podDef, namespace, name, { gracePeriodSeconds: 0 });
    return;
  }
  let nodeName = pod.spec?.nodeName;
  if (!nodeName) {
    nodeName = nodeFor(pod);
    if (!nodeName) return;
    await registry.bind(namespace, name, { apiVersion: "v1", kind: "Binding", metadata: { name }, target: { kind: "Node", name: nodeName } });
  }
  if (pod.status?.phase === "Running" || pod.status?.phase === "Succeeded" || pod.status?.phase === "Failed") return;
  await setPodPhase(namespace, name, "Running");
}

export async function setPodPhase(namespace: string, name: string, phase: "Running" | "Succeeded" | "Failed", ready = phase === "Running"): Promise<void> {
  const stamp = rfc3339(new Date(clockMs));
  const terminated = phase === "Running" ? undefined : { exitCode: phase === "Failed" ? 1 : 0, reason: phase === "Failed" ? "Error" : "Completed", startedAt: stamp, finishedAt: stamp };
  const pod = await get<Pod>(podDef, namespace, name);
  // Status only, computed from a fresh read: no resourceVersion, so a concurrent controller write retries.
  delete (pod.metadata as { resourceVersion?: string }).resourceVersion;
  const conditions = (pod.status?.conditions ?? []).filter((c) => c.type !== "Ready");
  await registry.update(podDef, namespace, name, {
    ...pod,
    status: {
      ...pod.status,
      phase,
      podIP: pod.status?.podIP ?? `10.244.0.${nextIp++ % 250}`,
      conditions: [...conditions, readyCondition(ready ? "True" : "False")],
      containerStatuses: (pod.spec?.containers ?? []).map((c) => ({
        name: c.name,
        image: c.image ?? "",
        imageID: "",
        ready,
        restartCount: 0,
        state: terminated ? { terminated } : { running: { startedAt: stamp } },
      })),
    },
  }, { subresource: "status" });
}

function ignoreRaces(e: unknown): void {
  const code = e instanceof Error && "code" in e ? (e as { code: number }).code : 0;
  if (code !== 404 && code !== 409) throw e;
}

/** Settle, act as the agents, repeat, until `done` holds (or fail after `max` rounds). */
export async function converge(namespace: string, done: () => Promise<boolean>, nodeFor?: (pod: Pod) => string | undefined, max = 15): Promise<void> {
  for (let i = 0; i < max; i++) {
    await settle();
    if (await done()) return;
    await actAsAgents(namespace, nodeFor);
  }
  await settle();
  if (!(await done())) throw new Error(`${namespace}: did not converge in ${max} rounds`);
}

export type { Stored };
