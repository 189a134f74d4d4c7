/**
 * What a pod's containers get from the cluster's naming when they are created: the Service
 * environment variables (from the Services the agent knows at that moment) and the pod's
 * resolv.conf, written in the pod's directory for the runtime to mount over /etc/resolv.conf.
 *
 * The variables are also kept in the pod's directory: an agent that starts without the control
 * plane (after a reboot) restarts the pods it kept on disk with the variables they had, where
 * kubelet would refuse until it has listed the Services.
 */
import { mkdir, readFile } from "node:fs/promises";
import { dirname, join } from "node:path";
import type { Pod, Service } from "../../../src/lib/types.js";
import { ConfigError } from "../pod/references.js";
import { serviceEnv } from "../pod/service-env.js";
import { podDir } from "../pod/volumes.js";
import { formatResolvConf, podResolvConf, type NodeDNS } from "./resolv-conf.js";
import { writeFileAtomic } from "../state/atomic-file.js";

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
      const path = join(podDir(o.stateDir, pod.metadata.uid ?? ""), KEPT_ENV);
      const { synced, services } = o.services();
      if (!synced) {
        const kept = await readFile(path, "utf8").then((t) => JSON.parse(t) as Record<string, string>, () => undefined);
        if (kept) return kept;
        throw new ConfigError("services have not yet been read at least once, cannot construct envvars");
      }
      const env = serviceEnv(pod, services);
      await replaceFile(path, JSON.stringify(env));
      return env;
    },
    async resolvConf(pod) {
      const path = join(podDir(o.stateDir, pod.metadata.uid ?? ""), "resolv.conf");
      await replaceFile(path, formatResolvConf(podResolvConf(pod, o.node())));
      return path;
    },
  };
}

const KEPT_ENV = "service-env.json";

/** A new file renamed into place: running containers keep the resolv.conf they were started with. */
async function replaceFile(path: string, text: string): Promise<void> {
  await mkdir(dirname(path), { recursive: true });
  await writeFileAtomic(path, text, 0o644);
}
