/**
 * The Docker runtime: a pod is a sandbox container (the pause image) that holds the pod's
 * network namespace, and app containers that join it (`NetworkMode: container:<sandbox>`), so
 * they share localhost and the pod IP. The sandbox sits on the pod network (pod-network.ts), the
 * Docker bridge whose subnet is the node's `spec.podCIDR`. Inspections are cached per container
 * and state: a listing of unchanged containers costs one Engine call.
 */
import type { Readable } from "node:stream";
import { LABEL_ATTEMPT, LABEL_CONTAINER_NAME, LABEL_NODE, LABEL_POD_NAME, LABEL_POD_NAMESPACE, LABEL_POD_UID, LABEL_SPEC_HASH, LABEL_TYPE, SANDBOX_CONTAINER_NAME, SANDBOX_TYPE, containerLabels, runtimeName, sandboxLabels, type OwnerLabels } from "../labels.js";
import {
  ImageError,
  type ContainerConfig,
  type ContainerRecord,
  type ExecResult,
  type ImageRecord,
  type LogOptions,
  type PodResources,
  type Runtime,
  type RuntimeInfo,
  type SandboxConfig,
  type SandboxRecord,
  type StdioOptions,
  type StdioSession,
} from "../types.js";
import { stdioSession } from "./stdio-session.js";
import { DockerEngine, EngineError, demultiplex, type EngineContainerInspect, type EngineImage } from "./engine.js";

export interface DockerRuntimeOptions {
  engine: DockerEngine;
  nodeName: string;
  pauseImage: string;
  /** The Docker network sandboxes join (`bridge`, or the pod network). */
  network: () => string;
}

const time = (s: string | undefined) => {
  const t = s ? Date.parse(s) : NaN;
  // Docker says `0001-01-01T00:00:00Z` for "never".
  return Number.isNaN(t) || t <= 0 ? undefined : t;
};

function toImageRecord(i: EngineImage): ImageRecord {
  return { id: i.Id, names: [...(i.RepoTags ?? []), ...(i.RepoDigests ?? [])].filter((n) => n !== "<none>:<none>" && n !== "<none>@<none>"), sizeBytes: i.Size };
}

export class DockerRuntime implements Runtime {
  private readonly engine: DockerEngine;
  private readonly inspections = new Map<string, { state: string; data: EngineContainerInspect }>();

  constructor(private readonly options: DockerRuntimeOptions) {
    this.engine = options.engine;
  }

  async info(): Promise<RuntimeInfo> {
    const info = await this.engine.info();
    return {
      name: "docker",
      version: info.ServerVersion,
      cpus: info.NCPU,
      memoryBytes: info.MemTotal,
      os: info.OSType,
      arch: info.Architecture === "x86_64" ? "amd64" : info.Architecture === "aarch64" ? "arm64" : info.Architecture,
      kernelVersion: info.KernelVersion,
      osImage: info.OperatingSystem,
    };
  }

  async list(podUid?: string): Promise<PodResources> {
    const labels = [`${LABEL_NODE}=${this.options.nodeName}`, ...(podUid ? [`${LABEL_POD_UID}=${podUid}`] : [])];
    const summaries = await this.engine.listContainers(labels);
    if (!podUid) {
      const live = new Set(summaries.map((s) => s.Id));
      for (const id of this.inspections.keys()) if (!live.has(id)) this.inspections.delete(id);
    }
    const out: PodResources = { sandboxes: [], containers: [] };
    await Promise.all(
      summaries.map(async (s) => {
        let data = this.inspections.get(s.Id);
        if (!data || data.state !== s.State) {
          try {
            data = { state: s.State, data: await this.engine.inspectContainer(s.Id) };
          } catch (err) {
            if (err instanceof EngineError && err.statusCode === 404) return; // removed meanwhile
            throw err;
          }
          this.inspections.set(s.Id, data);
        }
        const i = data.data;
        const l = i.Config.Labels;
        if (l[LABEL_TYPE] === SANDBOX_TYPE) out.sandboxes.push(this.toSandbox(i));
        else if (l[LABEL_TYPE] === "init" || l[LABEL_TYPE] === "app") out.containers.push(toContainer(i));
      }),
    );
    return out;
  }

