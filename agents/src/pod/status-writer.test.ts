import { afterEach, describe, expect, it, vi } from "vitest";
import type { Pod } from "../../../src/lib/types.js";
import { ApiError, UnreachableError } from "../api/client.js";
import { createLogger } from "../log.js";
import { STATUS_RETRY_MS, StatusWriter } from "./status-writer.js";
import type { PodStatus } from "./status.js";

const log = createLogger("error");
const pod = (rv: string, status: PodStatus = { phase: "Pending" }): Pod => ({ metadata: { name: "web", namespace: "default", uid: "u1", resourceVersion: rv }, status });

function fakeApi(fail: () => Error | undefined = () => undefined) {
  const calls: Array<{ verb: string; path: string; body: unknown }> = [];
  let rv = 10;
  return {
    calls,
    api: {
      async mergePatch<T>(path: string, body: unknown): Promise<T> {
        calls.push({ verb: "PATCH", path, body });
        const err = fail();
        if (err) throw err;
        return pod(String(++rv), (body as { status: PodStatus }).status) as T;
      },
      async delete(path: string, body?: unknown): Promise<unknown> {
        calls.push({ verb: "DELETE", path, body });
        return {};
      },
    },
  };
}

const flush = () => new Promise((r) => setTimeout(r, 0));

afterEach(() => vi.useRealTimers());

describe("StatusWriter", () => {
  it("writes only what differs from the server's status", async () => {
    const { api, calls } = fakeApi();
    const w = new StatusWriter(api, log);
    w.observe(pod("5", { phase: "Running" }));
    w.set(pod("5"), { phase: "Running" });
    await flush();
    expect(calls).toEqual([]);
    w.set(pod("5"), { phase: "Running", podIP: "10.244.0.2" });
    await flush();
    expect(calls).toEqual([{ verb: "PATCH", path: "/api/v1/namespaces/default/pods/web/status", body: { metadata: { uid: "u1" }, status: { phase: "Running", podIP: "10.244.0.2" } } }]);
    // The same status again: the server now has it.
    w.set(pod("5"), { phase: "Running", podIP: "10.244.0.2" });
    // A watch event older than our write does not bring the old status back.
    w.observe(pod("6", { phase: "Running" }));
    await flush();
    expect(calls).toHaveLength(1);
  });

  it("retries while the control plane is unreachable, and at once when told it is back", async () => {
    vi.useFakeTimers();
    let down = true;
    const { api, calls } = fakeApi(() => (down ? new UnreachableError("ECONNREFUSED") : undefined));
    const w = new StatusWriter(api, log);
    w.set(pod("5"), { phase: "Running" });
    await vi.advanceTimersByTimeAsync(0);
    expect(calls).toHaveLength(1);
    await vi.advanceTimersByTimeAsync(STATUS_RETRY_MS);
    expect(calls).toHaveLength(2);
    down = false;
    w.flush();
    await vi.advanceTimersByTimeAsync(0);
    expect(calls).toHaveLength(3);
    expect(w.writes).toBe(1);
  });

  it("forgets a pod the server no longer has", async () => {
    const { api, calls } = fakeApi(() => new ApiError(404, "NotFound", "pods \"web\" not found"));
    const w = new StatusWriter(api, log);
    w.set(pod("5"), { phase: "Running" });
    await flush();
    w.flush();
    await flush();
    expect(calls).toHaveLength(1);
  });

  it("finalizes a deleted pod: final status, then a zero-grace delete with a uid precondition", async () => {
    const { api, calls } = fakeApi();
    const w = new StatusWriter(api, log);
    await w.finalize(pod("7"), { phase: "Failed" });
    expect(calls.map((c) => c.verb)).toEqual(["PATCH", "DELETE"]);
    expect(calls[1].body).toEqual({ kind: "DeleteOptions", apiVersion: "v1", gracePeriodSeconds: 0, preconditions: { uid: "u1" } });
  });
});
