import { describe, expect, it } from "vitest";
import type { ClusterEvent } from "./framework/interface.js";
import { SchedulingQueue } from "./queue.js";
import { makePod } from "./testing/builders.js";

const add = (q: SchedulingQueue, name: string, o: { priority?: number; created?: string } = {}, now = 0) => {
  const pod = makePod(name, o);
  q.add(pod, name, now);
  return pod;
};
const drain = (q: SchedulingQueue, now = 0) => {
  const out: string[] = [];
  for (let p = q.pop(now); p; p = q.pop(now)) out.push(p.uid);
  return out;
};
/** Only NodeResourcesFit's events help pods it rejected, as its registration says. */
const couldHelp = (event: ClusterEvent, plugins: ReadonlySet<string>) =>
  plugins.has("NodeResourcesFit") && ["NodeAdd", "NodeAllocatableUpdate", "AssignedPodDelete"].includes(event);

describe("SchedulingQueue ordering", () => {
  it("pops higher priority first, then older pods", () => {
    const q = new SchedulingQueue();
    add(q, "late-low", { priority: 0, created: "2024-01-01T00:00:03Z" });
    add(q, "early-low", { priority: 0, created: "2024-01-01T00:00:01Z" });
    add(q, "high", { priority: 1000, created: "2024-01-01T00:00:05Z" });
    add(q, "negative", { priority: -5, created: "2024-01-01T00:00:00Z" });
    expect(drain(q)).toEqual(["high", "early-low", "late-low", "negative"]);
  });

  it("forgets deleted pods and ignores duplicates", () => {
    const q = new SchedulingQueue();
    add(q, "a");
    add(q, "a");
    add(q, "b");
    q.delete("a");
    expect(drain(q)).toEqual(["b"]);
  });
});

describe("SchedulingQueue back-off", () => {
  it("doubles from 1 s to at most 10 s", () => {
    const q = new SchedulingQueue();
    expect([1, 2, 3, 4, 5, 6, 20].map((n) => q.backoffDuration(n))).toEqual([1000, 2000, 4000, 8000, 10000, 10000, 10000]);
  });

  it("holds a failed pod until its back-off is over, and says when that is", () => {
    const q = new SchedulingQueue();
    add(q, "p");
    q.pop(1000);
    q.backoff("p");
    expect(q.nextDueAt()).toBe(2000);
    expect(q.pop(1999)).toBeUndefined();
    expect(q.pop(2000)?.uid).toBe("p");
    q.backoff("p"); // second attempt: 2 s
    expect(q.nextDueAt()).toBe(4000);
  });
});

describe("SchedulingQueue unschedulable pool", () => {
  const parked = (now = 0) => {
    const q = new SchedulingQueue();
    add(q, "p", {}, now);
    q.pop(now);
    q.unschedulable("p", new Set(["NodeResourcesFit"]), now);
    return q;
  };

  it("waits for an event, not for time: only the 5-minute safety net is due", () => {
    const q = parked();
    expect(q.stateOf("p")).toBe("unschedulable");
    expect(q.nextDueAt()).toBe(300_000);
    expect(q.pop(60_000)).toBeUndefined();
  });

  it("moves on an event that could help, to active once the back-off is over", () => {
    const q = parked();
    q.recordEvent("NodeAdd");
    expect(q.applyEvents(5_000, couldHelp)).toBe(1);
    expect(q.pop(5_000)?.uid).toBe("p");
  });

  it("moves on an event within the back-off to the back-off set first", () => {
    const q = parked();
    q.recordEvent("AssignedPodDelete");
    q.applyEvents(500, couldHelp);
    expect(q.stateOf("p")).toBe("backoff");
    expect(q.nextDueAt()).toBe(1000);
    expect(q.pop(1000)?.uid).toBe("p");
  });

  it("stays on an event that cannot help", () => {
    const q = parked();
    q.recordEvent("NodeLabelUpdate");
    expect(q.applyEvents(5_000, couldHelp)).toBe(0);
    expect(q.stateOf("p")).toBe("unschedulable");
  });

  it("ignores events from before the pod was found unschedulable", () => {
    const q = new SchedulingQueue();
    add(q, "p");
    q.recordEvent("NodeAdd");
    q.pop(0);
    q.unschedulable("p", new Set(["NodeResourcesFit"]), 0);
    expect(q.applyEvents(5_000, couldHelp)).toBe(0);
  });

  it("retries after 5 minutes even without events", () => {
    const q = parked();
    expect(q.pop(300_000)?.uid).toBe("p");
  });

  it("moves when the pod's spec changes, not when only its status does", () => {
    const q = parked();
    const pod = makePod("p");
    q.update({ ...pod, status: { phase: "Pending", conditions: [{ type: "PodScheduled", status: "False" }] } }, "p", 5_000);
    expect(q.stateOf("p")).toBe("unschedulable");
    q.update({ ...pod, spec: { ...pod.spec!, tolerations: [{ operator: "Exists" }] } }, "p", 5_000);
    expect(q.stateOf("p")).toBe("active");
  });
});
