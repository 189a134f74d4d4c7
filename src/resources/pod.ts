/**
 * Pod (core/v1): the pod-only defaults (requests from limits, `enableServiceLinks`, and what
 * kube-apiserver's admission plugins add: ServiceAccount, Priority, DefaultTolerationSeconds),
 * the create-time status (Pending, QoS class), validation, the narrow set of spec fields an update
 * may change, and graceful deletion.
 */
import { fieldErrors, type FieldError } from "../lib/errors.js";
import { parseQuantity } from "../lib/quantity.js";
import type { Container, Pod, PodSpec } from "../lib/types.js";
import { deepEqual, IP_ADDRESS_ERROR, isValidIP, validateDNS1123Subdomain } from "../lib/validation.js";
import { nameIsDNSSubdomain, validateObjectMeta } from "./meta.js";
import { defaultPodSpec } from "./pod-spec.js";
import { validatePodSpec, validateTolerations } from "./pod-spec-validation.js";
import { podTable } from "./pod-table.js";
import type { ResourceDef } from "./types.js";

type Toleration = NonNullable<PodSpec["tolerations"]>[number];

/** The seconds a pod stays bound to a not-ready or unreachable node (DefaultTolerationSeconds). */
export const DEFAULT_NOT_READY_TOLERATION_SECONDS = 300;
export const DEFAULT_UNREACHABLE_TOLERATION_SECONDS = 300;
const SYSTEM_PRIORITIES: Record<string, number> = {
  "system-node-critical": 2000001000,
  "system-cluster-critical": 2000000000,
};

const UPDATE_FORBIDDEN_MESSAGE =
  "pod updates may not change fields other than `spec.containers[*].image`,`spec.initContainers[*].image`,`spec.activeDeadlineSeconds`,`spec.tolerations` (only additions to existing tolerations),`spec.terminationGracePeriodSeconds` (allow it to be set to 1 if it was previously negative)";

/** SetDefaults_Pod: a container's requests default to its limits. */
function defaultRequestsFromLimits(c: Container): void {
  const limits = c.resources?.limits;
  if (!limits) return;
  const resources = (c.resources ??= {});
  resources.requests = { ...limits, ...(resources.requests ?? {}) };
}

/** DefaultTolerationSeconds admission: tolerate not-ready/unreachable for 300 s unless already tolerated. */
function addDefaultTolerations(spec: PodSpec): void {
  const tolerations = (spec.tolerations ??= []);
  const tolerates = (key: string) =>
    tolerations.some((t) => (t.key === key || !t.key) && (t.effect === "NoExecute" || !t.effect));
  const add = (key: string, seconds: number) => {
    if (!tolerates(key)) tolerations.push({ key, operator: "Exists", effect: "NoExecute", tolerationSeconds: seconds });
  };
  add("node.kubernetes.io/not-ready", DEFAULT_NOT_READY_TOLERATION_SECONDS);
  add("node.kubernetes.io/unreachable", DEFAULT_UNREACHABLE_TOLERATION_SECONDS);
}

/** The v1 conversion keeps `podIP`/`podIPs` (and `hostIP`/`hostIPs`) consistent. */
function mirrorStatusIPs(status: NonNullable<Pod["status"]>): void {
  if (status.podIP && !(status.podIPs ?? []).length) status.podIPs = [{ ip: status.podIP }];
  if (!status.podIP && status.podIPs?.[0]?.ip) status.podIP = status.podIPs[0].ip;
  if (status.hostIP && !(status.hostIPs ?? []).length) status.hostIPs = [{ ip: status.hostIP }];
  if (!status.hostIP && status.hostIPs?.[0]?.ip) status.hostIP = status.hostIPs[0].ip;
}