  private toSandbox(i: EngineContainerInspect): SandboxRecord {
    const l = i.Config.Labels;
    const nets = Object.values(i.NetworkSettings.Networks ?? {});
    const ip = i.NetworkSettings.IPAddress || nets.find((n) => n.IPAddress)?.IPAddress || undefined;
    return {
      id: i.Id,
      podUid: l[LABEL_POD_UID],
      namespace: l[LABEL_POD_NAMESPACE],
      podName: l[LABEL_POD_NAME],
      attempt: Number(l[LABEL_ATTEMPT] ?? 0),
      ready: i.State.Running,
      ip,
      createdAt: time(i.Created) ?? 0,
    };
  }

  private owner(o: { podUid: string; namespace: string; podName: string }): OwnerLabels {
    return { node: this.options.nodeName, podUid: o.podUid, namespace: o.namespace, podName: o.podName };
  }

  async runSandbox(config: SandboxConfig): Promise<SandboxRecord> {
    const owner = this.owner(config);
    const image = this.options.pauseImage;
    if (!(await this.imagePresent(image))) await this.pullImage(image);
    const portBindings: Record<string, Array<{ HostPort: string; HostIp?: string }>> = {};
    const exposed: Record<string, object> = {};
    for (const p of config.ports) {
      const key = `${p.containerPort}/${p.protocol.toLowerCase()}`;
      exposed[key] = {};
      (portBindings[key] ??= []).push({ HostPort: String(p.hostPort), ...(p.hostIP ? { HostIp: p.hostIP } : {}) });
    }
    const name = runtimeName(owner, SANDBOX_CONTAINER_NAME, config.attempt);
    await this.engine.removeContainer(name); // a leftover of a crashed attempt
    const id = await this.engine.createContainer(name, {
      Image: image,
      Hostname: config.hostNetwork ? undefined : config.hostname.slice(0, 63),
      Labels: { ...sandboxLabels(owner, config.attempt) },
      ExposedPorts: exposed,
      HostConfig: {
        NetworkMode: config.hostNetwork ? "host" : this.options.network(),
        PortBindings: portBindings,
        IpcMode: "shareable",
        RestartPolicy: { Name: "no" },
      },
    });
    await this.engine.startContainer(id);
    return this.toSandbox(await this.engine.inspectContainer(id));
  }

  async removeSandbox(id: string): Promise<void> {
    await this.engine.removeContainer(id);
  }

  async imagePresent(image: string): Promise<ImageRecord | undefined> {
    const i = await this.engine.inspectImage(image);
    return i ? toImageRecord(i) : undefined;
  }

  async pullImage(image: string): Promise<void> {
    try {
      await this.engine.pullImage(image);
    } catch (err) {
      throw new ImageError("ErrImagePull", `failed to pull and unpack image "${image}": ${err instanceof Error ? err.message : String(err)}`);
    }
  }

  async listImages(): Promise<ImageRecord[]> {
    return (await this.engine.listImages()).map(toImageRecord);
  }

  async createContainer(sandbox: SandboxRecord, c: ContainerConfig): Promise<string> {
    const owner = this.owner(c);
    const name = runtimeName(owner, c.name, c.attempt);
    await this.engine.removeContainer(name);
    return this.engine.createContainer(name, {
      Image: c.image,
      ...(c.command.length > 0 ? { Entrypoint: c.command, Cmd: c.args } : c.args.length > 0 ? { Cmd: c.args } : {}),
      WorkingDir: c.workingDir,
      Env: Object.entries(c.env).map(([k, v]) => `${k}=${v}`),
      Labels: containerLabels(owner, c),
      Tty: c.tty,
      OpenStdin: c.stdin,
      HostConfig: {
        NetworkMode: `container:${sandbox.id}`,
        IpcMode: `container:${sandbox.id}`,
        Binds: c.mounts.map((m) => `${m.hostPath}:${m.containerPath}${m.readOnly ? ":ro" : ""}`),
        ...(c.cpuLimit ? { NanoCpus: Math.round(c.cpuLimit * 1e9) } : {}),
        ...(c.memoryLimitBytes ? { Memory: c.memoryLimitBytes, MemorySwap: c.memoryLimitBytes } : {}),
        RestartPolicy: { Name: "no" },
      },
    });
  }

