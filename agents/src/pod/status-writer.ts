/**
 * Writes pod status to the API as kubelet's status manager does: only when it differs from
 * what the server has (the pod as last seen on the channel or returned by our own write), one
 * write at a time per pod, retried while the control plane is unreachable and flushed when the
 * channel comes back. Also the last step of a deletion: final status, then a zero-grace delete
 * with a uid precondition.
 */
import type { Pod } from "../../../src/lib/types.js";
import { deepEqual } from "../../../src/lib/json.js";
import { isNotFound, podPath, type ApiClient } from "../api/client.js";
import type { Logger } from "../log.js";
import type { PodStatus } from "./status.js";

interface Entry {
  /** The pod as the server last showed it. */
  server: Pod;
  desired?: PodStatus;
  writing: boolean;
  /** A write failed; retry when it is due or the channel reconnects. */
  retryTimer?: NodeJS.Timeout;
  /** Failed writes in a row (only the first is logged as a warning). */
  failures: number;
}

export const STATUS_RETRY_MS = 5_000;

/** Whether resourceVersion `a` is older than `b` (Skiff's are revision numbers; others compare unequal). */
function olderThan(a: string | undefined, b: string | undefined): boolean {
  if (!a || !b || !/^\d+$/.test(a) || !/^\d+$/.test(b)) return false;
  return BigInt(a) < BigInt(b);
}

export class StatusWriter {
  private readonly entries = new Map<string, Entry>();
  /** Status writes made (for /metrics). */
  writes = 0;

  constructor(
    private readonly api: Pick<ApiClient, "mergePatch" | "delete">,
    private readonly log: Logger,
  ) {}

  /** The server's current view of a pod (from the channel); older versions are ignored. */
  observe(pod: Pod): void {
    const uid = pod.metadata.uid ?? "";
    const e = this.entries.get(uid);
    if (!e) {
      this.entries.set(uid, { server: pod, writing: false, failures: 0 });
      return;
    }
    if (olderThan(pod.metadata.resourceVersion, e.server.metadata.resourceVersion)) return;
    e.server = pod;
    this.maybeWrite(uid);
  }

  set(pod: Pod, status: PodStatus): void {
    const uid = pod.metadata.uid ?? "";
    let e = this.entries.get(uid);
    if (!e) this.entries.set(uid, (e = { server: pod, writing: false, failures: 0 }));
    e.desired = status;
    this.maybeWrite(uid);
  }

  forget(uid: string): void {
    clearTimeout(this.entries.get(uid)?.retryTimer);
    this.entries.delete(uid);
  }

  /** The channel is back: write everything that is pending now. */
  flush(): void {
    for (const [uid, e] of this.entries) {
      clearTimeout(e.retryTimer);
      e.retryTimer = undefined;
      this.maybeWrite(uid);
    }
  }

  private maybeWrite(uid: string): void {
    const e = this.entries.get(uid);
    if (!e || e.writing || e.retryTimer || !e.desired) return;
    if (deepEqual(e.desired, e.server.status ?? {})) return;
    void this.write(uid, e, e.desired);
  }

  private async write(uid: string, e: Entry, status: PodStatus): Promise<void> {
    e.writing = true;
    const { namespace = "default", name = "" } = e.server.metadata;
    try {
      const updated = await this.api.mergePatch<Pod>(podPath(namespace, name, "status"), { metadata: { uid }, status });
      this.writes++;
      e.failures = 0;
      if (this.entries.get(uid) === e) e.server = updated;
      this.log.debug("pod status written", { pod: `${namespace}/${name}`, phase: status.phase });
    } catch (err) {
      if (isNotFound(err)) {
        this.entries.delete(uid);
        return;
      }
      (e.failures++ === 0 ? this.log.warn : this.log.debug)("pod status write failed; will retry", { pod: `${namespace}/${name}`, error: String(err) });
      e.retryTimer = setTimeout(() => {
        e.retryTimer = undefined;
        this.maybeWrite(uid);
      }, STATUS_RETRY_MS);
    } finally {
      e.writing = false;
    }
    if (this.entries.get(uid) === e && !e.retryTimer) this.maybeWrite(uid);
  }

  /** Final status of a deleted pod, then the zero-grace delete that removes it from the API. */
  async finalize(pod: Pod, status: PodStatus): Promise<void> {
    const uid = pod.metadata.uid ?? "";
    const { namespace = "default", name = "" } = pod.metadata;
    this.forget(uid);
    try {
      await this.api.mergePatch<Pod>(podPath(namespace, name, "status"), { metadata: { uid }, status });
      this.writes++;
      await this.api.delete(podPath(namespace, name), { kind: "DeleteOptions", apiVersion: "v1", gracePeriodSeconds: 0, preconditions: { uid } });
    } catch (err) {
      if (!isNotFound(err)) throw err;
    }
  }
}
