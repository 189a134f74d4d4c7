/**
 * A small typed client of the Docker Engine API (v1.41, Docker 20.10 and later) over its unix
 * socket, with Node's `http`. It replaces dockerode, which this project cannot install: the
 * agent needs a dozen endpoints of a small, stable API. Operations are idempotent where the
 * agent needs them to be: stopping a stopped container (304) or removing a missing one (404) is
 * success, as testcontainers treats them.
 */
import { request, Agent, type IncomingMessage } from "node:http";
import type { Socket } from "node:net";
import { PassThrough, type Readable } from "node:stream";

export const ENGINE_API_VERSION = "v1.41";

export class EngineError extends Error {
  constructor(
    readonly statusCode: number,
    message: string,
    readonly path: string,
  ) {
    super(`docker ${path}: ${statusCode} ${message}`);
    this.name = "EngineError";
  }
}

export interface EngineContainerSummary {
  Id: string;
  Names: string[];
  Image: string;
  ImageID: string;
  Labels: Record<string, string>;
  State: string;
  Created: number;
}

export interface EngineContainerInspect {
  Id: string;
  Created: string;
  Image: string;
  Config: { Image: string; Labels: Record<string, string>; Tty?: boolean };
  State: {
    Status: string;
    Running: boolean;
    OOMKilled: boolean;
    ExitCode: number;
    StartedAt: string;
    FinishedAt: string;
    Error: string;
  };
  NetworkSettings: { IPAddress: string; Networks: Record<string, { IPAddress: string }> };
  HostConfig: { NetworkMode: string };
}

export interface EngineImage {
  Id: string;
  RepoTags: string[] | null;
  RepoDigests?: string[] | null;
  Size: number;
}

export interface EngineNetwork {
  Id: string;
  Name: string;
  IPAM: { Config: Array<{ Subnet?: string; Gateway?: string }> | null };
}

export interface EngineInfo {
  NCPU: number;
  MemTotal: number;
  KernelVersion: string;
  OperatingSystem: string;
  OSType: string;
  Architecture: string;
  ServerVersion: string;
}

interface Call {
  method: string;
  path: string;
  query?: Record<string, string | number | boolean | undefined>;
  body?: unknown;
  /** Status codes that count as success besides 2xx. */
  ok?: number[];
  timeoutMs?: number;
}

export class DockerEngine {
  private readonly agent: Agent;

  constructor(readonly socketPath = "/var/run/docker.sock") {
    this.agent = new Agent({ keepAlive: true, maxSockets: 16 });
  }

  /** One call whose answer is read whole; JSON bodies are parsed. */
  async call<T>(c: Call): Promise<{ status: number; body: T }> {
    const res = await this.open(c);
    const text = await readAll(res);
    const status = res.statusCode ?? 0;
    if ((status < 200 || status >= 300) && !(c.ok ?? []).includes(status)) {
      throw new EngineError(status, engineMessage(text), c.path);
    }
    const isJson = (res.headers["content-type"] ?? "").includes("json") && text !== "";
    return { status, body: (isJson ? JSON.parse(text) : text) as T };
  }

  /** One call whose answer is streamed (logs, pulls, exec output); a non-2xx status throws. */
  async stream(c: Call): Promise<IncomingMessage> {
    const res = await this.open(c);
    const status = res.statusCode ?? 0;
    if (status < 200 || status >= 300) throw new EngineError(status, engineMessage(await readAll(res)), c.path);
    return res;
  }

  /**
   * A call that upgrades its connection (`Upgrade: tcp`): exec start and attach answer 101 and
   * the socket then carries the process's stdio both ways, as `docker exec -i` uses it.
   */
  hijack(c: Call): Promise<Socket> {
    return new Promise((resolve, reject) => {
      const req = request({
        socketPath: this.socketPath,
        method: c.method,
        path: this.pathOf(c),
        headers: { "content-type": "application/json", connection: "Upgrade", upgrade: "tcp" },
      });
      req.once("upgrade", (_res, socket, head) => {
        if (head.length > 0) socket.unshift(head);
        resolve(socket as Socket);
      });
      // A plain answer is an error (404 no such container, 409 not running).
      req.once("response", (res) => readAll(res).then((text) => reject(new EngineError(res.statusCode ?? 0, engineMessage(text), c.path)), reject));
      req.once("error", reject);
      req.end(c.body === undefined ? undefined : JSON.stringify(c.body));
    });
  }

