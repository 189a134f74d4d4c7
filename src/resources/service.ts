/**
 * Service (core/v1): defaults (SetDefaults_Service, plus the single-stack IP family fields the
 * allocator sets), validation as `ValidateService`, dropping type-dependent fields when the type
 * changes, and the table. Allocating clusterIPs and nodePorts (their ranges, and keeping them
 * across updates) is the registry's job.
 */
import { fieldErrors, type FieldError } from "../lib/errors.js";
import type { Service } from "../lib/types.js";
import {
  deepEqual,
  invalidEach,
  IP_ADDRESS_ERROR,
  isValidCIDR,
  isValidIP,
  isValidPortNum,
  CIDR_ERROR,
  validateDNS1123Label,
  validateDNS1123Subdomain,
  validateLabels,
} from "../lib/validation.js";
import { formatLabels } from "./label-selector.js";
import { nameIsDNS1035Label, validateObjectMeta } from "./meta.js";
import { PORT_PROTOCOLS, validatePortNumOrName } from "./pod-spec-validation.js";
import { age, ageColumn, column, nameColumn, wide } from "./table.js";
import type { ResourceDef } from "./types.js";

type Spec = NonNullable<Service["spec"]>;
type ServicePort = NonNullable<Spec["ports"]>[number];

export const SERVICE_TYPES = ["ClusterIP", "ExternalName", "LoadBalancer", "NodePort"];
const LOAD_BALANCER_WIDTH = 16;
const DEFAULT_CLIENT_IP_TIMEOUT_SECONDS = 10800;

/** Every type but ExternalName has a cluster IP. */
export const needsClusterIP = (spec: Spec | undefined) => (spec?.type ?? "ClusterIP") !== "ExternalName";
/** NodePort and LoadBalancer Services get node ports. */
export const needsNodePorts = (spec: Spec | undefined) => spec?.type === "NodePort" || spec?.type === "LoadBalancer";
const isHeadless = (spec: Spec) => spec.clusterIP === "None";
const externallyAccessible = (spec: Spec) => needsNodePorts(spec) || (spec.type === "ClusterIP" && (spec.externalIPs ?? []).length > 0);

function defaultService(svc: Service): void {
  const spec = svc.spec;
  if (!spec) return;
  spec.sessionAffinity ||= "None";
  if (spec.sessionAffinity === "None") delete spec.sessionAffinityConfig;
  if (spec.sessionAffinity === "ClientIP" && spec.sessionAffinityConfig?.clientIP?.timeoutSeconds == null)
    spec.sessionAffinityConfig = { clientIP: { timeoutSeconds: DEFAULT_CLIENT_IP_TIMEOUT_SECONDS } };
  spec.type ||= "ClusterIP";
  for (const p of spec.ports ?? []) {
    p.protocol ||= "TCP";
    if (p.targetPort === undefined || p.targetPort === 0 || p.targetPort === "") p.targetPort = p.port;
  }
  if (externallyAccessible(spec)) spec.externalTrafficPolicy ||= "Cluster";
  if (spec.type !== "ExternalName") spec.internalTrafficPolicy ??= "Cluster";
  if (spec.type === "LoadBalancer") spec.allocateLoadBalancerNodePorts ??= true;
  // clusterIP and clusterIPs[0] are one value (the strategy's NormalizeClusterIPs).
  if (spec.clusterIP && !(spec.clusterIPs ?? []).length) spec.clusterIPs = [spec.clusterIP];
  if (!spec.clusterIP && spec.clusterIPs?.length) spec.clusterIP = spec.clusterIPs[0];
  // Skiff's clusters are single-stack IPv4; the allocator sets these upstream.
  if (needsClusterIP(spec)) {
    spec.ipFamilyPolicy ??= "SingleStack";
    if (!(spec.ipFamilies ?? []).length) spec.ipFamilies = ["IPv4"];
  }
}

/**
 * When the type changes, drop what the old type needed and the new one does not, unless the
 * client changed it (`dropTypeDependentFields`).
 */
