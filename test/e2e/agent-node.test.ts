/**
 * The node agent end to end on a two-node cluster (network namespaces, one dockerd and one agent
 * each) under wrangler dev, with pods bound to nodes directly: registration and heartbeat, pod
 * lifecycle, restarts, back-off, probes, image and config errors, adoption after an agent
 * restart, deletion, and running on while the control plane is unreachable.
 */
import { describe, expect, it } from "vitest";
import type { Lease, Node } from "../../src/lib/types.js";
import { useCluster, dockerAvailable } from "./cluster/cluster.js";
import { boundPod, containerStatus, getPod, isReady, waitForPod, waitingReason } from "./cluster/pods.js";
import { create, eventually, getJson, kubectlOk, useControlPlane, type List } from "./harness.js";

describe.skipIf(!dockerAvailable())("node agent", () => {
  const cp = useControlPlane({ env: { ENCRYPTION_KEY: "c2tpZmYtdGVzdC1lbmNyeXB0aW9uLWtleS0zMmJ5dGU=" } });
  const cluster = useCluster(cp, { nodes: ["node-a", "node-b"] });

  it("registers each node, Ready, with its address, pod CIDR, labels and a fresh Lease", async () => {
    const nodes = await eventually("both nodes Ready with a pod CIDR", async () => {
      const list = await getJson<List<Node>>(cp, ["nodes"]);
      const ready = list.items.filter((n) => n.spec?.podCIDR && n.status?.conditions?.some((c) => c.type === "Ready" && c.status === "True"));
      return ready.length === 2 && list.items;
    });
    const a = nodes.find((n) => n.metadata.name === "node-a")!;
    expect(a.status?.addresses).toContainEqual({ type: "InternalIP", address: cluster.get().node("node-a").ip });
    expect(a.metadata.labels).toMatchObject({ "kubernetes.io/hostname": "node-a", "kubernetes.io/os": "linux" });
    expect(a.status?.nodeInfo?.containerRuntimeVersion).toMatch(/^docker:\/\//);
    expect(a.status?.capacity?.pods).toBe("110");
    expect(a.status?.images?.some((i) => i.names?.includes("web-app:1.0"))).toBe(true);
    expect(new Set(nodes.map((n) => n.spec?.podCIDR)).size).toBe(2);
    const lease = await getJson<Lease>(cp, ["lease", "node-a", "-n", "kube-node-lease"]);
    expect(lease.spec?.holderIdentity).toBe("node-a");
    expect(lease.spec?.leaseDurationSeconds).toBe(40);
    expect(Date.now() - Date.parse(lease.spec?.renewTime ?? "")).toBeLessThan(40_000);
  });

  it("runs a bound pod: Running, Ready, a pod IP from the node's CIDR, env and volumes", async () => {
    await create(cp, undefined,
      { apiVersion: "v1", kind: "ConfigMap", metadata: { name: "app-config" }, data: { greeting: "hello", "app.conf": "x=1" } },
      { apiVersion: "v1", kind: "Secret", metadata: { name: "app-secret" }, stringData: { password: "s3cret" } },
      boundPod("web", "node-a", [
        {
          name: "web",
          ports: [{ containerPort: 5000 }],
          readinessProbe: { httpGet: { path: "/health", port: 5000 }, periodSeconds: 1 },
          env: [
            { name: "GREETING", valueFrom: { configMapKeyRef: { name: "app-config", key: "greeting" } } },
            { name: "PASSWORD", valueFrom: { secretKeyRef: { name: "app-secret", key: "password" } } },
            { name: "MY_POD", valueFrom: { fieldRef: { fieldPath: "metadata.name" } } },
          ],
          volumeMounts: [{ name: "conf", mountPath: "/conf" }, { name: "shared", mountPath: "/shared" }],
        },
        { name: "sidecar", command: ["sh", "-c", "echo from-sidecar > /shared/x; exec sleep 3600"], volumeMounts: [{ name: "shared", mountPath: "/shared" }] },
      ], { volumes: [{ name: "conf", configMap: { name: "app-config" } }, { name: "shared", emptyDir: {} }] }),
    );
    const pod = await waitForPod(cp, "web", "Ready", (p) => isReady(p) && p);
    const node = await getJson<Node>(cp, ["node", "node-a"]);
    expect(pod.status?.phase).toBe("Running");
    expect(pod.status?.podIP?.split(".").slice(0, 3)).toEqual(node.spec?.podCIDR?.split(".").slice(0, 3));
    expect(pod.status?.hostIP).toBe(cluster.get().node("node-a").ip);
    expect(containerStatus(pod, "web")).toMatchObject({ ready: true, started: true, restartCount: 0, image: "web-app:1.0" });
    expect(containerStatus(pod, "web")?.containerID).toMatch(/^docker:\/\//);
    const a = cluster.get().node("node-a");
    const id = containerStatus(pod, "web")!.containerID!.slice("docker://".length);
    expect(a.docker(["exec", id, "sh", "-c", "echo $GREETING $PASSWORD $MY_POD; cat /conf/app.conf /shared/x"]).trim()).toBe("hello s3cret web\nx=1from-sidecar");
    // Containers of one pod share the sandbox's network namespace.
    expect(a.docker(["exec", containerStatus(pod, "sidecar")!.containerID!.slice(9), "wget", "-qO-", "http://127.0.0.1:5000/"]).trim()).toBe("web-app v1");
  });

  it("restarts a container killed behind its back, and RESTARTS goes up", async () => {
    const before = await getPod(cp, "web");
    const id = containerStatus(before, "web")!.containerID!.slice(9);
    cluster.get().node("node-a").docker(["kill", id]);
    const after = await waitForPod(cp, "web", "restarted and Ready", (p) => containerStatus(p, "web")?.restartCount === 1 && isReady(p) && p);
    expect(containerStatus(after, "web")?.lastState?.terminated).toMatchObject({ exitCode: 137, reason: "Error" });
    const table = await kubectlOk(cp, ["get", "pod", "web"]);
    expect(table.stdout).toMatch(/web\s+2\/2\s+Running\s+1 \(/);
  });

  it("puts an always-failing container into CrashLoopBackOff", async () => {
    await create(cp, undefined, boundPod("crasher", "node-b", [{ name: "c", command: ["sh", "-c", "echo bye; exit 3"] }]));
    const pod = await waitForPod(cp, "crasher", "CrashLoopBackOff", (p) => waitingReason(p) === "CrashLoopBackOff" && p);
    expect(containerStatus(pod)?.lastState?.terminated).toMatchObject({ exitCode: 3, reason: "Error" });
    expect(containerStatus(pod)?.state?.waiting?.message).toMatch(/^back-off \d+s restarting failed container=c pod=crasher_default\(/);
    expect(pod.status?.phase).toBe("Running");
    await kubectlOk(cp, ["delete", "pod", "crasher", "--wait=false"]);
  });

  it("reports a missing image with ErrImageNeverPull and a missing ConfigMap with CreateContainerConfigError", async () => {
    await create(cp, undefined,
      boundPod("no-image", "node-b", [{ name: "c", image: "not-here:1.0" }]),
      boundPod("no-config", "node-b", [{ name: "c", env: [{ name: "X", valueFrom: { configMapKeyRef: { name: "absent", key: "k" } } }] }]),
    );
    const noImage = await waitForPod(cp, "no-image", "ErrImageNeverPull", (p) => waitingReason(p) === "ErrImageNeverPull" && p);
    expect(containerStatus(noImage)?.state?.waiting?.message).toBe('Container image "not-here:1.0" is not present with pull policy of Never');
    const noConfig = await waitForPod(cp, "no-config", "CreateContainerConfigError", (p) => waitingReason(p) === "CreateContainerConfigError" && p);
    expect(containerStatus(noConfig)?.state?.waiting?.message).toBe('configmap "absent" not found');
    const table = await kubectlOk(cp, ["get", "pods", "no-image", "no-config"]);
    expect(table.stdout).toMatch(/no-image\s+0\/1\s+ErrImageNeverPull/);
    expect(table.stdout).toMatch(/no-config\s+0\/1\s+CreateContainerConfigError/);
    await kubectlOk(cp, ["delete", "pod", "no-image", "no-config", "--wait=false"]);
  });

  it("runs init containers first, and makes a pod Ready only once its readiness probe passes", async () => {
    await create(cp, undefined, boundPod("probed", "node-b", [
      { name: "web", image: "web-app:3.0", readinessProbe: { httpGet: { path: "/health", port: 5000 }, initialDelaySeconds: 4, periodSeconds: 1 } },
    ], { initContainers: [{ name: "setup", image: "web-app:3.0", imagePullPolicy: "Never", command: ["sh", "-c", "sleep 1"] }] }));
    const running = await waitForPod(cp, "probed", "Running", (p) => p.status?.phase === "Running" && p);
    expect(running.status?.initContainerStatuses?.[0]).toMatchObject({ name: "setup", ready: true, state: { terminated: { exitCode: 0, reason: "Completed" } } });
    expect(isReady(running)).toBe(false);
    const ready = await waitForPod(cp, "probed", "Ready", (p) => isReady(p) && p);
    const startedAt = Date.parse(containerStatus(ready)!.state!.running!.startedAt!);
    const readyAt = Date.parse(ready.status!.conditions!.find((c) => c.type === "Ready")!.lastTransitionTime!);
    expect(readyAt - startedAt).toBeGreaterThanOrEqual(3_000);
  });

  it("restarts a container whose liveness probe fails", async () => {
    await create(cp, undefined, boundPod("hangs", "node-b", [
      { name: "web", image: "web-app:4.0", livenessProbe: { httpGet: { path: "/health", port: 5000 }, periodSeconds: 1, failureThreshold: 2 } },
    ]));
    const pod = await waitForPod(cp, "hangs", "Running", (p) => p.status?.phase === "Running" && containerStatus(p)?.state?.running && p);
    cluster.get().node("node-b").docker(["exec", containerStatus(pod)!.containerID!.slice(9), "touch", "/tmp/hang"]);
    const restarted = await waitForPod(cp, "hangs", "restarted by its liveness probe", (p) => (containerStatus(p)?.restartCount ?? 0) >= 1 && containerStatus(p)?.state?.running && p);
    // The hung server's shell exits on SIGTERM, so the exit code says little; that it ended does.
    expect(containerStatus(restarted)?.lastState?.terminated?.finishedAt).toBeDefined();
  });

  it("publishes a container's hostPort on its node's address", async () => {
    await create(cp, undefined, boundPod("published", "node-b", [{ name: "web", ports: [{ containerPort: 5000, hostPort: 18080 }] }]));
    await waitForPod(cp, "published", "Running", (p) => p.status?.phase === "Running");
    const body = await eventually("an answer on the node's port", async () => {
      const res = await fetch(`http://${cluster.get().node("node-b").ip}:18080/`, { signal: AbortSignal.timeout(2_000) });
      return res.ok && (await res.text()).trim();
    });
    expect(body).toBe("web-app v1");
    await kubectlOk(cp, ["delete", "pod", "published", "--wait=false"]);
  });

  it("stops a deleted pod, confirms the deletion, and removes its containers", async () => {
    await create(cp, undefined, boundPod("doomed", "node-b", [{ name: "c" }]));
    await waitForPod(cp, "doomed", "Running", (p) => p.status?.phase === "Running");
    await kubectlOk(cp, ["delete", "pod", "doomed", "--timeout=60s"]);
    await eventually("doomed's containers removed", () => !cluster.get().node("node-b").podContainers().some((c) => c.name.includes("_doomed_")));
  });

  it("adopts its running containers when restarted, and removes containers of pods deleted meanwhile", async () => {
    const b = cluster.get().node("node-b");
    await create(cp, undefined, boundPod("keep", "node-b", [{ name: "c" }]), boundPod("gone", "node-b", [{ name: "c" }]));
    await waitForPod(cp, "keep", "Running", (p) => p.status?.phase === "Running");
    await waitForPod(cp, "gone", "Running", (p) => p.status?.phase === "Running");
    const before = b.podContainers().filter((c) => c.name.includes("_keep_")).map((c) => c.id).sort();
    await b.stopAgent();
    // Deleted while the agent is away: a zero-grace delete, as `kubectl delete --force` does.
    await kubectlOk(cp, ["delete", "pod", "gone", "--grace-period=0", "--force"]);
    await b.startAgent();
    await eventually("gone's containers removed", () => !b.podContainers().some((c) => c.name.includes("_gone_")));
    const after = b.podContainers().filter((c) => c.name.includes("_keep_")).map((c) => c.id).sort();
    expect(after).toEqual(before);
    const keep = await getPod(cp, "keep");
    expect(containerStatus(keep)?.restartCount).toBe(0);
  });

  it("keeps pods running without the control plane, starts them again after a reboot, and catches up", async () => {
    const a = cluster.get().node("node-a");
    const c = cluster.get();
    await c.forwarder.stop();
    try {
      const id = containerStatus(await getPod(cp, "web"), "web")!.containerID!.slice(9);
      a.docker(["kill", id]);
      await eventually("web restarted while offline", () => a.podContainers().some((x) => x.name.includes("_web_web_") && x.id !== id.slice(0, 12)));
      // A host reboot: the agent stops, every container is gone.
      await a.stopAgent();
      const all = a.docker(["ps", "-aq"]).split("\n").filter(Boolean);
      if (all.length) a.docker(["rm", "-f", ...all]);
      await a.startAgent();
      await eventually("web's containers back", () => a.podContainers().filter((x) => x.name.includes("_web_")).length === 3, { timeoutMs: 60_000 });
    } finally {
      await c.forwarder.start();
    }
    const running = a.podContainers().find((x) => x.name.startsWith("k8s_web_web_"))!;
    const pod = await waitForPod(cp, "web", "status caught up", (p) => containerStatus(p, "web")?.containerID?.slice(9, 21) === running.id && isReady(p) && p, 90_000);
    expect(pod.status?.phase).toBe("Running");
  });
});