  private pathOf(c: Call): string {
    const qs = new URLSearchParams();
    for (const [k, v] of Object.entries(c.query ?? {})) if (v !== undefined) qs.set(k, String(v));
    return `/${ENGINE_API_VERSION}${c.path}${qs.size > 0 ? `?${qs}` : ""}`;
  }

  private open(c: Call): Promise<IncomingMessage> {
    const path = this.pathOf(c);
    const payload = c.body === undefined ? undefined : Buffer.from(JSON.stringify(c.body));
    return new Promise((resolve, reject) => {
      const req = request(
        {
          socketPath: this.socketPath,
          agent: this.agent,
          method: c.method,
          path,
          headers: payload ? { "content-type": "application/json", "content-length": payload.length } : {},
          timeout: c.timeoutMs ?? 30_000,
        },
        resolve,
      );
      req.once("timeout", () => req.destroy(new Error(`docker ${c.method} ${c.path}: timed out`)));
      req.once("error", reject);
      req.end(payload);
    });
  }

  info(): Promise<EngineInfo> {
    return this.call<EngineInfo>({ method: "GET", path: "/info" }).then((r) => r.body);
  }

  listContainers(labels: string[]): Promise<EngineContainerSummary[]> {
    const filters = JSON.stringify({ label: labels });
    return this.call<EngineContainerSummary[]>({ method: "GET", path: "/containers/json", query: { all: true, filters } }).then((r) => r.body);
  }

  inspectContainer(id: string): Promise<EngineContainerInspect> {
    return this.call<EngineContainerInspect>({ method: "GET", path: `/containers/${id}/json` }).then((r) => r.body);
  }

  async createContainer(name: string, config: Record<string, unknown>): Promise<string> {
    const r = await this.call<{ Id: string }>({ method: "POST", path: "/containers/create", query: { name }, body: config });
    return r.body.Id;
  }

  async startContainer(id: string): Promise<void> {
    await this.call({ method: "POST", path: `/containers/${id}/start`, ok: [304] });
  }

  /** SIGTERM (or the image's stop signal), SIGKILL after `graceSeconds`; 304 (already stopped) and 404 are fine. */
  async stopContainer(id: string, graceSeconds: number): Promise<void> {
    await this.call({
      method: "POST",
      path: `/containers/${id}/stop`,
      query: { t: graceSeconds },
      ok: [304, 404],
      timeoutMs: (graceSeconds + 30) * 1000,
    });
  }

  async removeContainer(id: string): Promise<void> {
    await this.call({ method: "DELETE", path: `/containers/${id}`, query: { force: true, v: true }, ok: [404] });
  }

  async logs(id: string, query: Record<string, string | number | boolean | undefined>): Promise<IncomingMessage> {
    return this.stream({ method: "GET", path: `/containers/${id}/logs`, query: { stdout: true, stderr: true, ...query }, timeoutMs: 0 });
  }

  /** Runs a command and collects its output (stdout and stderr interleaved) and exit code. */
  async exec(id: string, cmd: string[], timeoutMs: number): Promise<{ exitCode: number; output: string }> {
    const created = await this.call<{ Id: string }>({
      method: "POST",
      path: `/containers/${id}/exec`,
      body: { AttachStdout: true, AttachStderr: true, Cmd: cmd },
    });
    const execId = created.body.Id;
    const res = await this.stream({ method: "POST", path: `/exec/${execId}/start`, body: { Detach: false, Tty: false }, timeoutMs });
    const output = await readAll(demultiplex(res));
    const inspected = await this.call<{ ExitCode: number | null; Running: boolean }>({ method: "GET", path: `/exec/${execId}/json` });
    return { exitCode: inspected.body.ExitCode ?? -1, output };
  }

  listImages(): Promise<EngineImage[]> {
    return this.call<EngineImage[]>({ method: "GET", path: "/images/json" }).then((r) => r.body);
  }

