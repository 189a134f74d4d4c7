/**
 * The seed manifests on a two-node cluster (network namespaces, one dockerd and one agent each)
 * under wrangler dev, driven with kubectl as a user would: the Deployment runs and is Ready, a
 * deleted pod is replaced, rolling updates v1→v2 (rollout status), v3 (Ready only after its
 * readiness probe's 40 s initial delay) and v4 (a hung container restarted by its liveness
 * probe), and a stopped agent's pods replaced on the other node after their toleration.
 * Needs the controllers and the scheduler.
 */
import { readFileSync } from "node:fs";
import { join } from "node:path";
import { describe, expect, it } from "vitest";
import type { Deployment, Pod } from "../../src/lib/types.js";
import { dockerAvailable, useCluster } from "./cluster/cluster.js";
import { containerStatus, isReady } from "./cluster/pods.js";
import { SEED, create, eventually, getJson, kubectlOk, useControlPlane, type List } from "./harness.js";

const APP = "app=webapp";

async function webappPods(cp: Parameters<typeof getJson>[0], selector = APP): Promise<Pod[]> {
  const list = await getJson<List<Pod>>(cp, ["pods", "-l", selector]);
  return list.items.filter((p) => !p.metadata.deletionTimestamp);
}

/** The one ready, not terminating pod of the selector running `image`. */
async function readyPod(cp: Parameters<typeof getJson>[0], image: string, selector = APP): Promise<Pod | undefined> {
  const pods = await webappPods(cp, selector);
  return pods.find((p) => isReady(p) && p.spec?.containers[0].image === image);
}

