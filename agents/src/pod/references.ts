/**
 * Where ConfigMaps and Secrets that pods reference come from: the API when it answers, else the
 * copy kept in the state dir with the pod's assignment, so pods start after a reboot while the
 * control plane is unreachable.
 */
import type { ConfigMap, PodSpec, Secret } from "../../../src/lib/types.js";

export interface ReferenceSource {
  /** The object, or undefined when it does not exist; throws when it cannot be known. */
  configMap(namespace: string, name: string): Promise<ConfigMap | undefined>;
  secret(namespace: string, name: string): Promise<Secret | undefined>;
}

/** A container cannot be configured: kubelet's `CreateContainerConfigError`. */
export class ConfigError extends Error {
  constructor(message: string) {
    super(message);
    this.name = "ConfigError";
  }
}

/** The ConfigMaps and Secrets a pod names (env, envFrom, volumes). */
export function referencedObjects(spec: PodSpec): { configMaps: Set<string>; secrets: Set<string> } {
  const configMaps = new Set<string>();
  const secrets = new Set<string>();
  for (const c of [...(spec.initContainers ?? []), ...spec.containers]) {
    for (const e of c.env ?? []) {
      if (e.valueFrom?.configMapKeyRef?.name) configMaps.add(e.valueFrom.configMapKeyRef.name);
      if (e.valueFrom?.secretKeyRef?.name) secrets.add(e.valueFrom.secretKeyRef.name);
    }
    for (const f of c.envFrom ?? []) {
      if (f.configMapRef?.name) configMaps.add(f.configMapRef.name);
      if (f.secretRef?.name) secrets.add(f.secretRef.name);
    }
  }
  for (const v of spec.volumes ?? []) {
    if (v.configMap?.name) configMaps.add(v.configMap.name);
    if (v.secret?.secretName) secrets.add(v.secret.secretName);
  }
  return { configMaps, secrets };
}

export function decodeSecretValue(value: string): string {
  return Buffer.from(value, "base64").toString("utf8");
}