function dropTypeDependentFields(spec: Spec, old: Spec): void {
  if (needsClusterIP(old) && !needsClusterIP(spec)) {
    if (spec.clusterIP === old.clusterIP && deepEqual(spec.clusterIPs, old.clusterIPs)) {
      delete spec.clusterIP;
      delete spec.clusterIPs;
    }
    if (deepEqual(spec.ipFamilies, old.ipFamilies)) delete spec.ipFamilies;
    if (spec.ipFamilyPolicy === old.ipFamilyPolicy) delete spec.ipFamilyPolicy;
    if (spec.internalTrafficPolicy === old.internalTrafficPolicy) delete spec.internalTrafficPolicy;
  }
  if (needsNodePorts(old) && !needsNodePorts(spec))
    for (const p of spec.ports ?? []) {
      const before = (old.ports ?? []).find((o) => o.name === p.name);
      if (before && p.nodePort === before.nodePort) delete p.nodePort;
    }
  if (externallyAccessible(old) && !externallyAccessible(spec) && spec.externalTrafficPolicy === old.externalTrafficPolicy)
    delete spec.externalTrafficPolicy;
  if (old.type === "LoadBalancer" && spec.type !== "LoadBalancer" && spec.allocateLoadBalancerNodePorts === old.allocateLoadBalancerNodePorts)
    delete spec.allocateLoadBalancerNodePorts;
}

function validatePorts(spec: Spec): FieldError[] {
  const errs: FieldError[] = [];
  const ports = spec.ports ?? [];
  if (ports.length === 0 && !isHeadless(spec) && spec.type !== "ExternalName") errs.push(fieldErrors.required("spec.ports"));
  const names = new Set<string>();
  const seen = new Set<string>();
  const seenNodePorts = new Set<string>();
  ports.forEach((port: ServicePort, i) => {
    const p = `spec.ports[${i}]`;
    if (ports.length > 1 && !port.name) errs.push(fieldErrors.required(`${p}.name`));
    else if (port.name) {
      errs.push(...validateDNS1123Label(port.name, `${p}.name`));
      if (names.has(port.name)) errs.push(fieldErrors.duplicate(`${p}.name`, port.name));
      names.add(port.name);
    }
    errs.push(...invalidEach(`${p}.port`, port.port, isValidPortNum(port.port)));
    if (!port.protocol) errs.push(fieldErrors.required(`${p}.protocol`));
    else if (!PORT_PROTOCOLS.includes(port.protocol)) errs.push(fieldErrors.notSupported(`${p}.protocol`, port.protocol, PORT_PROTOCOLS));
    errs.push(...validatePortNumOrName(port.targetPort, `${p}.targetPort`));
    const key = `${port.protocol}/${port.port}`;
    if (seen.has(key)) errs.push(fieldErrors.duplicate(p, { port: port.port, protocol: port.protocol }));
    seen.add(key);
    if (!port.nodePort) return;
    // The range (--service-node-port-range) is the registry's allocator's to check.
    if (spec.type === "ClusterIP") errs.push(fieldErrors.forbidden(`${p}.nodePort`, "may not be used when `type` is 'ClusterIP'"));
    const nodeKey = `${port.protocol}/${port.nodePort}`;
    if (seenNodePorts.has(nodeKey)) errs.push(fieldErrors.duplicate(`${p}.nodePort`, port.nodePort));
    seenNodePorts.add(nodeKey);
  });
  return errs;
}

function validateClusterIPs(spec: Spec): FieldError[] {
  const errs: FieldError[] = [];
  const ips = spec.clusterIPs ?? [];
  if (spec.type === "ExternalName") {
    if (ips.length > 0 || spec.clusterIP) errs.push(fieldErrors.forbidden("spec.clusterIPs", "may not be set for ExternalName services"));
    if ((spec.ipFamilies ?? []).length > 0) errs.push(fieldErrors.forbidden("spec.ipFamilies", "may not be set for ExternalName services"));
    if (spec.ipFamilyPolicy) errs.push(fieldErrors.forbidden("spec.ipFamilyPolicy", "may not be set for ExternalName services"));
    return errs;
  }
  if (spec.clusterIP && ips.length > 0 && ips[0] !== spec.clusterIP)
    errs.push(fieldErrors.invalid("spec.clusterIPs[0]", ips, "first value must match `clusterIP`"));
  ips.forEach((ip, i) => {
    if (ip === "None" && i === 0) return;
    if (!isValidIP(ip)) errs.push(fieldErrors.invalid(`spec.clusterIPs[${i}]`, ip, IP_ADDRESS_ERROR));
  });
  if (spec.clusterIP === "None" && needsNodePorts(spec))
    errs.push(fieldErrors.invalid("spec.clusterIPs[0]", "None", `may not be set to 'None' for ${spec.type} services`));
  const policy = spec.ipFamilyPolicy;
  if (policy && !["SingleStack", "PreferDualStack", "RequireDualStack"].includes(policy))
    errs.push(fieldErrors.notSupported("spec.ipFamilyPolicy", policy, ["PreferDualStack", "RequireDualStack", "SingleStack"]));
  (spec.ipFamilies ?? []).forEach((f, i) => {
    if (f !== "IPv4" && f !== "IPv6") errs.push(fieldErrors.notSupported(`spec.ipFamilies[${i}]`, f, ["IPv4", "IPv6"]));
  });
  return errs;
}

