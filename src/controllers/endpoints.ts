/**
 * The Endpoints controller's pure core, after kube-controller-manager's `endpoint` controller:
 * for each Service with a selector, an Endpoints object of the same name whose subsets group the
 * selected pods' addresses by the ports they serve. Ready pods go to `addresses`, others to
 * `notReadyAddresses` (or all to `addresses` with `publishNotReadyAddresses`, which also keeps
 * terminating pods); pods without an IP and finished pods are left out. A named `targetPort` is
 * looked up in each pod's container ports, so pods may serve it on different numbers.
 *
 * Writes happen only when the sorted subsets or the labels differ (upstream compares the same
 * way), and carry `endpoints.kubernetes.io/last-change-trigger-time` (here the time of the pass).
 * Services without a selector are left to their users. Endpoints have no owner reference
 * upstream, so the ones this controller wrote (recognised by that annotation) are deleted here
 * when their Service is gone. The 1000-address truncation (`over-capacity`) is not implemented.
 */
import type { Endpoints, Pod, Service } from "../lib/types.js";
import { deepEqual } from "../lib/json.js";
import { isPodReady } from "./pod-util.js";
import type { Action, Plan } from "./types.js";

export const ENDPOINTS_RESOURCE = "endpoints";
export const LAST_CHANGE_TRIGGER_TIME = "endpoints.kubernetes.io/last-change-trigger-time";
export const HEADLESS_LABEL = "service.kubernetes.io/headless";

type Subset = NonNullable<Endpoints["subsets"]>[number];
type Address = NonNullable<Subset["addresses"]>[number];
type EndpointPort = NonNullable<Subset["ports"]>[number];
type ServicePort = NonNullable<NonNullable<Service["spec"]>["ports"]>[number];

export interface EndpointsInput {
  services: readonly Service[];
  pods: readonly Pod[];
  endpoints: readonly Endpoints[];
  now: Date;
}

export function reconcileEndpoints(input: EndpointsInput): Plan {
  const actions: Action[] = [];
  const existing = new Map(input.endpoints.map((e) => [`${e.metadata.namespace}/${e.metadata.name}`, e]));
  const services = new Set<string>();
  for (const service of input.services) {
    const key = `${service.metadata.namespace}/${service.metadata.name}`;
    services.add(key);
    const selector = service.spec?.selector;
    if (!selector || Object.keys(selector).length === 0) continue;
    const pods = input.pods.filter((p) => p.metadata.namespace === service.metadata.namespace && matches(selector, p.metadata.labels));
    const action = planEndpoints(service, endpointSubsets(service, pods), existing.get(key), input.now);
    if (action) actions.push(action);
  }
  for (const [key, ep] of existing) {
    if (services.has(key) || ep.metadata.annotations?.[LAST_CHANGE_TRIGGER_TIME] === undefined) continue;
    actions.push({
      type: "delete",
      resource: ENDPOINTS_RESOURCE,
      namespace: ep.metadata.namespace ?? "",
      name: ep.metadata.name ?? "",
      uid: ep.metadata.uid,
    });
  }
  return { actions };
}

/** The subsets for a Service and its selected pods, sorted (upstream `RepackSubsets` + `SortSubsets`). */
export function endpointSubsets(service: Service, pods: readonly Pod[]): Subset[] {
  const publishNotReady = service.spec?.publishNotReadyAddresses === true;
  const ports = service.spec?.ports ?? [];
  const groups = new Map<string, { ports: EndpointPort[]; ready: Address[]; notReady: Address[] }>();
  for (const pod of pods) {
    if (!inEndpoints(pod, publishNotReady)) continue;
    const podPorts: EndpointPort[] = [];
    for (const port of ports) {
      const number = resolvePort(pod, port);
      if (number === undefined) continue;
      podPorts.push(endpointPort(port, number));
    }
    // A pod that serves none of the ports is listed only by headless Services without ports.
    if (ports.length > 0 && podPorts.length === 0) continue;
    if (ports.length === 0 && service.spec?.clusterIP !== "None") continue;
    podPorts.sort(comparePorts);
    const key = JSON.stringify(podPorts);
    const group = groups.get(key) ?? { ports: podPorts, ready: [], notReady: [] };
    groups.set(key, group);
    (publishNotReady || isPodReady(pod) ? group.ready : group.notReady).push(address(pod));
  }
  const subsets = [...groups.values()].map((g) => {
    const subset: Subset = {};
    if (g.ready.length > 0) subset.addresses = g.ready.sort(compareAddresses);
    if (g.notReady.length > 0) subset.notReadyAddresses = g.notReady.sort(compareAddresses);
    if (g.ports.length > 0) subset.ports = g.ports;
    return subset;
  });
  return subsets.sort((a, b) => subsetKey(a).localeCompare(subsetKey(b)));
}