/** `qos.GetPodQOS`: Guaranteed, Burstable or BestEffort from cpu and memory requests and limits. */
export function podQOSClass(spec: PodSpec): "Guaranteed" | "Burstable" | "BestEffort" {
  const requests = new Map<string, bigint>();
  const limits = new Map<string, bigint>();
  let guaranteed = true;
  const positive = (v: string | undefined): bigint => {
    try {
      const n = v === undefined ? 0n : parseQuantity(v).nanos;
      return n > 0n ? n : 0n;
    } catch {
      return 0n;
    }
  };
  for (const c of [...spec.containers, ...(spec.initContainers ?? [])]) {
    const found = new Set<string>();
    for (const name of ["cpu", "memory"]) {
      const req = positive(c.resources?.requests?.[name]);
      if (req > 0n) requests.set(name, (requests.get(name) ?? 0n) + req);
      const lim = positive(c.resources?.limits?.[name]);
      if (lim > 0n) {
        found.add(name);
        limits.set(name, (limits.get(name) ?? 0n) + lim);
      }
    }
    if (found.size < 2) guaranteed = false;
  }
  if (requests.size === 0 && limits.size === 0) return "BestEffort";
  if (guaranteed) for (const [name, req] of requests) if (limits.get(name) !== req) guaranteed = false;
  return guaranteed && requests.size === limits.size ? "Guaranteed" : "Burstable";
}

function defaultPod(pod: Pod): void {
  const spec = (pod.spec ??= { containers: [] });
  defaultPodSpec(spec);
  for (const c of [...spec.containers, ...(spec.initContainers ?? [])]) defaultRequestsFromLimits(c);
  spec.enableServiceLinks ??= true;
  if (spec.hostNetwork)
    for (const c of [...spec.containers, ...(spec.initContainers ?? [])])
      for (const p of c.ports ?? []) p.hostPort ||= p.containerPort;
  // ServiceAccount admission.
  spec.serviceAccountName ||= "default";
  spec.serviceAccount = spec.serviceAccountName;
  // Priority admission: no PriorityClass objects yet, so only the built-in system classes.
  if (!spec.priorityClassName) spec.priority ??= 0;
  else if (spec.priorityClassName in SYSTEM_PRIORITIES) spec.priority ??= SYSTEM_PRIORITIES[spec.priorityClassName];
  spec.preemptionPolicy ??= "PreemptLowerPriority";
  addDefaultTolerations(spec);
  if (pod.status) mirrorStatusIPs(pod.status);
}

/** Tolerations may only be added to (an existing one may change only its `tolerationSeconds`). */
function validateOnlyAddedTolerations(next: Toleration[], old: Toleration[], path: string): FieldError[] {
  for (const o of old) {
    if (!next.some((n) => deepEqual({ ...o, tolerationSeconds: n.tolerationSeconds }, n)))
      return [fieldErrors.forbidden(path, "existing toleration can not be modified except its tolerationSeconds")];
  }
  return validateTolerations(next, path);
}

/** `ValidatePodUpdate`'s spec rules: everything but a few fields is immutable. */
function validatePodSpecUpdate(next: PodSpec, old: PodSpec): FieldError[] {
  const errs: FieldError[] = [];
  for (const kind of ["containers", "initContainers"] as const) {
    if ((next[kind] ?? []).length !== (old[kind] ?? []).length)
      return [fieldErrors.forbidden(`spec.${kind}`, "pod updates may not add or remove containers")];
  }
  const munged: PodSpec = structuredClone(next);
  munged.containers = munged.containers.map((c, i) => ({ ...c, image: old.containers[i].image }));
  if (munged.initContainers)
    munged.initContainers = munged.initContainers.map((c, i) => ({ ...c, image: old.initContainers?.[i]?.image }));

  const nextDeadline = next.activeDeadlineSeconds;
  const oldDeadline = old.activeDeadlineSeconds;
  if (nextDeadline != null) {
    if (nextDeadline < 0 || nextDeadline > 2147483647)
      return [fieldErrors.invalid("spec.activeDeadlineSeconds", nextDeadline, "must be between 0 and 2147483647, inclusive")];
    if (oldDeadline != null && oldDeadline < nextDeadline)
      return [fieldErrors.invalid("spec.activeDeadlineSeconds", nextDeadline, "must be less than or equal to previous value")];
  } else if (oldDeadline != null) {
    errs.push(fieldErrors.invalid("spec.activeDeadlineSeconds", null, "must not update from a positive integer to nil value"));
  }
  munged.activeDeadlineSeconds = oldDeadline;

  errs.push(...validateOnlyAddedTolerations(next.tolerations ?? [], old.tolerations ?? [], "spec.tolerations"));
  munged.tolerations = old.tolerations;
  if ((old.terminationGracePeriodSeconds ?? 0) < 0 && next.terminationGracePeriodSeconds === 1)
    munged.terminationGracePeriodSeconds = old.terminationGracePeriodSeconds;
  // Scheduling gates may only be removed.
  const oldGates = old.schedulingGates ?? [];
  if ((next.schedulingGates ?? []).every((g) => oldGates.some((o) => o.name === g.name))) munged.schedulingGates = old.schedulingGates;

  if (!deepEqual(munged, old)) errs.push(fieldErrors.forbidden("spec", UPDATE_FORBIDDEN_MESSAGE));
  return errs;
}

