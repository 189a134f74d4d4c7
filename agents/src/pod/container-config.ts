/**
 * A pod's container as the runtime creates it: environment (values, `configMapKeyRef`,
 * `secretKeyRef`, `fieldRef`, `resourceFieldRef`, `envFrom`), `$(VAR)` expansion in command and
 * args, resource limits, and mounts. Failures are `ConfigError`s with kubelet's messages, shown
 * as `CreateContainerConfigError`.
 */
import { intValue, quantityValue } from "../../../src/lib/quantity.js";
import type { Container, Pod } from "../../../src/lib/types.js";
import type { ContainerConfig, ContainerKind, Mount } from "../runtime/types.js";
import { ConfigError, decodeSecretValue, type ReferenceSource } from "./references.js";

export interface ContainerContext {
  pod: Pod;
  nodeName: string;
  podIP: string;
  hostIP: string;
  /** Host directory of each of the pod's volumes (volumes.ts). */
  volumePaths: ReadonlyMap<string, string>;
  refs: ReferenceSource;
  /** The Service variables (service-env.ts); the container's own variables win over them. */
  serviceEnv?: Readonly<Record<string, string>>;
  /** Host path of the pod's resolv.conf, mounted at /etc/resolv.conf (as containerd does). */
  resolvConf?: string;
}

type EnvVarSource = NonNullable<NonNullable<Container["env"]>[number]["valueFrom"]>;

function fieldRefValue(ctx: ContainerContext, path: string): string {
  const { pod } = ctx;
  const m = /^metadata\.(labels|annotations)\['(.+)'\]$/.exec(path);
  if (m) return (m[1] === "labels" ? pod.metadata.labels : pod.metadata.annotations)?.[m[2]] ?? "";
  switch (path) {
    case "metadata.name":
      return pod.metadata.name ?? "";
    case "metadata.namespace":
      return pod.metadata.namespace ?? "";
    case "metadata.uid":
      return pod.metadata.uid ?? "";
    case "spec.nodeName":
      return ctx.nodeName;
    case "spec.serviceAccountName":
      return pod.spec?.serviceAccountName ?? "";
    case "status.podIP":
    case "status.podIPs":
      return ctx.podIP;
    case "status.hostIP":
    case "status.hostIPs":
      return ctx.hostIP;
    default:
      throw new ConfigError(`unsupported fieldRef ${path}`);
  }
}

function resourceFieldValue(c: Container, ref: NonNullable<EnvVarSource["resourceFieldRef"]>): string {
  const [kind, resource] = ref.resource.split(".");
  const value = (kind === "limits" ? c.resources?.limits : c.resources?.requests)?.[resource];
  if (value === undefined) return "0";
  const divisor = ref.divisor ? quantityValue(String(ref.divisor)) : 1;
  return String(Math.ceil(quantityValue(String(value)) / divisor));
}

async function envValue(ctx: ContainerContext, c: Container, name: string, from: EnvVarSource): Promise<string | undefined> {
  const ns = ctx.pod.metadata.namespace ?? "default";
  if (from.fieldRef) return fieldRefValue(ctx, from.fieldRef.fieldPath);
  if (from.resourceFieldRef) return resourceFieldValue(c, from.resourceFieldRef);
  if (from.configMapKeyRef) {
    const ref = from.configMapKeyRef;
    const cm = await ctx.refs.configMap(ns, ref.name ?? "");
    if (!cm) {
      if (ref.optional) return undefined;
      throw new ConfigError(`configmap "${ref.name}" not found`);
    }
    const v = cm.data?.[ref.key] ?? (cm.binaryData?.[ref.key] !== undefined ? decodeSecretValue(cm.binaryData[ref.key]) : undefined);
    if (v === undefined && !ref.optional) throw new ConfigError(`couldn't find key ${ref.key} in ConfigMap ${ns}/${ref.name}`);
    return v;
  }
  if (from.secretKeyRef) {
    const ref = from.secretKeyRef;
    const s = await ctx.refs.secret(ns, ref.name ?? "");
    if (!s) {
      if (ref.optional) return undefined;
      throw new ConfigError(`secret "${ref.name}" not found`);
    }
    const raw = s.data?.[ref.key];
    if (raw === undefined) {
      if (ref.optional) return undefined;
      throw new ConfigError(`couldn't find key ${ref.key} in Secret ${ns}/${ref.name}`);
    }
    return decodeSecretValue(raw);
  }
  throw new ConfigError(`env var ${name}: unsupported valueFrom`);
}