function validatePolicies(spec: Spec): FieldError[] {
  const errs: FieldError[] = [];
  const affinity = spec.sessionAffinity;
  if (!affinity) errs.push(fieldErrors.required("spec.sessionAffinity"));
  else if (affinity !== "ClientIP" && affinity !== "None")
    errs.push(fieldErrors.notSupported("spec.sessionAffinity", affinity, ["ClientIP", "None"]));
  const timeout = spec.sessionAffinityConfig?.clientIP?.timeoutSeconds;
  if (affinity === "ClientIP" && timeout != null && (timeout <= 0 || timeout > 86400))
    errs.push(
      fieldErrors.invalid("spec.sessionAffinityConfig.clientIP.timeoutSeconds", timeout, "must be greater than 0 and less than 86400"),
    );
  const etp = spec.externalTrafficPolicy;
  if (etp) {
    if (!externallyAccessible(spec))
      errs.push(fieldErrors.invalid("spec.externalTrafficPolicy", etp, "may only be set for externally-accessible services"));
    else if (etp !== "Cluster" && etp !== "Local") errs.push(fieldErrors.notSupported("spec.externalTrafficPolicy", etp, ["Cluster", "Local"]));
  } else if (externallyAccessible(spec)) errs.push(fieldErrors.required("spec.externalTrafficPolicy"));
  const itp = spec.internalTrafficPolicy;
  if (!itp && spec.type !== "ExternalName") errs.push(fieldErrors.required("spec.internalTrafficPolicy"));
  else if (itp && itp !== "Cluster" && itp !== "Local") errs.push(fieldErrors.notSupported("spec.internalTrafficPolicy", itp, ["Cluster", "Local"]));
  if (spec.type !== "LoadBalancer") {
    for (const k of ["loadBalancerSourceRanges", "allocateLoadBalancerNodePorts", "loadBalancerClass"] as const)
      if (spec[k] != null && !deepEqual(spec[k], []))
        errs.push(fieldErrors.forbidden(`spec.${k}`, "may only be used when `type` is 'LoadBalancer'"));
  } else {
    if (spec.allocateLoadBalancerNodePorts == null) errs.push(fieldErrors.required("spec.allocateLoadBalancerNodePorts"));
    (spec.loadBalancerSourceRanges ?? []).forEach((r, i) => {
      if (!isValidCIDR(r.trim())) errs.push(fieldErrors.invalid(`spec.loadBalancerSourceRanges[${i}]`, r, CIDR_ERROR));
    });
  }
  return errs;
}

function validateExternalIPs(spec: Spec): FieldError[] {
  const errs: FieldError[] = [];
  (spec.externalIPs ?? []).forEach((ip, i) => {
    const p = `spec.externalIPs[${i}]`;
    if (!isValidIP(ip)) errs.push(fieldErrors.invalid(p, ip, IP_ADDRESS_ERROR));
    else if (ip === "0.0.0.0" || ip === "::") errs.push(fieldErrors.invalid(p, ip, "may not be unspecified (0.0.0.0)"));
    else if (ip.startsWith("127.") || ip === "::1") errs.push(fieldErrors.invalid(p, ip, "may not be in the loopback range (127.0.0.0/8, ::1/128)"));
    else if (ip.startsWith("169.254.")) errs.push(fieldErrors.invalid(p, ip, "may not be in the link-local range (169.254.0.0/16, fe80::/10)"));
  });
  return errs;
}

function validateService(svc: Service): FieldError[] {
  const errs = validateObjectMeta(svc.metadata, { namespaced: true, name: nameIsDNS1035Label });
  const spec = svc.spec;
  if (!spec) return [...errs, fieldErrors.required("spec")];
  if (!spec.type) errs.push(fieldErrors.required("spec.type"));
  else if (!SERVICE_TYPES.includes(spec.type)) errs.push(fieldErrors.notSupported("spec.type", spec.type, SERVICE_TYPES));
  if (spec.type === "ExternalName") {
    const cname = (spec.externalName ?? "").replace(/\.$/, "");
    if (cname) errs.push(...validateDNS1123Subdomain(cname, "spec.externalName"));
    else errs.push(fieldErrors.required("spec.externalName"));
  }
  errs.push(...validatePorts(spec), ...validateClusterIPs(spec), ...validatePolicies(spec), ...validateExternalIPs(spec));
  errs.push(...validateLabels(spec.selector, "spec.selector"));
  return errs;
}

