/**
 * `pods/log`, `pods/exec` and `pods/attach`: the streams kube-apiserver proxies to kubelet, here
 * relayed to the pod's node through its agent's outbound channel (src/streams). The pod and its
 * container are checked here, so that a bad request fails with Kubernetes' own Status before the
 * node is involved; a node that is not Ready fails at once rather than hang.
 */
import { errors } from "../lib/errors.js";
import type { Node, Pod } from "../lib/types.js";
import { nodeDef } from "../resources/node.js";
import { podDef } from "../resources/pod.js";
import { CHANNEL_PROTOCOLS, type StreamRequest } from "../streams/protocol.js";
import { chooseContainer, execContainerId, execOptions, logContainerId, logOptions } from "../streams/pod-stream-request.js";
import { dialingBackendError, openStream } from "../streams/relay-client.js";
import { getOptional } from "../auth/lookup.js";
import type { ApiContext } from "./context.js";
import type { ResourceRequestInfo } from "./request-info.js";
import type { Registry } from "../registry/types.js";

const SUBRESOURCES = new Set(["log", "exec", "attach"]);

export function isPodStream(info: ResourceRequestInfo): boolean {
  return info.group === "" && info.resource === "pods" && SUBRESOURCES.has(info.subresource) && !info.extraParts;
}

/**
 * The first channel protocol both sides speak, from the client's `Sec-WebSocket-Protocol` offer;
 * "" for a request that is not a WebSocket upgrade (SPDY), which the relay refuses once it has
 * checked the node (protocol.ts `upgradeRequired`).
 */
function negotiateProtocol(request: Request): string {
  if (request.headers.get("upgrade")?.toLowerCase() !== "websocket") return "";
  const offered = (request.headers.get("sec-websocket-protocol") ?? "").split(",").map((p) => p.trim());
  const chosen = CHANNEL_PROTOCOLS.find((p) => offered.includes(p));
  if (!chosen) throw errors.badRequest(`none of the offered WebSocket subprotocols [${offered.join(" ")}] is supported; use one of [${CHANNEL_PROTOCOLS.join(" ")}]`);
  return chosen;
}

async function readyNode(registry: Registry, pod: Pod): Promise<string> {
  const nodeName = pod.spec?.nodeName;
  if (!nodeName) throw errors.badRequest(`pod ${pod.metadata.name} does not have a host assigned`);
  const node = await getOptional<Node>(registry, nodeDef, "", nodeName);
  const ready = node?.status?.conditions?.find((c) => c.type === "Ready");
  if (ready?.status !== "True") {
    throw dialingBackendError(nodeName, node ? `is not ready (Ready=${ready?.status ?? "Unknown"}${ready?.reason ? `, ${ready.reason}` : ""})` : "does not exist");
  }
  return nodeName;
}

export async function servePodStream(c: ApiContext, info: ResourceRequestInfo, registry: Registry): Promise<Response> {
  const kind = info.subresource as StreamRequest["kind"];
  const method = c.req.method;
  if (kind === "log" ? method !== "GET" : method !== "GET" && method !== "POST") {
    throw errors.methodNotAllowed(`the server does not allow this method on the requested resource`);
  }
  const query = new URL(c.req.url).searchParams;
  const pod = (await registry.get(podDef, info.namespace, info.name)) as Pod;
  const container = chooseContainer(pod, query.get("container") ?? "");
  const base = { id: crypto.randomUUID(), kind, namespace: info.namespace, pod: info.name, podUid: pod.metadata.uid ?? "", container };
  let stream: StreamRequest;
  if (kind === "log") {
    const log = logOptions(query);
    stream = { ...base, containerId: logContainerId(pod, container, log.previous), log };
  } else {
    stream = { ...base, containerId: execContainerId(pod, container), exec: execOptions(kind, query, "") };
  }
  const node = await readyNode(registry, pod);
  // kubectl retries a failed WebSocket upgrade over SPDY: a Status about the pod or its node
  // (here, or the relay's about the agent) comes before the one about the protocol, so that the
  // user sees it on either attempt.
  if (stream.exec) stream.exec.protocol = negotiateProtocol(c.req.raw);
  return openStream(c.env, node, stream, c.req.raw);
}
