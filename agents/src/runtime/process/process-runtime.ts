/**
 * The plain-process runtime, for hosts without Docker: each container is a host process
 * running the container's `command` + `args` (both required: there is no image to take an
 * entrypoint from), in its own process group, with the pod's environment and `workingDir`, its
 * output in a log file. What it cannot do, and the README says so: no image (the `image` field is
 * only reported), no filesystem, network, PID or user isolation (a process sees the host and
 * runs as the agent's user, root), no resource limits, no volume mounts (emptyDir, configMap and
 * secret directories exist under the state dir but are not mounted), no hostPort mapping; the
 * pod IP is the node's; exec probes and hooks run on the host.
 *
 * Records live in `<state-dir>/process/<id>.json`, so a restarted agent adopts processes that
 * are still running (checked by pid and process start time).
 */
import { spawn } from "node:child_process";
import { randomBytes } from "node:crypto";
import { openSync, closeSync } from "node:fs";
import { mkdir, readdir, readFile, rm } from "node:fs/promises";
import { arch, cpus, release, totalmem, type } from "node:os";
import { join } from "node:path";
import type { Readable } from "node:stream";
import type { Logger } from "../../log.js";
import { readLogFile } from "./log-file.js";
import type { ContainerConfig, ContainerRecord, ExecResult, ImageRecord, LogOptions, PodResources, Runtime, RuntimeInfo, SandboxConfig, SandboxRecord, StdioOptions, StdioSession } from "../types.js";
import { writeFileAtomic } from "../../state/atomic-file.js";

interface ProcessFile {
  kind: "sandbox" | "init" | "app";
  record: ContainerRecord | SandboxRecord;
  nodeName: string;
  command: string[];
  env: Record<string, string>;
  cwd?: string;
  pid?: number;
  /** /proc/<pid>/stat start time, to tell our process from a reused pid. */
  procStart?: string;
}

export interface ProcessRuntimeOptions {
  nodeName: string;
  stateDir: string;
  hostIP(): string;
  log: Logger;
}

async function procStartTime(pid: number): Promise<string | undefined> {
  const stat = await readFile(`/proc/${pid}/stat`, "utf8").catch(() => undefined);
  return stat?.slice(stat.lastIndexOf(")") + 2).split(" ")[19];
}

export class ProcessRuntime implements Runtime {
  private readonly dir: string;
  /** Processes this agent started: their exit is recorded when it happens, with its code. */
  private readonly children = new Map<string, Promise<void>>();

  constructor(private readonly o: ProcessRuntimeOptions) {
    this.dir = join(o.stateDir, "process");
  }

  private path(id: string, ext: "json" | "log"): string {
    return join(this.dir, `${id}.${ext}`);
  }

  private async save(f: ProcessFile): Promise<void> {
    await mkdir(this.dir, { recursive: true });
    const p = this.path(f.record.id, "json");
    await writeFileAtomic(p, JSON.stringify(f));
  }

  private async load(id: string): Promise<ProcessFile | undefined> {
    const text = await readFile(this.path(id, "json"), "utf8").catch(() => undefined);
    return text ? (JSON.parse(text) as ProcessFile) : undefined;
  }

  async info(): Promise<RuntimeInfo> {
    return {
      name: "process",
      version: process.version,
      cpus: cpus().length,
      memoryBytes: totalmem(),
      os: type().toLowerCase(),
      arch: arch() === "x64" ? "amd64" : arch(),
      kernelVersion: release(),
      osImage: type(),
    };
  }

  async list(podUid?: string): Promise<PodResources> {
    await mkdir(this.dir, { recursive: true });
    const out: PodResources = { sandboxes: [], containers: [] };
    for (const name of await readdir(this.dir)) {
      if (!name.endsWith(".json")) continue;
      const f = await this.load(name.slice(0, -5));
      if (!f || f.nodeName !== this.o.nodeName || (podUid && f.record.podUid !== podUid)) continue;
      if (f.kind === "sandbox") out.sandboxes.push(f.record as SandboxRecord);
      else {
        const rec = f.record as ContainerRecord;
        // An adopted process that is gone: the agent did not see it exit, so its code is unknown.
        if (rec.state === "running" && f.pid && !this.children.has(rec.id) && (await procStartTime(f.pid)) !== f.procStart) {
          rec.state = "exited";
          rec.exitCode = rec.exitCode ?? 255;
          rec.finishedAt = Date.now();
          await this.save(f);
        }
        out.containers.push(rec);
      }
    }
    return out;
  }

  async runSandbox(c: SandboxConfig): Promise<SandboxRecord> {
    const id = randomBytes(16).toString("hex");
    const record: SandboxRecord = { id, podUid: c.podUid, namespace: c.namespace, podName: c.podName, attempt: c.attempt, ready: true, ip: this.o.hostIP(), createdAt: Date.now() };
    await this.save({ kind: "sandbox", record, nodeName: this.o.nodeName, command: [], env: {} });
    return record;
  }

  async removeSandbox(id: string): Promise<void> {
    await rm(this.path(id, "json"), { force: true });
  }

  async imagePresent(image: string): Promise<ImageRecord | undefined> {
    return { id: `process:${image}`, names: [image], sizeBytes: 0 };
  }

  async pullImage(): Promise<void> {
    // Nothing to pull: processes run host binaries.
  }

  async listImages(): Promise<ImageRecord[]> {
    return [];
  }

