/**
 * `kubectl exec` and `kubectl attach` through the stream relay on a one-node cluster under
 * wrangler dev, in the WebSocket protocol kubectl 1.32 speaks (`v5.channel.k8s.io`): exit codes,
 * stdin, a TTY (kubectl inside `script`, which gives it a pseudo-terminal) and attach.
 */
import { describe, expect, it } from "vitest";
import { dockerAvailable, useCluster, withAgentLogs } from "./cluster/cluster.js";
import { boundPod, waitRunning } from "./cluster/pods.js";
import { create, kubectlOk, useControlPlane } from "./harness.js";
import { startKubectl, TERMINAL } from "./streams-kubectl.js";

const NODE = "node-x";

describe.skipIf(!dockerAvailable() && process.env.CI !== "true")("kubectl exec and attach through the relay", () => {
  const cp = useControlPlane();
  const cluster = useCluster(cp, { nodes: [NODE] });
  const failWithAgentLogs = withAgentLogs(cluster);
  const running = (name: string) => waitRunning(cp, name).catch(failWithAgentLogs);

  it("runs a command: its output, and its exit code as kubectl's", async () => {
    await create(cp, undefined, boundPod("shell", NODE, [{ name: "main", command: ["sleep", "3600"] }]));
    await running("shell");
    const r = await cp.kubectl(["exec", "shell", "--", "sh", "-c", "echo hi; echo oops >&2; exit 3"]);
    expect(r.stdout).toBe("hi\n");
    expect(r.stderr).toContain("oops");
    expect(r.code).toBe(3);
    expect((await kubectlOk(cp, ["exec", "shell", "--", "echo", "fine"])).stdout).toBe("fine\n");
  });

  it("passes stdin with -i", async () => {
    const r = await kubectlOk(cp, ["exec", "-i", "shell", "--", "sh", "-c", "cat; echo done"], { input: "piped\n" });
    expect(r.stdout).toBe("piped\ndone\n");
  });

  it("runs a shell with -it that answers what is typed, in a terminal of the client's size", async () => {
    const shell = startKubectl(cp, ["exec", "-it", "shell", "--", "sh"], { tty: true });
    shell.write("echo answer-$((40+2))\n");
    await shell.waitFor(/answer-42/).catch(failWithAgentLogs);
    // kubectl sends its terminal's size on the resize channel; the shell's terminal takes it.
    shell.write("stty size\n");
    await shell.waitFor(new RegExp(`${TERMINAL.rows} ${TERMINAL.cols}\r?\n`));
    shell.write("exit 5\n");
    expect(await shell.exited()).toBe(5);
  });

  it("attaches to a container's main process", async () => {
    await create(cp, undefined, boundPod("console", NODE, [{ name: "main", command: ["sh"], stdin: true, tty: true }]));
    await running("console");
    const attached = startKubectl(cp, ["attach", "-it", "console"], { tty: true });
    await attached.waitFor(/If you don't see a command prompt/).catch(failWithAgentLogs);
    attached.write("echo attached-$((1+2))\n");
    await attached.waitFor(/attached-3/);
    attached.kill();
    // A TTY container's log is its terminal's bytes, unframed.
    expect((await kubectlOk(cp, ["logs", "console"])).stdout).toContain("attached-3");
  });

  it("fails with the node's Status, not a hang, when the node's agent is gone", async () => {
    await cluster.get().node(NODE).stopAgent();
    // kubectl tries a WebSocket, then SPDY: both answers name the node.
    const r = await cp.kubectl(["exec", "shell", "--", "true"], { timeoutMs: 60_000 });
    expect(r.code).not.toBe(0);
    expect(r.stderr).toMatch(/error dialing backend: node "node-x"/);
  });
});