function planEndpoints(service: Service, subsets: Subset[], current: Endpoints | undefined, now: Date): Action | undefined {
  const labels: Record<string, string> = { ...(service.metadata.labels ?? {}) };
  if (service.spec?.clusterIP === "None") labels[HEADLESS_LABEL] = "";
  if (current && deepEqual(current.subsets ?? [], subsets) && deepEqual(current.metadata.labels ?? {}, labels)) return undefined;
  const namespace = service.metadata.namespace ?? "";
  const annotations = { ...(current?.metadata.annotations ?? {}), [LAST_CHANGE_TRIGGER_TIME]: now.toISOString() };
  const metadata: Endpoints["metadata"] = { ...(current?.metadata ?? {}), name: service.metadata.name, namespace, labels, annotations };
  if (Object.keys(labels).length === 0) delete metadata.labels;
  const object: Endpoints = { apiVersion: "v1", kind: "Endpoints", metadata, subsets };
  return current
    ? { type: "update", resource: ENDPOINTS_RESOURCE, namespace, object }
    : { type: "create", resource: ENDPOINTS_RESOURCE, namespace, object };
}

/** upstream `ShouldPodBeInEndpoints`. */
function inEndpoints(pod: Pod, includeTerminating: boolean): boolean {
  const phase = pod.status?.phase;
  if (phase === "Succeeded" || phase === "Failed") return false;
  if (!pod.status?.podIP) return false;
  return includeTerminating || !pod.metadata.deletionTimestamp;
}

/** A numeric target port as is; a named one from the pod's container ports with the same protocol. */
function resolvePort(pod: Pod, port: ServicePort): number | undefined {
  const target = port.targetPort ?? port.port;
  if (typeof target === "number") return target;
  if (/^[0-9]+$/.test(target)) return Number(target);
  const protocol = port.protocol ?? "TCP";
  for (const container of pod.spec?.containers ?? []) {
    for (const cp of container.ports ?? []) {
      if (cp.name === target && (cp.protocol ?? "TCP") === protocol) return cp.containerPort;
    }
  }
  return undefined;
}

function endpointPort(port: ServicePort, number: number): EndpointPort {
  const ep: EndpointPort = { port: number, protocol: port.protocol ?? "TCP" };
  if (port.name) ep.name = port.name;
  if (port.appProtocol) ep.appProtocol = port.appProtocol;
  return ep;
}

function address(pod: Pod): Address {
  const addr: Address = {
    ip: pod.status!.podIP!,
    targetRef: {
      kind: "Pod",
      namespace: pod.metadata.namespace,
      name: pod.metadata.name,
      uid: pod.metadata.uid,
    },
  };
  if (pod.spec?.nodeName) addr.nodeName = pod.spec.nodeName;
  if (pod.spec?.hostname) addr.hostname = pod.spec.hostname;
  return addr;
}

/** Services select by equality on every key. */
function matches(selector: Record<string, string>, labels: Record<string, string> | undefined): boolean {
  return Object.entries(selector).every(([k, v]) => labels?.[k] === v);
}


function compareAddresses(a: Address, b: Address): number {
  return ipOrder(a.ip).localeCompare(ipOrder(b.ip)) || (a.targetRef?.uid ?? "").localeCompare(b.targetRef?.uid ?? "");
}

/** Pads IPv4 octets so that string order is numeric order. */
function ipOrder(ip: string): string {
  return ip.split(".").map((o) => o.padStart(3, "0")).join(".");
}

function comparePorts(a: EndpointPort, b: EndpointPort): number {
  return (a.name ?? "").localeCompare(b.name ?? "") || a.port - b.port || (a.protocol ?? "").localeCompare(b.protocol ?? "");
}

function subsetKey(subset: Subset): string {
  return JSON.stringify([subset.ports ?? [], (subset.addresses ?? subset.notReadyAddresses ?? [])[0]?.ip ?? ""]);
}
