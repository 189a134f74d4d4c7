/**
 * NodeRestriction, the admission step after the Node authorizer: what it allowed by verb, this
 * checks against the object. A node may modify only its own Node (the name of a create is in its
 * body), create only its own Lease, write status only of pods bound to it, update/patch only
 * Events it reported, and delete only pods bound to it that are stopping or stopped (deletion
 * requested, or phase Succeeded/Failed): the agent's zero-grace confirm after it has stopped a
 * pod's containers, or the clean-up of a finished pod. A target that does not exist passes, so
 * the request gets its usual 404.
 *
 * Messages are kube's NodeRestriction ones (`pods "x" is forbidden: node "n1" can only ...`),
 * plus one of Skiff's own for deleting a pod still meant to run.
 */
import { errors, type ErrorTarget } from "../lib/errors.js";
import type { Event, KubeObject, Pod } from "../lib/types.js";
import type { Registry } from "../registry/types.js";
import { eventDef } from "../resources/event.js";
import { podDef } from "../resources/pod.js";
import type { ResourceRequestInfo } from "../api/request-info.js";
import { getOptional } from "./lookup.js";
import { NODE_LEASE_NAMESPACE } from "./node-authorizer.js";

/**
 * What a check looks at: the request body (creates), the stored object (named writes) or only the
 * URL's name; undefined when the request needs no check.
 */
export type AdmissionTarget = "body" | "stored" | "url" | undefined;

export function admissionTarget(info: ResourceRequestInfo): AdmissionTarget {
  const { group, resource, subresource, verb } = info;
  if (group === "" && resource === "nodes") return verb === "create" ? "body" : verb === "update" || verb === "patch" ? "url" : undefined;
  if (group === "coordination.k8s.io" && resource === "leases") return verb === "create" && info.namespace === NODE_LEASE_NAMESPACE ? "body" : undefined;
  if (group !== "") return undefined;
  if (resource === "pods" && subresource === "status" && (verb === "update" || verb === "patch")) return "stored";
  if (resource === "pods" && !subresource && verb === "delete") return "stored";
  if (resource === "events" && (verb === "update" || verb === "patch")) return "stored";
  return undefined;
}

function podStopping(pod: Pod): boolean {
  return !!pod.metadata.deletionTimestamp || pod.status?.phase === "Succeeded" || pod.status?.phase === "Failed";
}

function reportedBy(event: Event, node: string): boolean {
  return event.source?.host === node || event.reportingInstance === node;
}

/**
 * Why `node` may not make this request, or undefined. `target` is the body of a create or the
 * stored object of a named write, as `admissionTarget` says; undefined when there is none.
 */
export function nodeRestrictionDenial(node: string, info: ResourceRequestInfo, target: KubeObject | undefined): string | undefined {
  const { resource, verb } = info;
  if (resource === "nodes" && ["create", "update", "patch"].includes(verb)) {
    const name = verb === "create" ? (target?.metadata.name ?? "") : info.name;
    return name === node ? undefined : `node "${node}" is not allowed to modify node "${name}"`;
  }
  if (resource === "leases" && verb === "create") {
    return target?.metadata.name === node ? undefined : "can only access node lease with the same name as the requesting node";
  }
  if (!target) return undefined;
  if (resource === "pods") {
    const pod = target as Pod;
    if (info.subresource === "status") {
      return pod.spec?.nodeName === node ? undefined : `node "${node}" can only update pod status for pods with spec.nodeName set to itself`;
    }
    if (pod.spec?.nodeName !== node) return `node "${node}" can only delete pods with spec.nodeName set to itself`;
    return podStopping(pod) ? undefined : `node "${node}" can only delete pods that are terminating or have terminated`;
  }
  if (resource === "events") return reportedBy(target as Event, node) ? undefined : `node "${node}" can only modify events it reported`;
  return undefined;
}

function errorTarget(info: ResourceRequestInfo, target: KubeObject | undefined): ErrorTarget {
  return { group: info.group || undefined, kind: info.resource, name: info.name || target?.metadata.name || "" };
}

/**
 * Admit a node's request or throw 403. `body` reads the request's decoded body (creates only);
 * stored objects are read through `registry`.
 */
export async function admitNodeRequest(
  node: string,
  info: ResourceRequestInfo,
  body: () => Promise<KubeObject | undefined>,
  registry: Registry,
): Promise<void> {
  const kind = admissionTarget(info);
  if (!kind) return;
  let target: KubeObject | undefined;
  if (kind === "body") target = await body();
  else if (kind === "stored") target = await getOptional(registry, info.resource === "pods" ? podDef : eventDef, info.namespace, info.name);
  const why = nodeRestrictionDenial(node, info, target);
  if (why !== undefined) throw errors.forbiddenBecause(errorTarget(info, target), why);
}