  startContainer(id: string): Promise<void> {
    return this.engine.startContainer(id);
  }

  stopContainer(id: string, graceSeconds: number): Promise<void> {
    return this.engine.stopContainer(id, Math.max(0, Math.ceil(graceSeconds)));
  }

  removeContainer(id: string): Promise<void> {
    return this.engine.removeContainer(id);
  }

  exec(id: string, command: string[], timeoutMs: number): Promise<ExecResult> {
    return this.engine.exec(id, command, timeoutMs);
  }

  async logs(id: string, options: LogOptions): Promise<Readable> {
    // A container with a TTY logs its terminal's bytes as they are, without Docker's frames.
    const tty = (await this.engine.inspectContainer(id)).Config.Tty ?? false;
    const res = await this.engine.logs(id, {
      follow: options.follow,
      tail: options.tailLines ?? "all",
      since: options.since,
      timestamps: options.timestamps,
    });
    return tty ? res : demultiplex(res);
  }

  async execStream(id: string, command: string[], o: StdioOptions): Promise<StdioSession> {
    const e = this.engine;
    const created = await e.call<{ Id: string }>({
      method: "POST",
      path: `/containers/${id}/exec`,
      body: { AttachStdin: o.stdin, AttachStdout: o.stdout, AttachStderr: o.stderr, Tty: o.tty, Cmd: command },
    });
    const execId = created.body.Id;
    const socket = await e.hijack({ method: "POST", path: `/exec/${execId}/start`, body: { Detach: false, Tty: o.tty } });
    const resize = async (w: number, h: number) => void (await e.call({ method: "POST", path: `/exec/${execId}/resize`, query: { w, h } }));
    const exitCode = async () => {
      // The stream can end a moment before the Engine records the exit.
      for (let i = 0; ; i++) {
        const { body } = await e.call<{ ExitCode: number | null; Running: boolean }>({ method: "GET", path: `/exec/${execId}/json` });
        if (!body.Running || i >= 20) return body.ExitCode ?? undefined;
        await new Promise((r) => setTimeout(r, 50));
      }
    };
    return stdioSession(socket, o, resize, exitCode);
  }

  async attach(id: string, o: StdioOptions): Promise<StdioSession> {
    const e = this.engine;
    // The container's own TTY setting decides the stream's framing, whatever the client asked.
    const tty = (await e.inspectContainer(id)).Config.Tty ?? false;
    const socket = await e.hijack({ method: "POST", path: `/containers/${id}/attach`, query: { stream: true, stdin: o.stdin, stdout: o.stdout, stderr: o.stderr } });
    const resize = async (w: number, h: number) => void (await e.call({ method: "POST", path: `/containers/${id}/resize`, query: { w, h } }));
    return stdioSession(socket, { ...o, tty }, resize, async () => undefined);
  }
}

function toContainer(i: EngineContainerInspect): ContainerRecord {
  const l = i.Config.Labels;
  const state = i.State.Running ? "running" : i.State.Status === "created" ? "created" : "exited";
  return {
    id: i.Id,
    uri: `docker://${i.Id}`,
    podUid: l[LABEL_POD_UID],
    name: l[LABEL_CONTAINER_NAME],
    kind: l[LABEL_TYPE] === "init" ? "init" : "app",
    attempt: Number(l[LABEL_ATTEMPT] ?? 0),
    specHash: l[LABEL_SPEC_HASH] ?? "",
    state,
    exitCode: state === "exited" ? i.State.ExitCode : undefined,
    reason: i.State.OOMKilled ? "OOMKilled" : undefined,
    createdAt: time(i.Created) ?? 0,
    startedAt: time(i.State.StartedAt),
    finishedAt: state === "exited" ? time(i.State.FinishedAt) : undefined,
    image: i.Config.Image,
    imageId: `docker://${i.Image}`,
  };
}
