/**
 * Validation of a PodSpec and a pod template, shared by Pods and every workload, as Kubernetes'
 * `pkg/apis/core/validation` (`ValidatePodSpec`, `validateContainers`, `validateProbe`,
 * `ValidateResourceRequirements`, `validateTolerations`, …), with its messages and field paths.
 */
import { fieldErrors, type FieldError } from "../lib/errors.js";
import { compareQuantities, formatQuantity, parseQuantity, QUANTITY_FORMAT_ERROR, type Quantity } from "../lib/quantity.js";
import type { Container, PodSpec, PodTemplateSpec } from "../lib/types.js";
import {
  inclusiveRangeError,
  invalidEach,
  isEnvVarName,
  isValidLabelValue,
  isValidPortName,
  isValidPortNum,
  NONNEGATIVE_ERROR,
  validateAnnotations,
  validateDNS1123Label,
  validateDNS1123Subdomain,
  validateLabels,
  validateNonnegative,
  validateQualifiedName,
} from "../lib/validation.js";
import { volumeSources } from "./pod-spec.js";

type Probe = NonNullable<Container["livenessProbe"]>;
type Handler = Pick<Probe, "exec" | "httpGet" | "tcpSocket" | "grpc">;
type Toleration = NonNullable<PodSpec["tolerations"]>[number];
type Resources = NonNullable<Container["resources"]>;

const MAX_UINT32 = 4294967295;
export const PORT_PROTOCOLS = ["SCTP", "TCP", "UDP"];
const PULL_POLICIES = ["Always", "IfNotPresent", "Never"];
const RESTART_POLICIES = ["Always", "OnFailure", "Never"];
const DNS_POLICIES = ["ClusterFirstWithHostNet", "ClusterFirst", "Default", "None"];
export const TAINT_EFFECTS = ["NoSchedule", "PreferNoSchedule", "NoExecute"];
const TERMINATION_MESSAGE_POLICIES = ["File", "FallbackToLogsOnError"];
const STANDARD_CONTAINER_RESOURCES = new Set(["cpu", "memory", "ephemeral-storage"]);

/** `field.NotFound`, which src/lib/errors.ts has no helper for. */
function notFound(field: string, value: unknown): FieldError {
  return { type: "FieldValueNotFound", field, message: `Not found: ${JSON.stringify(value)}` };
}

/** An int-or-string port: a number in range, or an IANA service name. */
export function validatePortNumOrName(port: number | string | undefined, path: string): FieldError[] {
  if (typeof port === "number") return invalidEach(path, port, isValidPortNum(port));
  if (typeof port === "string") return invalidEach(path, port, isValidPortName(port));
  return [fieldErrors.required(path)];
}

/** `ValidatePodTemplateSpec`: labels, annotations and spec of a workload's template. */
export function validatePodTemplateSpec(template: PodTemplateSpec | undefined, path: string): FieldError[] {
  if (!template) return [fieldErrors.required(path)];
  const errs = [
    ...validateLabels(template.metadata?.labels, `${path}.labels`),
    ...validateAnnotations(template.metadata?.annotations, `${path}.annotations`),
  ];
  if (!template.spec) return [...errs, fieldErrors.required(`${path}.spec`)];
  errs.push(...validatePodSpec(template.spec, `${path}.spec`));
  if ((template.spec.ephemeralContainers ?? []).length > 0)
    errs.push(fieldErrors.forbidden(`${path}.spec.ephemeralContainers`, "ephemeral containers not allowed in pod template"));
  return errs;
}