  async inspectImage(name: string): Promise<EngineImage | undefined> {
    const r = await this.call<EngineImage | string>({ method: "GET", path: `/images/${encodeURIComponent(name)}/json`, ok: [404] });
    return r.status === 404 ? undefined : (r.body as EngineImage);
  }

  /** Pulls an image; the Engine reports failures inside its progress stream, which this reads. */
  async pullImage(image: string, timeoutMs = 300_000): Promise<void> {
    const { repository, tag } = splitImage(image);
    const res = await this.stream({ method: "POST", path: "/images/create", query: { fromImage: repository, tag }, timeoutMs });
    const text = await readAll(res);
    for (const line of text.split("\n")) {
      if (!line.trim()) continue;
      const msg = JSON.parse(line) as { error?: string };
      if (msg.error) throw new EngineError(500, msg.error, "/images/create");
    }
  }

  async inspectNetwork(name: string): Promise<EngineNetwork | undefined> {
    const r = await this.call<EngineNetwork | string>({ method: "GET", path: `/networks/${encodeURIComponent(name)}`, ok: [404] });
    return r.status === 404 ? undefined : (r.body as EngineNetwork);
  }

  async createNetwork(name: string, subnet: string, gateway: string, labels: Record<string, string>): Promise<void> {
    await this.call({
      method: "POST",
      path: "/networks/create",
      body: { Name: name, Driver: "bridge", CheckDuplicate: true, Labels: labels, IPAM: { Config: [{ Subnet: subnet, Gateway: gateway }] } },
    });
  }

  close(): void {
    this.agent.destroy();
  }
}

/** `registry:5000/a/b:tag` → repository `registry:5000/a/b`, tag `tag`; a digest stays in the repository. */
export function splitImage(image: string): { repository: string; tag?: string } {
  if (image.includes("@")) return { repository: image };
  const slash = image.lastIndexOf("/");
  const colon = image.lastIndexOf(":");
  if (colon > slash) return { repository: image.slice(0, colon), tag: image.slice(colon + 1) };
  return { repository: image, tag: "latest" };
}

function engineMessage(text: string): string {
  try {
    return (JSON.parse(text) as { message?: string }).message ?? text;
  } catch {
    return text.trim();
  }
}

function readAll(stream: Readable): Promise<string> {
  return new Promise((resolve, reject) => {
    const chunks: Buffer[] = [];
    stream.on("data", (c: Buffer | string) => chunks.push(typeof c === "string" ? Buffer.from(c) : c));
    stream.once("end", () => resolve(Buffer.concat(chunks).toString("utf8")));
    stream.once("error", reject);
  });
}

/** One frame of Docker's multiplexed stream: 0 stdin, 1 stdout, 2 stderr. */
export interface EngineFrame {
  stream: number;
  payload: Buffer;
}

/**
 * Docker's multiplexed stream (no TTY): frames of an 8-byte header — stream (1 stdout, 2
 * stderr), three zero bytes, a big-endian uint32 length — then the payload. Returns the whole
 * frames in `buffered` and the bytes of an incomplete one.
 */
export function splitFrames(buffered: Buffer): { frames: EngineFrame[]; rest: Buffer } {
  const frames: EngineFrame[] = [];
  let rest: Buffer = buffered;
  while (rest.length >= 8) {
    const size = rest.readUInt32BE(4);
    if (rest.length < 8 + size) break;
    frames.push({ stream: rest[0], payload: rest.subarray(8, 8 + size) });
    rest = rest.subarray(8 + size);
  }
  return { frames, rest };
}

/** Calls `onFrame` for each frame of a multiplexed stream as it arrives. */
export function readFrames(source: Readable, onFrame: (f: EngineFrame) => void): void {
  let buffered: Buffer = Buffer.alloc(0);
  source.on("data", (chunk: Buffer) => {
    const { frames, rest } = splitFrames(buffered.length ? Buffer.concat([buffered, chunk]) : chunk);
    buffered = rest;
    for (const f of frames) onFrame(f);
  });
}

/** A multiplexed stream's payloads in order, stdout and stderr interleaved. */
export function demultiplex(source: Readable): Readable {
  const out = new PassThrough();
  readFrames(source, (f) => out.write(f.payload));
  source.once("end", () => out.end());
  source.once("error", (err) => out.destroy(err));
  out.once("close", () => source.destroy());
  return out;
}
