/**
 * The container runtime interface the agent drives, shaped after Kubernetes' CRI: pod sandboxes,
 * containers, images, logs and exec. Two implementations: Docker over the Engine API
 * (runtime/docker) and plain host processes (runtime/process). The pod worker only sees this.
 *
 * Everything a runtime creates carries labels (runtime/labels.ts) saying which node, pod and
 * container it belongs to, so that a restarted agent finds and adopts what it left running.
 */
import type { Readable, Writable } from "node:stream";

export type ContainerKind = "init" | "app";

/** What the runtime knows of one container (one attempt of a pod's container). */
export interface ContainerRecord {
  /** The runtime's id (a Docker container id, a process runtime's own id). */
  id: string;
  /** As Kubernetes prints it in `containerID`: `docker://<id>`. */
  uri: string;
  podUid: string;
  /** The container's name in the pod spec. */
  name: string;
  kind: ContainerKind;
  /** The restart count this attempt was started as (0 for the first). */
  attempt: number;
  /** Hash of the container spec it was created from. */
  specHash: string;
  state: "created" | "running" | "exited";
  exitCode?: number;
  /** Set when the runtime knows why it ended: `OOMKilled`. */
  reason?: string;
  createdAt: number;
  startedAt?: number;
  finishedAt?: number;
  image: string;
  /** The image's id as Kubernetes prints it in `imageID`. */
  imageId: string;
}

export interface SandboxRecord {
  id: string;
  podUid: string;
  namespace: string;
  podName: string;
  /** Sandboxes are replaced when they die; each one has the next attempt number. */
  attempt: number;
  ready: boolean;
  ip?: string;
  createdAt: number;
}

export interface PodResources {
  sandboxes: SandboxRecord[];
  containers: ContainerRecord[];
}

export interface PortMapping {
  containerPort: number;
  hostPort: number;
  protocol: "TCP" | "UDP" | "SCTP";
  hostIP?: string;
}

export interface SandboxConfig {
  podUid: string;
  namespace: string;
  podName: string;
  attempt: number;
  hostname: string;
  ports: PortMapping[];
  hostNetwork: boolean;
  /** Labels from the pod, for people reading `docker ps`. */
  podLabels: Record<string, string>;
}

export interface Mount {
  hostPath: string;
  containerPath: string;
  readOnly: boolean;
}

export interface ContainerConfig {
  podUid: string;
  namespace: string;
  podName: string;
  name: string;
  kind: ContainerKind;
  attempt: number;
  specHash: string;
  image: string;
  /** The resolved entrypoint (`command`), empty to keep the image's. */
  command: string[];
  /** The resolved `args`, empty to keep the image's (when `command` is empty too). */
  args: string[];
  workingDir?: string;
  env: Record<string, string>;
  mounts: Mount[];
  /** CPU limit in cores (`500m` → 0.5). */
  cpuLimit?: number;
  memoryLimitBytes?: number;
  tty: boolean;
  stdin: boolean;
}

export interface ImageRecord {
  id: string;
  names: string[];
  sizeBytes: number;
}

export interface ExecResult {
  exitCode: number;
  output: string;
}

export interface LogOptions {
  follow?: boolean;
  tailLines?: number;
  /** Only lines written at or after this time (epoch seconds). */
  since?: number;
  timestamps?: boolean;
}

/** Which of a process's stdio an interactive exec or attach joins, and whether it has a TTY. */
export interface StdioOptions {
  stdin: boolean;
  stdout: boolean;
  stderr: boolean;
  tty: boolean;
}

/** A running exec or attach (kubelet's streaming Exec/Attach rather than ExecSync). */
export interface StdioSession {
  /** The process's output; with a TTY, stderr is merged into it. */
  stdout?: Readable;
  stderr?: Readable;
  /** Ending it closes the process's stdin. */
  stdin?: Writable;
  /** A TTY's new size; a no-op without one. */
  resize(width: number, height: number): Promise<void>;
  /** Settles when the stream ends: the exit code of an exec, undefined for an attach. */
  done: Promise<number | undefined>;
  /** Ends the session early (the client went away); the exec'd process is left to the runtime. */
  close(): void;
}

export interface RuntimeInfo {
  /** `docker`, `process`: the scheme of container ids. */
  name: string;
  version: string;
  cpus: number;
  memoryBytes: number;
  os: string;
  arch: string;
  kernelVersion: string;
  osImage: string;
}

/** The image could not be made present (pull failed, or may not be pulled). */
export class ImageError extends Error {
  constructor(
    readonly reason: "ErrImagePull" | "ErrImageNeverPull" | "InvalidImageName",
    message: string,
  ) {
    super(message);
    this.name = "ImageError";
  }
}

export interface Runtime {
  info(): Promise<RuntimeInfo>;
  /** Sandboxes and containers of this node's pods (by labels), all states; of one pod if `podUid` is given. */
  list(podUid?: string): Promise<PodResources>;

  runSandbox(config: SandboxConfig): Promise<SandboxRecord>;
  /** Stops and removes a sandbox; idempotent. */
  removeSandbox(id: string): Promise<void>;

  /** The image if present locally. */
  imagePresent(image: string): Promise<ImageRecord | undefined>;
  /** Pulls an image; throws `ImageError` (ErrImagePull) when it cannot. */
  pullImage(image: string): Promise<void>;
  listImages(): Promise<ImageRecord[]>;

  /** Creates a container in a sandbox; returns its id. */
  createContainer(sandbox: SandboxRecord, config: ContainerConfig): Promise<string>;
  startContainer(id: string): Promise<void>;
  /** SIGTERM, then SIGKILL after `graceSeconds`; idempotent (a stopped container is fine). */
  stopContainer(id: string, graceSeconds: number): Promise<void>;
  /** Removes a container; idempotent. */
  removeContainer(id: string): Promise<void>;

  /** Runs a command in a running container. */
  exec(id: string, command: string[], timeoutMs: number): Promise<ExecResult>;
  logs(id: string, options: LogOptions): Promise<Readable>;
  /** `kubectl exec`: a command in a running container with its stdio streamed; throws if the runtime cannot. */
  execStream(id: string, command: string[], options: StdioOptions): Promise<StdioSession>;
  /** `kubectl attach`: the container's main process's stdio; throws if the runtime cannot. */
  attach(id: string, options: StdioOptions): Promise<StdioSession>;
}