function validatePod(pod: Pod): FieldError[] {
  const errs = validateObjectMeta(pod.metadata, { namespaced: true, name: nameIsDNSSubdomain });
  if (!pod.spec) return [...errs, fieldErrors.required("spec")];
  return [...errs, ...validatePodSpec(pod.spec, "spec")];
}

export const podDef: ResourceDef<Pod> = {
  group: "",
  version: "v1",
  kind: "Pod",
  plural: "pods",
  singular: "pod",
  namespaced: true,
  shortNames: ["po"],
  categories: ["all"],
  subresources: ["status", "binding", "log", "exec", "attach", "eviction"],
  hasStatus: true,
  // Pods carry no metadata.generation in Kubernetes 1.32.
  generationPaths: [],
  fieldSelectors: [
    "spec.nodeName",
    "spec.restartPolicy",
    "spec.schedulerName",
    "spec.serviceAccountName",
    "spec.hostNetwork",
    "status.phase",
    "status.podIP",
    "status.nominatedNodeName",
  ],

  defaults: defaultPod,

  prepareForCreate(pod) {
    const spec = pod.spec ?? { containers: [] };
    pod.status = { phase: "Pending", qosClass: podQOSClass(spec) };
    if ((spec.schedulingGates ?? []).length > 0)
      pod.status.conditions = [
        {
          type: "PodScheduled",
          status: "False",
          reason: "SchedulingGated",
          message: "Scheduling is blocked due to non-empty scheduling gates",
        },
      ];
  },

  validate: validatePod,

  validateUpdate(pod, old) {
    const errs = validatePod(pod);
    if (pod.spec && old.spec) errs.push(...validatePodSpecUpdate(pod.spec, old.spec));
    return errs;
  },

  validateStatusUpdate(pod) {
    const errs: FieldError[] = [];
    const status = pod.status ?? {};
    (status.podIPs ?? []).forEach((p, i) => {
      if (!isValidIP(p.ip)) errs.push(fieldErrors.invalid(`status.podIPs[${i}].ip`, p.ip, IP_ADDRESS_ERROR));
    });
    if (status.nominatedNodeName) errs.push(...validateDNS1123Subdomain(status.nominatedNodeName, "status.nominatedNodeName"));
    return errs;
  },

  deletion: {
    // CheckGracefulDelete: the requested grace, else the pod's own; at once if it never ran on a
    // node or has finished; a negative grace means 1 s. A bound pod lingers until its node's
    // agent stops it and confirms with a zero-grace delete.
    gracePeriodSeconds(pod, requested) {
      const phase = pod.status?.phase;
      if (!pod.spec?.nodeName || phase === "Succeeded" || phase === "Failed") return 0;
      const period = requested ?? pod.spec.terminationGracePeriodSeconds ?? 0;
      return period < 0 ? 1 : period;
    },
  },

  table: podTable,
};
