/**
 * The contract every `Runtime` keeps, as one suite run against each implementation (Docker, and
 * plain processes), in the manner of Hono's shared router tests.
 */
import { afterAll, expect, it } from "vitest";
import type { ContainerConfig, Runtime, SandboxRecord } from "./types.js";

export interface RuntimeUnderTest {
  /** A runtime for node `nodeName`; both share one backend, as two agents sharing one Docker. */
  newRuntime(nodeName: string): Runtime;
  image: string;
}

let seq = 0;

export function runtimeContract(t: RuntimeUnderTest): void {
  const uid = `contract-${process.pid}-${Date.now().toString(36)}`;
  const a = t.newRuntime("contract-a");
  const b = t.newRuntime("contract-b");
  let sandbox: SandboxRecord;

  const config = (name: string, script: string, over: Partial<ContainerConfig> = {}): ContainerConfig => ({
    podUid: uid,
    namespace: "default",
    podName: "contract",
    name,
    kind: "app",
    attempt: seq++,
    specHash: `hash-${name}`,
    image: t.image,
    command: ["sh", "-c"],
    args: [script],
    env: { GREETING: "hello" },
    mounts: [],
    tty: false,
    stdin: false,
    ...over,
  });

  afterAll(async () => {
    const { sandboxes, containers } = await a.list(uid);
    for (const c of containers) await a.removeContainer(c.id);
    for (const s of sandboxes) await a.removeSandbox(s.id);
  });

  it("runs a sandbox that the node's listing shows, and another node's does not", async () => {
    sandbox = await a.runSandbox({ podUid: uid, namespace: "default", podName: "contract", attempt: 0, hostname: "contract", ports: [], hostNetwork: false, podLabels: {} });
    const listed = await a.list(uid);
    expect(listed.sandboxes).toEqual([expect.objectContaining({ id: sandbox.id, podUid: uid, podName: "contract", ready: true })]);
    expect((await b.list(uid)).sandboxes).toEqual([]);
  });

  it("creates and starts a container with its labels, env and command, and execs in it", async () => {
    const id = await a.createContainer(sandbox, config("web", "echo started; exec sleep 30"));
    await a.startContainer(id);
    const c = (await a.list(uid)).containers.find((x) => x.id === id);
    expect(c).toMatchObject({ name: "web", kind: "app", specHash: "hash-web", state: "running", podUid: uid });
    expect(c?.uri).toMatch(/^[a-z]+:\/\//);
    const r = await a.exec(id, ["sh", "-c", "echo $0-ok"], 5_000);
    expect(r.exitCode).toBe(0);
    expect(r.output).toMatch(/-ok/);
  });

  it("reports how a container ended", async () => {
    const id = await a.createContainer(sandbox, config("fails", "exit 3"));
    await a.startContainer(id);
    await expect.poll(async () => (await a.list(uid)).containers.find((x) => x.id === id)?.state, { timeout: 10_000 }).toBe("exited");
    const c = (await a.list(uid)).containers.find((x) => x.id === id);
    expect(c).toMatchObject({ exitCode: 3 });
    expect(c?.finishedAt).toBeDefined();
  });

  it("stops (idempotently) and removes (idempotently)", async () => {
    const id = await a.createContainer(sandbox, config("stops", "trap 'exit 0' TERM; while :; do sleep 1; done"));
    await a.startContainer(id);
    await a.stopContainer(id, 5);
    expect((await a.list(uid)).containers.find((x) => x.id === id)?.state).toBe("exited");
    await a.stopContainer(id, 5);
    await a.removeContainer(id);
    await a.removeContainer(id);
    expect((await a.list(uid)).containers.some((x) => x.id === id)).toBe(false);
  });
}
