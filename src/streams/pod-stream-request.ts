/**
 * From a `pods/log`, `pods/exec` or `pods/attach` request and the Pod to the stream request the
 * node gets: the query read as PodLogOptions / PodExecOptions, the container chosen and checked
 * with the errors Kubernetes gives (kube-apiserver's pod LogLocation/ExecLocation and kubelet's
 * container log status checks). Pure, so it is unit-tested.
 */
import { errors } from "../lib/errors.js";
import type { Pod } from "../lib/types.js";
import type { ExecRequest, LogRequest, StreamRequest } from "./protocol.js";

type ContainerStatus = NonNullable<NonNullable<Pod["status"]>["containerStatuses"]>[number];

const bool = (q: URLSearchParams, key: string) => q.get(key) === "true" || q.get(key) === "1";

function intParam(q: URLSearchParams, key: string, min: number): number | undefined {
  const raw = q.get(key);
  if (raw === null || raw === "") return undefined;
  const n = Number(raw);
  if (!Number.isInteger(n) || n < min) throw errors.badRequest(`${key}: Invalid value: ${JSON.stringify(raw)}: must be ${min === 0 ? "non-negative" : "greater than 0"}`);
  return n;
}

export function logOptions(q: URLSearchParams): LogRequest {
  const sinceTime = q.get("sinceTime") || undefined;
  if (sinceTime !== undefined && Number.isNaN(Date.parse(sinceTime))) throw errors.badRequest(`sinceTime: Invalid value: "${sinceTime}": must be RFC 3339`);
  const sinceSeconds = intParam(q, "sinceSeconds", 1);
  if (sinceTime !== undefined && sinceSeconds !== undefined) throw errors.badRequest("at most one of `sinceTime` or `sinceSeconds` may be specified");
  return {
    follow: bool(q, "follow"),
    previous: bool(q, "previous"),
    timestamps: bool(q, "timestamps"),
    tailLines: intParam(q, "tailLines", 0),
    sinceSeconds,
    sinceTime,
    limitBytes: intParam(q, "limitBytes", 1),
  };
}

export function execOptions(kind: "exec" | "attach", q: URLSearchParams, protocol: string): ExecRequest {
  const command = kind === "exec" ? q.getAll("command") : [];
  if (kind === "exec" && command.length === 0) throw errors.badRequest("you must specify at least 1 command");
  const o = { command, stdin: bool(q, "stdin"), stdout: bool(q, "stdout"), stderr: bool(q, "stderr"), tty: bool(q, "tty"), protocol };
  if (!o.stdin && !o.stdout && !o.stderr) throw errors.badRequest("you must specify at least 1 of stdin, stdout, stderr");
  if (o.tty && o.stderr) o.stderr = false; // a TTY merges stderr into stdout, as kubelet does
  return o;
}

const goList = (names: string[]) => `[${names.join(" ")}]`;

/** The container a request names, or the only one; Kubernetes' errors otherwise. */
export function chooseContainer(pod: Pod, requested: string): string {
  const name = pod.metadata.name;
  const app = (pod.spec?.containers ?? []).map((c) => c.name);
  const init = (pod.spec?.initContainers ?? []).map((c) => c.name);
  const ephemeral = (pod.spec?.ephemeralContainers ?? []).map((c) => c.name);
  if (!requested) {
    if (app.length === 1) return app[0];
    const more = init.length > 0 ? ` or one of the init containers: ${goList(init)}` : "";
    throw errors.badRequest(`a container name must be specified for pod ${name}, choose one of: ${goList(app)}${more}`);
  }
  if (![...app, ...init, ...ephemeral].includes(requested)) throw errors.badRequest(`container ${requested} is not valid for pod ${name}`);
  return requested;
}

function statusOf(pod: Pod, container: string): ContainerStatus | undefined {
  const s = pod.status;
  return [...(s?.containerStatuses ?? []), ...(s?.initContainerStatuses ?? []), ...(s?.ephemeralContainerStatuses ?? [])].find((c) => c.name === container);
}

/** `docker://abc` → `abc`: the runtime's own id. */
const runtimeId = (uri: string | undefined) => (uri ? uri.slice(uri.indexOf("://") + 3) : "");

/**
 * Which container instance to read, as kubelet's validateContainerLogStatus picks it: the current
 * one, or the last terminated one when asked for `previous` or while the current one waits.
 */
export function logContainerId(pod: Pod, container: string, previous: boolean): string {
  const { name } = pod.metadata;
  const status = statusOf(pod, container);
  const waiting = status?.state?.waiting;
  if (!status || (!status.containerID && !status.lastState?.terminated && !waiting)) {
    throw errors.badRequest(`container "${container}" in pod "${name}" is waiting to start: ContainerCreating`);
  }
  const last = runtimeId(status.lastState?.terminated?.containerID);
  if (previous) {
    if (!last) throw errors.badRequest(`previous terminated container "${container}" in pod "${name}" not found`);
    return last;
  }
  if (waiting) {
    if (!last) throw errors.badRequest(`container "${container}" in pod "${name}" is waiting to start: ${waiting.reason ?? "ContainerCreating"}`);
    return last;
  }
  return runtimeId(status.containerID);
}

/** The running container to exec in or attach to. */
export function execContainerId(pod: Pod, container: string): string {
  const phase = pod.status?.phase;
  if (phase === "Succeeded" || phase === "Failed") throw errors.badRequest(`cannot exec into a container in a completed pod; current phase is ${phase}`);
  const status = statusOf(pod, container);
  if (status?.state?.running && status.containerID) return runtimeId(status.containerID);
  const reason = status?.state?.waiting?.reason ?? "ContainerCreating";
  throw errors.badRequest(`container "${container}" in pod "${pod.metadata.name}" is waiting to start: ${reason}`);
}
