/**
 * What a pod's containers get from the cluster's naming when they are created: the Service
 * environment variables (from the Services the agent knows at that moment) and the pod's
 * resolv.conf, written in the pod's directory for the runtime to mount over /etc/resolv.conf.
 */
import { rename, writeFile, mkdir } from "node:fs/promises";
import { join } from "node:path";
import type { Pod, Service } from "../../../src/lib/types.js";
import { ConfigError } from "../pod/references.js";
import { serviceEnv } from "../pod/service-env.js";
import { podDir } from "../pod/volumes.js";
import { formatResolvConf, podResolvConf, type NodeDNS } from "./resolv-conf.js";

export interface PodNaming {
  /**
   * Fails (CreateContainerConfigError, retried) until the Services were listed once, as kubelet;
   * waits a little for that first list, which a starting agent is usually about to receive.
   */
  serviceEnv(pod: Pod): Promise<Record<string, string>>;
  /** Writes the pod's resolv.conf; its host path. */
  resolvConf(pod: Pod): Promise<string>;
}

export interface PodNamingOptions {
  stateDir: string;
  services: () => { synced: boolean; services: Service[] };
  node: () => NodeDNS;
  /** How long to wait for the first list of Services (default 3 s). */
  syncWaitMs?: number;
}

const SYNC_POLL_MS = 100;

export function podNaming(o: PodNamingOptions): PodNaming {
  return {
    async serviceEnv(pod) {
      for (let waited = 0; !o.services().synced && waited < (o.syncWaitMs ?? 3000); waited += SYNC_POLL_MS) {
        await new Promise((r) => setTimeout(r, SYNC_POLL_MS));
      }
      const { synced, services } = o.services();
      if (!synced) throw new ConfigError("services have not yet been read at least once, cannot construct envvars");
      return serviceEnv(pod, services);
    },
    async resolvConf(pod) {
      const dir = podDir(o.stateDir, pod.metadata.uid ?? "");
      await mkdir(dir, { recursive: true });
      const path = join(dir, "resolv.conf");
      // A new file renamed into place: running containers keep the one they were started with.
      const tmp = `${path}.tmp`;
      await writeFile(tmp, formatResolvConf(podResolvConf(pod, o.node())), { mode: 0o644 });
      await rename(tmp, path);
      return path;
    },
  };
}
