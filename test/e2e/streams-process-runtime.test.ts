/**
 * Streams on a node whose agent runs pods as host processes (`--runtime process`): `kubectl logs`
 * (with --tail and -f) reads the process's log file, `kubectl exec` runs on the host with the
 * container's environment, and what the runtime cannot do is a clear error.
 */
import { describe, expect, it } from "vitest";
import { dockerAvailable, useCluster, withAgentLogs } from "./cluster/cluster.js";
import { boundPod, waitRunning } from "./cluster/pods.js";
import { create, eventually, kubectlOk, useControlPlane } from "./harness.js";
import { startKubectl } from "./streams-kubectl.js";

const NODE = "node-p";

describe.skipIf(!dockerAvailable() && process.env.CI !== "true")("streams on the process runtime", () => {
  const cp = useControlPlane();
  const cluster = useCluster(cp, { nodes: [NODE], agentArgs: ["--runtime", "process"] });
  const failWithAgentLogs = withAgentLogs(cluster);

  it("logs, --tail and -f from the process's log file", async () => {
    await create(cp, undefined, boundPod("proc", NODE, [{ name: "main", command: ["sh", "-c", "echo one; echo two; i=0; while :; do i=$((i+1)); echo tick-$i; sleep 1; done"], env: [{ name: "WHO", value: "proc-env" }] }]));
    await waitRunning(cp, "proc").catch(failWithAgentLogs);
    await eventually("the first lines", async () => (await kubectlOk(cp, ["logs", "proc"])).stdout.startsWith("one\ntwo\ntick-1\n")).catch(failWithAgentLogs);
    expect((await kubectlOk(cp, ["logs", "proc", "--tail=1"])).stdout).toMatch(/^tick-\d+\n$/);
    const follow = startKubectl(cp, ["logs", "-f", "proc"]);
    const seen = Number(/tick-(\d+)\n$/.exec((await kubectlOk(cp, ["logs", "proc"])).stdout)![1]);
    await follow.waitFor(new RegExp(`tick-${seen + 2}\\n`));
    follow.kill();
    const refused = await cp.kubectl(["logs", "proc", "--timestamps"]);
    expect(refused.code).not.toBe(0);
    expect(refused.stderr).toContain("the process runtime keeps no times in its logs");
  });

  it("exec runs with the container's environment and exit code; -t is refused", async () => {
    const r = await cp.kubectl(["exec", "proc", "--", "sh", "-c", "echo $WHO; exit 7"]);
    expect(r.stdout).toBe("proc-env\n");
    expect(r.code).toBe(7);
    // In a terminal (kubectl drops -t when its stdin is not one); `script` merges stderr into the output.
    const tty = startKubectl(cp, ["exec", "-it", "proc", "--", "true"], { tty: true });
    await tty.waitFor(/the process runtime cannot allocate a TTY/);
    expect(await tty.exited()).not.toBe(0);
  });
});
