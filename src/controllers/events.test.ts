import { describe, expect, it } from "vitest";
import type { Event, KubeObject } from "../lib/types.js";
import {
  AGGREGATED_PREFIX,
  buildEvent,
  correlateEvent,
  expiredEvents,
  nextEventExpiry,
  recordEvents,
  type EventAction,
} from "./events.js";
import type { Action } from "./types.js";

const T0 = Date.parse("2025-01-01T00:00:00Z");
const at = (s: number) => new Date(T0 + s * 1000);
const job: KubeObject = { apiVersion: "batch/v1", kind: "Job", metadata: { name: "pi", namespace: "default", uid: "job-uid", resourceVersion: "12" } };
const node: KubeObject = { apiVersion: "v1", kind: "Node", metadata: { name: "n1", uid: "node-uid" } };
const source = { component: "job-controller" };
const action = (message: string, involvedObject = job, reason = "SuccessfulCreate"): EventAction => ({
  type: "event",
  involvedObject,
  eventType: "Normal",
  reason,
  message,
});

/** Stored Events, with creates and patches applied. */
function apply(store: Event[], write: Action): Event[] {
  if (write.type === "create") return [...store, write.object as Event];
  if (write.type === "patch") return store.map((e) => (e.metadata.name === write.name ? { ...e, ...(write.patch as Partial<Event>) } : e));
  return store;
}

describe("buildEvent", () => {
  it("builds a v1 Event about the object", () => {
    const event = buildEvent(action("Created pod: pi-abcde"), { component: "job-controller", host: "ctl-1" }, at(0), 3);
    expect(event).toEqual({
      apiVersion: "v1",
      kind: "Event",
      metadata: { name: `pi.${(BigInt(T0) * 1_000_000n + 3n).toString(16)}`, namespace: "default" },
      involvedObject: { kind: "Job", namespace: "default", name: "pi", uid: "job-uid", apiVersion: "batch/v1", resourceVersion: "12" },
      reason: "SuccessfulCreate",
      message: "Created pod: pi-abcde",
      type: "Normal",
      source: { component: "job-controller", host: "ctl-1" },
      reportingComponent: "job-controller",
      reportingInstance: "ctl-1",
      firstTimestamp: "2025-01-01T00:00:00Z",
      lastTimestamp: "2025-01-01T00:00:00Z",
      count: 1,
    });
  });

  it("puts events about cluster-scoped objects in default", () => {
    expect(buildEvent(action("x", node, "NodeNotReady"), source, at(0)).metadata.namespace).toBe("default");
  });
});

describe("correlateEvent", () => {
  it("aggregates repeats: same key bumps count and lastTimestamp", () => {
    let store: Event[] = [];
    for (let i = 0; i < 3; i++) store = apply(store, correlateEvent(buildEvent(action("Deleted pod: pi-x"), source, at(i * 10)), store, at(i * 10)));
    expect(store).toHaveLength(1);
    expect(store[0]).toMatchObject({ count: 3, firstTimestamp: "2025-01-01T00:00:00Z", lastTimestamp: "2025-01-01T00:00:20Z" });
  });

  it("different messages, reasons or objects are different events", () => {
    let store: Event[] = [];
    for (const a of [action("a"), action("b"), action("a", node), action("a", job, "SuccessfulDelete")]) {
      store = apply(store, correlateEvent(buildEvent(a, source, at(0)), store, at(0)));
    }
    expect(store).toHaveLength(4);
  });

  it("folds the tenth distinct message within ten minutes into a combined event", () => {
    let store: Event[] = [];
    for (let i = 0; i < 12; i++) {
      store = apply(store, correlateEvent(buildEvent(action(`Created pod: pi-${i}`), source, at(i), i), store, at(i)));
    }
    expect(store).toHaveLength(10);
    const combined = store.filter((e) => e.message?.startsWith(AGGREGATED_PREFIX));
    expect(combined).toHaveLength(1);
    expect(combined[0]).toMatchObject({ count: 3, message: `${AGGREGATED_PREFIX}Created pod: pi-11` });
  });

  it("older similar events do not count towards aggregation", () => {
    let store: Event[] = [];
    for (let i = 0; i < 9; i++) store = apply(store, correlateEvent(buildEvent(action(`m${i}`), source, at(0), i), store, at(0)));
    const late = at(11 * 60);
    const write = correlateEvent(buildEvent(action("m9"), source, late), store, late);
    expect(write.type === "create" && write.object.message).toBe("m9");
  });
});

describe("recordEvents", () => {
  it("correlates a pass's events with each other", () => {
    const writes = recordEvents([action("same"), action("same")], [], source, at(0));
    expect(writes.map((w) => w.type)).toEqual(["create", "patch"]);
    expect(writes[1]).toMatchObject({ patch: { count: 2 } });
  });
});

describe("expiredEvents", () => {
  it("deletes events last seen more than an hour ago", () => {
    const old = { ...buildEvent(action("old"), source, at(0)), metadata: { name: "pi.1", namespace: "default", uid: "e1" } };
    const fresh = { ...buildEvent(action("fresh"), source, at(1800)), metadata: { name: "pi.2", namespace: "default", uid: "e2" } };
    expect(expiredEvents([old, fresh], at(3601))).toEqual([{ type: "delete", resource: "events", namespace: "default", name: "pi.1", uid: "e1" }]);
    expect(expiredEvents([old, fresh], at(3600))).toEqual([]);
    expect(nextEventExpiry([old, fresh])).toBe(T0 + 3_600_000);
  });
});