  async createContainer(sandbox: SandboxRecord, c: ContainerConfig): Promise<string> {
    const command = [...c.command, ...c.args];
    if (c.command.length === 0) throw new Error("the process runtime needs the container's command (there is no image entrypoint)");
    const id = randomBytes(16).toString("hex");
    const record: ContainerRecord = {
      id,
      uri: `process://${id}`,
      podUid: sandbox.podUid,
      name: c.name,
      kind: c.kind,
      attempt: c.attempt,
      specHash: c.specHash,
      state: "created",
      createdAt: Date.now(),
      image: c.image,
      imageId: `process:${c.image}`,
    };
    await this.save({ kind: c.kind, record, nodeName: this.o.nodeName, command, env: c.env, cwd: c.workingDir });
    return id;
  }

  async startContainer(id: string): Promise<void> {
    const f = await this.load(id);
    if (!f || f.kind === "sandbox") throw new Error(`no such container ${id}`);
    const rec = f.record as ContainerRecord;
    if (rec.state !== "created") return;
    const out = openSync(this.path(id, "log"), "a");
    const child = spawn(f.command[0], f.command.slice(1), {
      cwd: f.cwd,
      env: { PATH: process.env.PATH ?? "/usr/bin:/bin", ...f.env },
      detached: true,
      stdio: ["ignore", out, out],
    });
    closeSync(out);
    // Listen at once: a short-lived process may be gone before the record says it runs.
    const ended = new Promise<{ code: number | null; signal: NodeJS.Signals | null }>((resolve) => child.once("exit", (code, signal) => resolve({ code, signal })));
    await new Promise<void>((resolve, reject) => {
      child.once("spawn", resolve);
      child.once("error", reject);
    });
    child.unref();
    f.pid = child.pid;
    f.procStart = await procStartTime(child.pid!);
    rec.state = "running";
    rec.startedAt = Date.now();
    await this.save(f);
    const exited = ended.then(async ({ code, signal }) => {
      try {
        const cur = await this.load(id);
        if (!cur) return;
        const r = cur.record as ContainerRecord;
        r.state = "exited";
        r.exitCode = code ?? 128 + (signal ? (({ SIGKILL: 9, SIGTERM: 15, SIGINT: 2 }) as Record<string, number>)[signal] ?? 0 : 0);
        r.finishedAt = Date.now();
        await this.save(cur);
      } finally {
        this.children.delete(id);
      }
    });
    this.children.set(id, exited);
  }

  async stopContainer(id: string, graceSeconds: number): Promise<void> {
    const f = await this.load(id);
    const rec = f?.record as ContainerRecord | undefined;
    if (!f?.pid || rec?.state !== "running") return;
    const alive = async () => (await procStartTime(f.pid!)) === f.procStart;
    try {
      process.kill(-f.pid, "SIGTERM");
    } catch {
      return;
    }
    const deadline = Date.now() + graceSeconds * 1000;
    while (Date.now() < deadline && (await alive())) await new Promise((r) => setTimeout(r, 100));
    if (await alive()) {
      try {
        process.kill(-f.pid, "SIGKILL");
      } catch {
        // gone meanwhile
      }
    }
    for (let i = 0; i < 50 && (await alive()); i++) await new Promise((r) => setTimeout(r, 100));
    await this.children.get(id);
  }

  async removeContainer(id: string): Promise<void> {
    await this.stopContainer(id, 0);
    await rm(this.path(id, "json"), { force: true });
    await rm(this.path(id, "log"), { force: true });
  }

  exec(_id: string, command: string[], timeoutMs: number): Promise<ExecResult> {
    return new Promise((resolve) => {
      const child = spawn(command[0], command.slice(1), { stdio: ["ignore", "pipe", "pipe"], timeout: timeoutMs });
      let output = "";
      child.stdout.on("data", (d: Buffer) => (output += d.toString()));
      child.stderr.on("data", (d: Buffer) => (output += d.toString()));
      child.once("error", (err) => resolve({ exitCode: 126, output: err.message }));
      child.once("close", (code) => resolve({ exitCode: code ?? 137, output }));
    });
  }

  async logs(id: string, o: LogOptions): Promise<Readable> {
    if (o.timestamps || o.since !== undefined) throw new Error("the process runtime keeps no times in its logs: timestamps, sinceSeconds and sinceTime are not supported");
    const ended = async () => ((await this.load(id))?.record as ContainerRecord | undefined)?.state !== "running";
    return readLogFile(this.path(id, "log"), { tailLines: o.tailLines, follow: o.follow, ended });
  }

  /**
   * `kubectl exec` runs the command on the host, as exec probes do here, with the container's
   * environment and working directory. Without a pty library there is no TTY.
   */
  async execStream(id: string, command: string[], o: StdioOptions): Promise<StdioSession> {
    if (o.tty) throw new Error("the process runtime cannot allocate a TTY: run kubectl exec without -t");
    const f = await this.load(id);
    if (!f || f.kind === "sandbox" || (f.record as ContainerRecord).state !== "running") throw new Error(`container ${id} is not running`);
    const child = spawn(command[0], command.slice(1), { cwd: f.cwd, env: { PATH: process.env.PATH ?? "/usr/bin:/bin", ...f.env }, stdio: [o.stdin ? "pipe" : "ignore", "pipe", "pipe"] });
    const done = new Promise<number | undefined>((resolve, reject) => {
      child.once("error", reject);
      child.once("close", (code, signal) => resolve(code ?? (signal === "SIGKILL" ? 137 : 128)));
    });
    await new Promise<void>((resolve, reject) => {
      child.once("spawn", resolve);
      child.once("error", reject);
    });
    return {
      stdout: o.stdout ? (child.stdout ?? undefined) : undefined,
      stderr: o.stderr ? (child.stderr ?? undefined) : undefined,
      stdin: child.stdin ?? undefined,
      resize: async () => {},
      done,
      close: () => child.kill("SIGKILL"),
    };
  }

  async attach(): Promise<StdioSession> {
    throw new Error("the process runtime cannot attach: a container's output goes to its log file (use kubectl logs -f)");
  }
}
