/**
 * Defaults of a PodSpec, shared by Pods and every workload's pod template, as Kubernetes'
 * `pkg/apis/core/v1/defaults.go` (SetDefaults_PodSpec, _Container, _Probe, _Volume, …) and the
 * v1 conversion of `serviceAccount`. What only Pods get (admission, requests from limits) is in
 * pod.ts.
 */
import type { Container, PodSpec, PodTemplateSpec } from "../lib/types.js";

type Probe = NonNullable<Container["livenessProbe"]>;
type LifecycleHandler = NonNullable<NonNullable<Container["lifecycle"]>["postStart"]>;
type HttpGet = NonNullable<Probe["httpGet"]>;
type Volume = NonNullable<PodSpec["volumes"]>[number];
type EnvVar = NonNullable<Container["env"]>[number];

export const DEFAULT_TERMINATION_GRACE_PERIOD_SECONDS = 30;
export const DEFAULT_SCHEDULER_NAME = "default-scheduler";
const DEFAULT_VOLUME_MODE = 0o644; // 420, as `defaultMode` prints

/**
 * Fill in a PodSpec's defaults in place. Idempotent. (`||=` where upstream defaults a zero value,
 * `??=` where it defaults an unset pointer.)
 */
export function defaultPodSpec(spec: PodSpec): void {
  spec.dnsPolicy ||= "ClusterFirst";
  spec.restartPolicy ||= "Always";
  spec.securityContext ??= {};
  spec.terminationGracePeriodSeconds ??= DEFAULT_TERMINATION_GRACE_PERIOD_SECONDS;
  spec.schedulerName ||= DEFAULT_SCHEDULER_NAME;
  // v1 keeps the deprecated `serviceAccount` as a mirror of `serviceAccountName`.
  if (!spec.serviceAccountName && spec.serviceAccount) spec.serviceAccountName = spec.serviceAccount;
  if (spec.serviceAccountName) spec.serviceAccount = spec.serviceAccountName;
  for (const c of spec.containers ?? []) defaultContainer(c);
  for (const c of spec.initContainers ?? []) defaultContainer(c);
  for (const c of spec.ephemeralContainers ?? []) defaultContainer(c as Container);
  for (const v of spec.volumes ?? []) defaultVolume(v);
}

/** A template's metadata object exists and its spec is defaulted. */
export function defaultPodTemplate(template: PodTemplateSpec | undefined): void {
  if (!template) return;
  template.metadata ??= {};
  if (template.spec) defaultPodSpec(template.spec);
}

/** `Always` for `:latest` or no tag, `IfNotPresent` otherwise (a digest alone counts as no tag). */
export function defaultPullPolicy(image: string | undefined): "Always" | "IfNotPresent" {
  const ref = image ?? "";
  const [withoutDigest, digest] = ref.split("@");
  const lastSlash = withoutDigest.lastIndexOf("/");
  const colon = withoutDigest.indexOf(":", lastSlash + 1);
  const tag = colon >= 0 ? withoutDigest.slice(colon + 1) : digest ? "" : "latest";
  return tag === "latest" ? "Always" : "IfNotPresent";
}

function defaultContainer(c: Container): void {
  c.imagePullPolicy ||= defaultPullPolicy(c.image);
  c.terminationMessagePath ||= "/dev/termination-log";
  c.terminationMessagePolicy ||= "File";
  c.resources ??= {};
  for (const p of c.ports ?? []) p.protocol ||= "TCP";
  for (const probe of [c.livenessProbe, c.readinessProbe, c.startupProbe]) if (probe) defaultProbe(probe);
  for (const handler of [c.lifecycle?.postStart, c.lifecycle?.preStop]) if (handler) defaultHandler(handler);
  for (const e of c.env ?? []) defaultEnvVar(e);
}

function defaultProbe(p: Probe): void {
  p.timeoutSeconds ||= 1;
  p.periodSeconds ||= 10;
  p.successThreshold ||= 1;
  p.failureThreshold ||= 3;
  defaultHandler(p);
}

function defaultHandler(h: Probe | LifecycleHandler): void {
  if (h.httpGet) defaultHttpGet(h.httpGet);
}

function defaultHttpGet(h: HttpGet): void {
  h.path ||= "/";
  h.scheme ||= "HTTP";
}

function defaultEnvVar(e: EnvVar): void {
  if (e.valueFrom?.fieldRef) e.valueFrom.fieldRef.apiVersion ??= "v1";
}

/** The keys of a Volume that name its source (everything but `name`). */
export function volumeSources(v: Volume): string[] {
  return Object.keys(v).filter((k) => k !== "name" && (v as Record<string, unknown>)[k] != null);
}

function defaultVolume(v: Volume): void {
  if (volumeSources(v).length === 0) v.emptyDir = {};
  if (v.secret) v.secret.defaultMode ??= DEFAULT_VOLUME_MODE;
  if (v.configMap) v.configMap.defaultMode ??= DEFAULT_VOLUME_MODE;
  if (v.projected) v.projected.defaultMode ??= DEFAULT_VOLUME_MODE;
  if (v.downwardAPI) {
    v.downwardAPI.defaultMode ??= DEFAULT_VOLUME_MODE;
    for (const item of v.downwardAPI.items ?? []) if (item.fieldRef) item.fieldRef.apiVersion ??= "v1";
  }
  if (v.hostPath) v.hostPath.type ??= "";
}
