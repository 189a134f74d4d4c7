/**
 * `kubectl logs` through the stream relay (src/streams, agents/src/streams) on a one-node cluster
 * under wrangler dev: the agent dials out for each stream, nothing dials the node.
 */
import { describe, expect, it } from "vitest";
import { dockerAvailable, useCluster, withAgentLogs } from "./cluster/cluster.js";
import { boundPod, containerStatus, waitForPod, waitRunning } from "./cluster/pods.js";
import { create, eventually, kubectlFails, kubectlOk, useControlPlane } from "./harness.js";
import { startKubectl } from "./streams-kubectl.js";

const NODE = "node-s";

describe.skipIf(!dockerAvailable() && process.env.CI !== "true")("kubectl logs through the relay", () => {
  const cp = useControlPlane();
  const cluster = useCluster(cp, { nodes: [NODE] });
  const failWithAgentLogs = withAgentLogs(cluster);
  const running = (name: string) => waitRunning(cp, name).catch(failWithAgentLogs);

  it("shows what the container printed, with --tail, and Kubernetes' errors for a bad container", async () => {
    await create(cp, undefined, boundPod("printer", NODE, [{ name: "main", command: ["sh", "-c", "for i in 1 2 3; do echo line-$i; done; sleep 3600"] }]));
    await running("printer");
    // The pod reports Running as soon as the container starts; its three lines follow at once.
    const all = await eventually("the three lines in kubectl logs", async () => {
      const r = await kubectlOk(cp, ["logs", "printer"]);
      return r.stdout.includes("line-3") && r.stdout;
    }).catch(failWithAgentLogs);
    expect(all).toBe("line-1\nline-2\nline-3\n");
    expect((await kubectlOk(cp, ["logs", "printer", "--tail=1"])).stdout).toBe("line-3\n");
    expect((await kubectlOk(cp, ["logs", "printer", "--limit-bytes=4"])).stdout).toBe("line");
    expect((await kubectlOk(cp, ["logs", "printer", "--since=1h"])).stdout).toBe("line-1\nline-2\nline-3\n");
    expect((await kubectlOk(cp, ["logs", "printer", `--since-time=${new Date(Date.now() + 3_600_000).toISOString()}`])).stdout).toBe("");
    expect((await kubectlOk(cp, ["logs", "printer", "--timestamps", "--tail=1"])).stdout).toMatch(/^\d{4}-\d\d-\d\dT\S+ line-3\n$/);
    const bad = await kubectlFails(cp, ["logs", "printer", "-c", "nope"]);
    expect(bad.stderr).toContain("container nope is not valid for pod printer");
  });

  it("asks for a container name in a pod of two, as Kubernetes does", async () => {
    await create(cp, undefined, boundPod("pair", NODE, [{ name: "a", command: ["sh", "-c", "echo from-a; sleep 3600"] }, { name: "b", command: ["sh", "-c", "echo from-b; sleep 3600"] }]));
    await running("pair");
    const r = await cp.kubectl(["get", "--raw", "/api/v1/namespaces/default/pods/pair/log"]);
    expect(r.code).not.toBe(0);
    expect(r.stderr).toContain("a container name must be specified for pod pair, choose one of: [a b]");
    await eventually("b's line", async () => (await kubectlOk(cp, ["logs", "pair", "-c", "b"])).stdout === "from-b\n");
  });

  it("follows with -f: later lines arrive, and the stream ends when the pod is deleted", async () => {
    await create(cp, undefined, boundPod("ticker", NODE, [{ name: "main", command: ["sh", "-c", "i=0; while :; do i=$((i+1)); echo tick-$i; sleep 1; done"] }]));
    await running("ticker");
    const follow = startKubectl(cp, ["logs", "-f", "ticker"]);
    await follow.waitFor(/tick-1\n/).catch(failWithAgentLogs);
    const first = Number(/tick-(\d+)\n/.exec(follow.output())![1]);
    await follow.waitFor(new RegExp(`tick-${first + 2}\\n`)); // printed after kubectl started
    await kubectlOk(cp, ["delete", "pod", "ticker", "--wait=false"]);
    expect(await follow.exited(90_000)).toBe(0);
  });

  it("shows the crashed container's output with --previous", async () => {
    await create(cp, undefined, boundPod("crasher", NODE, [{ name: "main", command: ["sh", "-c", "echo crashed-once; exit 1"] }]));
    await waitForPod(cp, "crasher", "a restart", (p) => containerStatus(p)?.lastState?.terminated, 90_000).catch(failWithAgentLogs);
    expect((await kubectlOk(cp, ["logs", "crasher", "--previous"])).stdout).toBe("crashed-once\n");
  });

  it("reads several pods at once: -l and deploy/x", async () => {
    for (const name of ["many-1", "many-2"]) {
      const pod = boundPod(name, NODE, [{ name: "main", command: ["sh", "-c", `echo hello-from-${name}; sleep 3600`] }]);
      pod.metadata.labels = { app: "many" };
      await create(cp, undefined, pod);
    }
    await Promise.all(["many-1", "many-2"].map(running));
    await eventually("both pods' lines", async () => {
      const out = (await kubectlOk(cp, ["logs", "-l", "app=many", "--prefix"])).stdout;
      return out.includes("hello-from-many-1") && out.includes("hello-from-many-2");
    });
    // Both pods followed at once: two streams on the node concurrently.
    const both = startKubectl(cp, ["logs", "-f", "-l", "app=many"]);
    await both.waitFor(/hello-from-many-1[\s\S]*hello-from-many-2|hello-from-many-2[\s\S]*hello-from-many-1/);
    both.kill();

    await create(cp, undefined, {
      apiVersion: "apps/v1",
      kind: "Deployment",
      metadata: { name: "greeter" },
      spec: {
        replicas: 1,
        selector: { matchLabels: { app: "greeter" } },
        template: { metadata: { labels: { app: "greeter" } }, spec: { containers: [{ name: "main", image: "web-app:1.0", imagePullPolicy: "Never", command: ["sh", "-c", "echo greetings; sleep 3600"] }] } },
      },
    });
    await eventually("deploy/greeter's log", async () => (await cp.kubectl(["logs", "deploy/greeter"])).stdout === "greetings\n", { timeoutMs: 90_000 }).catch(failWithAgentLogs);
  });

  it("fails with a Status, not a hang, when the node's agent is gone", async () => {
    await cluster.get().node(NODE).stopAgent();
    // The node still reads Ready (its Lease has not run out): the relay answers that nobody polls.
    const r = await kubectlFails(cp, ["logs", "printer"], { timeoutMs: 60_000 });
    expect(r.stderr).toMatch(/error dialing backend: node "node-s"/);
  });
});
