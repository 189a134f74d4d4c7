/**
 * Where ConfigMaps and Secrets that pods reference come from: the API when it answers, else the
 * copy kept in the state dir with the pod's assignment, so pods start after a reboot while the
 * control plane is unreachable.
 */
import type { ConfigMap, Secret } from "../../../src/lib/types.js";

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


export function decodeSecretValue(value: string): string {
  return Buffer.from(value, "base64").toString("utf8");
}