/** `ValidatePodSpec`. `path` is where the spec sits: `spec` or `spec.template.spec`. */
export function validatePodSpec(spec: PodSpec, path: string): FieldError[] {
  const errs: FieldError[] = [];
  const volumes = validateVolumes(spec.volumes, `${path}.volumes`, errs);
  const names = new Set<string>();
  if ((spec.containers ?? []).length === 0) errs.push(fieldErrors.required(`${path}.containers`));
  (spec.initContainers ?? []).forEach((c, i) => {
    const p = `${path}.initContainers[${i}]`;
    errs.push(...validateContainer(c, p, names, volumes));
    if (c.restartPolicy !== undefined && c.restartPolicy !== "Always")
      errs.push(fieldErrors.notSupported(`${p}.restartPolicy`, c.restartPolicy, ["Always"]));
    if (c.restartPolicy !== "Always")
      for (const probe of ["livenessProbe", "readinessProbe", "startupProbe"] as const)
        if (c[probe]) errs.push(fieldErrors.forbidden(`${p}.${probe}`, "may not be set for init containers without restartPolicy=Always"));
  });
  (spec.containers ?? []).forEach((c, i) => {
    const p = `${path}.containers[${i}]`;
    errs.push(...validateContainer(c, p, names, volumes));
    if (c.restartPolicy !== undefined) errs.push(fieldErrors.forbidden(`${p}.restartPolicy`, "may not be set for non-init containers"));
  });
  errs.push(...validatePolicy(spec.restartPolicy, `${path}.restartPolicy`, RESTART_POLICIES));
  errs.push(...validatePolicy(spec.dnsPolicy, `${path}.dnsPolicy`, DNS_POLICIES));
  errs.push(...validateLabels(spec.nodeSelector, `${path}.nodeSelector`));
  if (spec.serviceAccountName) errs.push(...validateDNS1123Subdomain(spec.serviceAccountName, `${path}.serviceAccountName`));
  if (spec.nodeName) errs.push(...validateDNS1123Subdomain(spec.nodeName, `${path}.nodeName`));
  if (spec.schedulerName) errs.push(...validateDNS1123Subdomain(spec.schedulerName, `${path}.schedulerName`));
  if (spec.hostname) errs.push(...validateDNS1123Label(spec.hostname, `${path}.hostname`));
  if (spec.subdomain) errs.push(...validateDNS1123Label(spec.subdomain, `${path}.subdomain`));
  if (spec.activeDeadlineSeconds != null && (spec.activeDeadlineSeconds < 1 || spec.activeDeadlineSeconds > MAX_UINT32))
    errs.push(
      fieldErrors.invalid(`${path}.activeDeadlineSeconds`, spec.activeDeadlineSeconds, inclusiveRangeError(1, MAX_UINT32)),
    );
  errs.push(...validateTolerations(spec.tolerations, `${path}.tolerations`));
  return errs;
}

function validatePolicy(value: string | undefined, path: string, supported: string[]): FieldError[] {
  if (!value) return [fieldErrors.required(path)];
  return supported.includes(value) ? [] : [fieldErrors.notSupported(path, value, supported)];
}

/** Volume names and sources; returns the set of names that mounts may refer to. */
function validateVolumes(volumes: PodSpec["volumes"], path: string, errs: FieldError[]): Set<string> {
  const names = new Set<string>();
  (volumes ?? []).forEach((v, i) => {
    const p = `${path}[${i}]`;
    if (!v.name) errs.push(fieldErrors.required(`${p}.name`));
    else {
      errs.push(...validateDNS1123Label(v.name, `${p}.name`));
      if (names.has(v.name)) errs.push(fieldErrors.duplicate(`${p}.name`, v.name));
      names.add(v.name);
    }
    const sources = volumeSources(v);
    if (sources.length === 0) errs.push(fieldErrors.required(p, "must specify a volume type"));
    else if (sources.length > 1) errs.push(fieldErrors.forbidden(`${p}.${sources[1]}`, "may not specify more than 1 volume type"));
    if (v.configMap && !v.configMap.name) errs.push(fieldErrors.required(`${p}.configMap.name`));
    if (v.secret && !v.secret.secretName) errs.push(fieldErrors.required(`${p}.secret.secretName`));
    if (v.persistentVolumeClaim && !v.persistentVolumeClaim.claimName)
      errs.push(fieldErrors.required(`${p}.persistentVolumeClaim.claimName`));
    if (v.hostPath && !v.hostPath.path) errs.push(fieldErrors.required(`${p}.hostPath.path`));
  });
  return names;
}

function validateContainer(c: Container, path: string, names: Set<string>, volumes: Set<string>): FieldError[] {
  const errs: FieldError[] = [];
  if (!c.name) errs.push(fieldErrors.required(`${path}.name`));
  else {
    errs.push(...validateDNS1123Label(c.name, `${path}.name`));
    if (names.has(c.name)) errs.push(fieldErrors.duplicate(`${path}.name`, c.name));
    names.add(c.name);
  }
  if (!c.image) errs.push(fieldErrors.required(`${path}.image`));
  else if (c.image.trim() !== c.image)
    errs.push(fieldErrors.invalid(`${path}.image`, c.image, "must not have leading or trailing whitespace"));
  errs.push(...validatePolicy(c.imagePullPolicy, `${path}.imagePullPolicy`, PULL_POLICIES));
  errs.push(...validatePolicy(c.terminationMessagePolicy, `${path}.terminationMessagePolicy`, TERMINATION_MESSAGE_POLICIES));
  errs.push(...validateContainerPorts(c.ports, `${path}.ports`));
  errs.push(...validateEnv(c.env, `${path}.env`));
  errs.push(...validateVolumeMounts(c.volumeMounts, `${path}.volumeMounts`, volumes));
  errs.push(...validateResources(c.resources, `${path}.resources`));
  for (const name of ["livenessProbe", "readinessProbe", "startupProbe"] as const) {
    const probe = c[name];
    if (probe) errs.push(...validateProbe(probe, `${path}.${name}`));
  }
  for (const name of ["livenessProbe", "startupProbe"] as const) {
    const probe = c[name];
    if (probe && probe.successThreshold !== 1)
      errs.push(fieldErrors.invalid(`${path}.${name}.successThreshold`, probe.successThreshold, "must be 1"));
  }
  for (const name of ["postStart", "preStop"] as const) {
    const handler = c.lifecycle?.[name];
    if (handler) errs.push(...validateHandler(handler, `${path}.lifecycle.${name}`));
  }
  return errs;
}