/** `$(VAR)` → its value when defined (else left as is); `$$` → `$`, as Kubernetes expands. */
export function expandVars(input: string, env: Readonly<Record<string, string>>): string {
  return input.replace(/\$\$|\$\(([A-Za-z_][A-Za-z0-9_.-]*)\)/g, (match, name: string | undefined) => {
    if (match === "$$") return "$";
    return name !== undefined && name in env ? env[name] : match;
  });
}

export async function resolveEnv(ctx: ContainerContext, c: Container): Promise<Record<string, string>> {
  const ns = ctx.pod.metadata.namespace ?? "default";
  const env: Record<string, string> = {};
  for (const from of c.envFrom ?? []) {
    const prefix = from.prefix ?? "";
    if (from.configMapRef) {
      const cm = await ctx.refs.configMap(ns, from.configMapRef.name ?? "");
      if (!cm) {
        if (from.configMapRef.optional) continue;
        throw new ConfigError(`configmap "${from.configMapRef.name}" not found`);
      }
      for (const [k, v] of Object.entries(cm.data ?? {})) env[prefix + k] = v;
    }
    if (from.secretRef) {
      const s = await ctx.refs.secret(ns, from.secretRef.name ?? "");
      if (!s) {
        if (from.secretRef.optional) continue;
        throw new ConfigError(`secret "${from.secretRef.name}" not found`);
      }
      for (const [k, v] of Object.entries(s.data ?? {})) env[prefix + k] = decodeSecretValue(v);
    }
  }
  const services = ctx.serviceEnv ?? {};
  for (const e of c.env ?? []) {
    if (e.valueFrom) {
      const v = await envValue(ctx, c, e.name, e.valueFrom);
      if (v !== undefined) env[e.name] = v;
    } else {
      // As kubelet: `$(VAR)` may name the container's variables and the Service variables.
      env[e.name] = expandVars(e.value ?? "", { ...services, ...env });
    }
  }
  return { ...services, ...env };
}

function mountsOf(ctx: ContainerContext, c: Container): Mount[] {
  const dns: Mount[] = ctx.resolvConf ? [{ hostPath: ctx.resolvConf, containerPath: "/etc/resolv.conf", readOnly: false }] : [];
  return [...dns, ...(c.volumeMounts ?? []).map((m) => {
    const hostPath = ctx.volumePaths.get(m.name);
    if (!hostPath) throw new ConfigError(`cannot find volume "${m.name}" to mount into container "${c.name}"`);
    const sub = m.subPath ? `/${m.subPath.replace(/^\/+/, "")}` : "";
    return { hostPath: hostPath + sub, containerPath: m.mountPath, readOnly: !!m.readOnly };
  })];
}

export async function containerConfig(
  ctx: ContainerContext,
  c: Container,
  meta: { kind: ContainerKind; attempt: number; specHash: string },
): Promise<ContainerConfig> {
  const env = await resolveEnv(ctx, c);
  const limits = c.resources?.limits ?? {};
  return {
    podUid: ctx.pod.metadata.uid ?? "",
    namespace: ctx.pod.metadata.namespace ?? "default",
    podName: ctx.pod.metadata.name ?? "",
    name: c.name,
    kind: meta.kind,
    attempt: meta.attempt,
    specHash: meta.specHash,
    image: c.image ?? "",
    command: (c.command ?? []).map((s) => expandVars(s, env)),
    args: (c.args ?? []).map((s) => expandVars(s, env)),
    workingDir: c.workingDir,
    env,
    mounts: mountsOf(ctx, c),
    cpuLimit: limits.cpu !== undefined ? quantityValue(String(limits.cpu)) : undefined,
    memoryLimitBytes: limits.memory !== undefined ? intValue(String(limits.memory)) : undefined,
    tty: !!c.tty,
    stdin: !!c.stdin,
  };
}