/** Primary and secondary cluster IPs may not change once set, except to or from ExternalName. */
function validateClusterIPsUpdate(spec: Spec, old: Spec): FieldError[] {
  if (!needsClusterIP(spec) || !needsClusterIP(old) || (isHeadless(spec) && isHeadless(old))) return [];
  const next = spec.clusterIPs ?? [];
  const prev = old.clusterIPs ?? [];
  if (prev.length > 0 && next.length === 0) return [fieldErrors.invalid("spec.clusterIPs[0]", next, "primary clusterIP can not be unset")];
  return prev
    .map((ip, i) => (i < next.length && next[i] !== ip ? fieldErrors.invalid(`spec.clusterIPs[${i}]`, next, "may not change once set") : null))
    .filter((e): e is FieldError => e !== null);
}

/** `loadBalancerStatusStringer`: ingress IPs or hostnames, sorted, clipped to 16 characters. */
function loadBalancerIngress(svc: Service): string {
  const set = new Set<string>();
  for (const i of svc.status?.loadBalancer?.ingress ?? []) if (i.ip || i.hostname) set.add((i.ip || i.hostname) as string);
  const s = [...set].sort().join(",");
  return s.length > LOAD_BALANCER_WIDTH ? `${s.slice(0, LOAD_BALANCER_WIDTH - 3)}...` : s;
}

/** The EXTERNAL-IP cell (`getServiceExternalIP`). */
function externalIP(svc: Service): string {
  const spec = svc.spec ?? {};
  const external = spec.externalIPs ?? [];
  switch (spec.type) {
    case "ClusterIP":
    case "NodePort":
      return external.length > 0 ? external.join(",") : "<none>";
    case "LoadBalancer": {
      const lb = loadBalancerIngress(svc);
      if (external.length > 0) return [...(lb ? lb.split(",") : []), ...external].join(",");
      return lb || "<pending>";
    }
    case "ExternalName":
      return spec.externalName ?? "";
    default:
      return "<unknown>";
  }
}

/** `80/TCP,443:30443/TCP` (`makePortString`). */
function portsCell(svc: Service): string {
  const s = (svc.spec?.ports ?? []).map((p) => (p.nodePort ? `${p.port}:${p.nodePort}/${p.protocol}` : `${p.port}/${p.protocol}`)).join(",");
  return s || "<none>";
}

export const serviceDef: ResourceDef<Service> = {
  group: "",
  version: "v1",
  kind: "Service",
  plural: "services",
  singular: "service",
  namespaced: true,
  shortNames: ["svc"],
  categories: ["all"],
  subresources: ["status"],
  hasStatus: true,
  // Services carry no metadata.generation upstream.
  generationPaths: [],
  fieldSelectors: ["spec.clusterIP", "spec.type"],

  defaults: defaultService,
  prepareForCreate(svc) {
    svc.status = { loadBalancer: {} };
  },
  prepareForUpdate(svc, old) {
    if (svc.spec && old.spec) dropTypeDependentFields(svc.spec, old.spec);
  },
  validate: validateService,
  validateUpdate(svc, old) {
    const errs = validateService(svc);
    if (svc.spec && old.spec) errs.push(...validateClusterIPsUpdate(svc.spec, old.spec));
    return errs;
  },

  table: {
    columns: [
      nameColumn(),
      column("Type", "type determines how the Service is exposed."),
      column("Cluster-IP", "clusterIP is the IP address of the service and is usually assigned randomly."),
      column("External-IP", "externalIPs is a list of IP addresses for which nodes in the cluster will also accept traffic for this service."),
      column("Port(s)", "The list of ports that are exposed by this service."),
      ageColumn(),
      wide("Selector", "Route service traffic to pods with label keys and values matching this selector."),
    ],
    cells: (svc, now) => [
      svc.metadata.name,
      svc.spec?.type ?? "",
      svc.spec?.clusterIPs?.[0] ?? svc.spec?.clusterIP ?? "<none>",
      externalIP(svc),
      portsCell(svc),
      age(svc, now),
      formatLabels(svc.spec?.selector),
    ],
  },
};