function validateContainerPorts(ports: Container["ports"], path: string): FieldError[] {
  const errs: FieldError[] = [];
  const names = new Set<string>();
  (ports ?? []).forEach((port, i) => {
    const p = `${path}[${i}]`;
    if (port.name) {
      const msgs = isValidPortName(port.name);
      if (msgs.length > 0) errs.push(...invalidEach(`${p}.name`, port.name, msgs));
      else if (names.has(port.name)) errs.push(fieldErrors.duplicate(`${p}.name`, port.name));
      else names.add(port.name);
    }
    if (!port.containerPort) errs.push(fieldErrors.required(`${p}.containerPort`));
    else errs.push(...invalidEach(`${p}.containerPort`, port.containerPort, isValidPortNum(port.containerPort)));
    if (port.hostPort) errs.push(...invalidEach(`${p}.hostPort`, port.hostPort, isValidPortNum(port.hostPort)));
    errs.push(...validatePolicy(port.protocol, `${p}.protocol`, PORT_PROTOCOLS));
  });
  return errs;
}

function validateEnv(env: Container["env"], path: string): FieldError[] {
  const errs: FieldError[] = [];
  (env ?? []).forEach((e, i) => {
    const p = `${path}[${i}]`;
    if (!e.name) errs.push(fieldErrors.required(`${p}.name`));
    else errs.push(...invalidEach(`${p}.name`, e.name, isEnvVarName(e.name)));
    if (!e.valueFrom) return;
    const sources = ["fieldRef", "resourceFieldRef", "configMapKeyRef", "secretKeyRef"].filter(
      (k) => (e.valueFrom as Record<string, unknown>)[k] != null,
    );
    const vp = `${p}.valueFrom`;
    if (e.value) errs.push(fieldErrors.invalid(vp, "", "may not be specified when `value` is not empty"));
    if (sources.length === 0) errs.push(fieldErrors.invalid(vp, "", "must specify one of: `fieldRef`, `resourceFieldRef`, `configMapKeyRef` or `secretKeyRef`"));
    else if (sources.length > 1) errs.push(fieldErrors.invalid(vp, "", "may not have more than one field specified at a time"));
    if (e.valueFrom.configMapKeyRef && !e.valueFrom.configMapKeyRef.key) errs.push(fieldErrors.required(`${vp}.configMapKeyRef.key`));
    if (e.valueFrom.secretKeyRef && !e.valueFrom.secretKeyRef.key) errs.push(fieldErrors.required(`${vp}.secretKeyRef.key`));
    if (e.valueFrom.fieldRef && !e.valueFrom.fieldRef.fieldPath) errs.push(fieldErrors.required(`${vp}.fieldRef.fieldPath`));
  });
  return errs;
}

function validateVolumeMounts(mounts: Container["volumeMounts"], path: string, volumes: Set<string>): FieldError[] {
  const errs: FieldError[] = [];
  const paths = new Set<string>();
  (mounts ?? []).forEach((m, i) => {
    const p = `${path}[${i}]`;
    if (!m.name) errs.push(fieldErrors.required(`${p}.name`));
    else if (!volumes.has(m.name)) errs.push(notFound(`${p}.name`, m.name));
    if (!m.mountPath) errs.push(fieldErrors.required(`${p}.mountPath`));
    else if (paths.has(m.mountPath)) errs.push(fieldErrors.invalid(`${p}.mountPath`, m.mountPath, "must be unique"));
    else paths.add(m.mountPath);
  });
  return errs;
}