describe.skipIf(!dockerAvailable())("seed manifests on two nodes", () => {
  const cp = useControlPlane();
  const cluster = useCluster(cp, { nodes: ["node-a", "node-b"] });

  /** What the pod's web server answers, asked from inside its own container. */
  function answer(pod: Pod): string {
    const node = cluster.get().node(pod.spec!.nodeName!);
    return node.docker(["exec", containerStatus(pod)!.containerID!.slice(9), "wget", "-qO-", "http://127.0.0.1:5000/"]).trim();
  }

  it("runs the webapp Deployment (extensions/v1beta1) until it is Ready", async () => {
    await kubectlOk(cp, ["apply", "-f", join(SEED, "webapp-deployment.yaml")]);
    await kubectlOk(cp, ["rollout", "status", "deployment/webapp-deployment", "--timeout=120s"], { timeoutMs: 130_000 });
    const pod = await eventually("a ready web-app:1.0 pod", () => readyPod(cp, "web-app:1.0"));
    expect(answer(pod)).toBe("web-app v1");
    const table = await kubectlOk(cp, ["get", "deployment", "webapp-deployment"]);
    expect(table.stdout).toMatch(/webapp-deployment\s+1\/1\s+1\s+1/);
  });

  it("replaces a deleted pod", async () => {
    const [old] = await webappPods(cp);
    await kubectlOk(cp, ["delete", "pod", old.metadata.name!, "--timeout=60s"]);
    const replacement = await eventually("a new ready pod", async () => {
      const p = await readyPod(cp, "web-app:1.0");
      return p && p.metadata.uid !== old.metadata.uid && p;
    }, { timeoutMs: 60_000 });
    expect(replacement.metadata.name).not.toBe(old.metadata.name);
  });

  it("rolls v1 → v2 and `kubectl rollout status` completes", async () => {
    await kubectlOk(cp, ["apply", "-f", join(SEED, "webapp-deployment-v2.yaml")]);
    const status = await kubectlOk(cp, ["rollout", "status", "deployment/webapp-deployment", "--timeout=120s"], { timeoutMs: 130_000 });
    expect(status.stdout).toContain('deployment "webapp-deployment" successfully rolled out');
    const pod = await eventually("a ready web-app:2.0 pod", () => readyPod(cp, "web-app:2.0"));
    expect(answer(pod)).toBe("web-app v2");
    await eventually("v1 pods gone", async () => (await webappPods(cp)).every((p) => p.spec?.containers[0].image === "web-app:2.0"), { timeoutMs: 60_000 });
  });

  it("makes v3's pod Ready only after its readiness probe passes (initialDelaySeconds 40)", async () => {
    await kubectlOk(cp, ["apply", "-f", join(SEED, "webapp-deployment-v3.yaml")]);
    const running = await eventually("a running web-app:3.0 pod", async () =>
      (await webappPods(cp)).find((p) => p.spec?.containers[0].image === "web-app:3.0" && containerStatus(p)?.state?.running),
      { timeoutMs: 60_000 });
    expect(isReady(running)).toBe(false);
    // v2 keeps serving while v3 is not ready (maxUnavailable rounds down to 0 of 1).
    expect(await readyPod(cp, "web-app:2.0")).toBeDefined();
    await kubectlOk(cp, ["rollout", "status", "deployment/webapp-deployment", "--timeout=150s"], { timeoutMs: 160_000 });
    const ready = await eventually("v3 ready", () => readyPod(cp, "web-app:3.0"));
    const startedAt = Date.parse(containerStatus(ready)!.state!.running!.startedAt!);
    const readyAt = Date.parse(ready.status!.conditions!.find((c) => c.type === "Ready")!.lastTransitionTime!);
    expect(readyAt - startedAt).toBeGreaterThanOrEqual(39_000);
  });

  it("restarts v4's hung container through its liveness probe", async () => {
    // v4 as published, with its probes' delays cut from 40 s and 120 s to keep the suite short.
    const manifest = readFileSync(join(SEED, "webapp-deployment-v4.yaml"), "utf8")
      .replace("initialDelaySeconds: 40", "initialDelaySeconds: 2")
      .replace("initialDelaySeconds: 120", "initialDelaySeconds: 5\n          periodSeconds: 2");
    await kubectlOk(cp, ["apply", "-f", "-"], { input: manifest });
    await kubectlOk(cp, ["rollout", "status", "deployment/webapp-deployment", "--timeout=120s"], { timeoutMs: 130_000 });
    const pod = await eventually("a ready web-app:4.0 pod", () => readyPod(cp, "web-app:4.0"));
    cluster.get().node(pod.spec!.nodeName!).docker(["exec", containerStatus(pod)!.containerID!.slice(9), "touch", "/tmp/hang"]);
    const restarted = await eventually("v4 restarted and ready again", async () => {
      const p = (await webappPods(cp)).find((x) => x.metadata.uid === pod.metadata.uid);
      return p && (containerStatus(p)?.restartCount ?? 0) >= 1 && isReady(p) && p;
    }, { timeoutMs: 90_000 });
    expect(containerStatus(restarted)?.lastState?.terminated).toBeDefined();
    const table = await kubectlOk(cp, ["get", "pod", pod.metadata.name!]);
    expect(table.stdout).toMatch(/1\/1\s+Running\s+1 \(/);
  });

  it("replaces a stopped agent's pods on the other node after their toleration", async () => {
    const tolerations = ["unreachable", "not-ready"].map((t) => ({ key: `node.kubernetes.io/${t}`, operator: "Exists", effect: "NoExecute", tolerationSeconds: 5 }));
    const deployment: Deployment = {
      apiVersion: "apps/v1",
      kind: "Deployment",
      metadata: { name: "failover" },
      spec: {
        replicas: 1,
        selector: { matchLabels: { app: "failover" } },
        template: {
          metadata: { labels: { app: "failover" } },
          spec: { terminationGracePeriodSeconds: 5, tolerations, containers: [{ name: "web", image: "web-app:1.0", imagePullPolicy: "Never" }] },
        },
      },
    };
    await create(cp, undefined, deployment);
    const first = await eventually("a ready failover pod", () => readyPod(cp, "web-app:1.0", "app=failover"), { timeoutMs: 60_000 });
    const lost = cluster.get().node(first.spec!.nodeName!);
    const other = cluster.get().nodes.find((n) => n !== lost)!;
    await lost.stopAgent();
    try {
      // 40 s until the Lease is stale, then 5 s of toleration, then a new pod on the other node.
      const replacement = await eventually("a ready failover pod on the other node", async () => {
        const p = await readyPod(cp, "web-app:1.0", "app=failover");
        return p && p.spec?.nodeName === other.name && p;
      }, { timeoutMs: 150_000, intervalMs: 1000 });
      expect(replacement.metadata.uid).not.toBe(first.metadata.uid);
    } finally {
      await lost.startAgent();
    }
    // Back, the agent finishes the evicted pod and its node is Ready again.
    await eventually("the evicted pod gone and its containers removed", async () => {
      const pods = await getJson<List<Pod>>(cp, ["pods", "-l", "app=failover"]);
      return !pods.items.some((p) => p.metadata.uid === first.metadata.uid) && !lost.podContainers().some((c) => c.name.includes(first.metadata.name!));
    }, { timeoutMs: 90_000, intervalMs: 1000 });
    const nodes = await kubectlOk(cp, ["get", "node", lost.name]);
    expect(nodes.stdout).toMatch(new RegExp(`${lost.name}\\s+Ready`));
  });
});
