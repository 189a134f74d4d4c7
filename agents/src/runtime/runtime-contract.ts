/**
 * The contract every `Runtime` keeps, as one suite run against each implementation (Docker, and
 * plain processes), in the manner of Hono's shared router tests.
 */
import { afterAll, expect, it } from "vitest";
import type { Readable } from "node:stream";
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

  it("streams an exec: stdin in, stdout and stderr apart, the exit code at the end", async () => {
    const id = await a.createContainer(sandbox, config("streams", "exec sleep 30"));
    await a.startContainer(id);
    const session = await a.execStream(id, ["sh", "-c", "read line; echo out-$line; echo err >&2; exit 3"], { stdin: true, stdout: true, stderr: true, tty: false });
    const read = (s: Readable | undefined) => new Promise<string>((resolve) => {
      let text = "";
      s?.on("data", (d: Buffer) => (text += d.toString()));
      s?.once("end", () => resolve(text));
    });
    const [out, err] = [read(session.stdout), read(session.stderr)];
    session.stdin?.end("hi\n");
    expect(await session.done).toBe(3);
    expect(await out).toBe("out-hi\n");
    expect(await err).toBe("err\n");
    await a.removeContainer(id);
  });

  it("reads a container's log: its last lines, and followed until the container stops", async () => {
    const id = await a.createContainer(sandbox, config("logs", "echo one; echo two; exec sleep 30"));
    await a.startContainer(id);
    const read = (r: Readable) => new Promise<string>((resolve) => {
      let text = "";
      r.on("data", (d: Buffer) => (text += d.toString()));
      r.once("end", () => resolve(text));
    });
    await expect.poll(async () => read(await a.logs(id, {})), { timeout: 10_000 }).toBe("one\ntwo\n");
    expect(await read(await a.logs(id, { tailLines: 1 }))).toBe("two\n");
    const followed = read(await a.logs(id, { follow: true }));
    await a.stopContainer(id, 1);
    expect(await followed).toBe("one\ntwo\n");
    await a.removeContainer(id);
  });
}