/** Resource names, quantities, and requests no greater than limits. */
function validateResources(resources: Resources | undefined, path: string): FieldError[] {
  const errs: FieldError[] = [];
  const parsed = (kind: "limits" | "requests"): Map<string, Quantity> => {
    const out = new Map<string, Quantity>();
    for (const [name, value] of Object.entries(resources?.[kind] ?? {})) {
      const p = `${path}.${kind}[${name}]`;
      if (!name.includes("/") && !STANDARD_CONTAINER_RESOURCES.has(name) && !name.startsWith("hugepages-"))
        errs.push(fieldErrors.invalid(p, name, "must be a standard resource for containers"));
      try {
        const q = parseQuantity(value);
        if (q.nanos < 0n) errs.push(fieldErrors.invalid(p, String(value), NONNEGATIVE_ERROR));
        out.set(name, q);
      } catch {
        errs.push(fieldErrors.invalid(p, String(value), QUANTITY_FORMAT_ERROR));
      }
    }
    return out;
  };
  const limits = parsed("limits");
  const requests = parsed("requests");
  for (const [name, request] of requests) {
    const limit = limits.get(name);
    if (!limit) continue;
    // Extended and huge-page resources cannot be overcommitted: request must equal limit.
    const overcommit = STANDARD_CONTAINER_RESOURCES.has(name);
    const cmp = compareQuantities(request, limit);
    if (!overcommit && cmp !== 0)
      errs.push(fieldErrors.invalid(`${path}.requests`, formatQuantity(request), `must be equal to ${name} limit of ${formatQuantity(limit)}`));
    else if (cmp > 0)
      errs.push(
        fieldErrors.invalid(`${path}.requests`, formatQuantity(request), `must be less than or equal to ${name} limit of ${formatQuantity(limit)}`),
      );
  }
  return errs;
}

function validateProbe(probe: Probe, path: string): FieldError[] {
  const errs = validateHandler(probe, path);
  for (const k of ["initialDelaySeconds", "timeoutSeconds", "periodSeconds", "successThreshold", "failureThreshold"] as const)
    errs.push(...validateNonnegative(probe[k], `${path}.${k}`));
  if (probe.terminationGracePeriodSeconds != null && probe.terminationGracePeriodSeconds <= 0)
    errs.push(fieldErrors.invalid(`${path}.terminationGracePeriodSeconds`, probe.terminationGracePeriodSeconds, "must be greater than 0"));
  return errs;
}

function validateHandler(h: Handler, path: string): FieldError[] {
  const set = (["exec", "httpGet", "tcpSocket", "grpc"] as const).filter((k) => h[k] != null);
  if (set.length === 0) return [fieldErrors.required(path, "must specify a handler type")];
  if (set.length > 1) return [fieldErrors.forbidden(`${path}.${set[1]}`, "may not specify more than 1 handler type")];
  const errs: FieldError[] = [];
  if (h.exec && (h.exec.command ?? []).length === 0) errs.push(fieldErrors.required(`${path}.exec.command`));
  if (h.httpGet) {
    if (!h.httpGet.path) errs.push(fieldErrors.required(`${path}.httpGet.path`));
    errs.push(...validatePortNumOrName(h.httpGet.port, `${path}.httpGet.port`));
    errs.push(...validatePolicy(h.httpGet.scheme, `${path}.httpGet.scheme`, ["HTTP", "HTTPS"]));
  }
  if (h.tcpSocket) errs.push(...validatePortNumOrName(h.tcpSocket.port, `${path}.tcpSocket.port`));
  if (h.grpc) errs.push(...invalidEach(`${path}.grpc.port`, h.grpc.port, isValidPortNum(h.grpc.port)));
  return errs;
}

/** `validateTolerations`. */
export function validateTolerations(tolerations: Toleration[] | undefined, path: string): FieldError[] {
  const errs: FieldError[] = [];
  (tolerations ?? []).forEach((t, i) => {
    const p = `${path}[${i}]`;
    if (t.key) errs.push(...validateQualifiedName(t.key, `${p}.key`));
    if (!t.key && t.operator !== "Exists")
      errs.push(
        fieldErrors.invalid(`${p}.operator`, t.operator ?? "", 'operator must be Exists when `key` is empty, which means "match all values and all keys"'),
      );
    if (t.tolerationSeconds != null && t.effect !== "NoExecute")
      errs.push(fieldErrors.invalid(`${p}.effect`, t.effect ?? "", "effect must be 'NoExecute' when `tolerationSeconds` is set"));
    switch (t.operator ?? "") {
      case "Equal":
      case "":
        errs.push(...invalidEach(`${p}.operator`, t.value ?? "", isValidLabelValue(t.value ?? "")));
        break;
      case "Exists":
        if (t.value) errs.push(fieldErrors.invalid(`${p}.operator`, t, "value must be empty when `operator` is 'Exists'"));
        break;
      default:
        errs.push(fieldErrors.notSupported(`${p}.operator`, t.operator, ["Equal", "Exists"]));
    }
    if (t.effect && !TAINT_EFFECTS.includes(t.effect)) errs.push(fieldErrors.notSupported(`${p}.effect`, t.effect, TAINT_EFFECTS));
  });
  return errs;
}
