import { describe, expect, it } from "vitest";
import { errors } from "../../lib/errors.js";
import type { KubeObject, Stored } from "../../lib/types.js";
import type { Registry } from "../../registry/types.js";
import type { ResourceDef } from "../../resources/types.js";
import type { Action } from "../types.js";
import { applyActions, foldEventWrites } from "./apply.js";
import { ObjectCache } from "./cache.js";

const pod = (name: string): KubeObject => ({ apiVersion: "v1", kind: "Pod", metadata: { name, namespace: "ns" } });
const create = (name: string): Action => ({ type: "create", resource: "pods", namespace: "ns", object: pod(name) });
const event = (message: string): Action => ({
  type: "event",
  involvedObject: { apiVersion: "apps/v1", kind: "ReplicaSet", metadata: { name: "rs", namespace: "ns", uid: "u" } },
  eventType: "Normal",
  reason: "SuccessfulCreate",
  message,
});

/** A registry that records calls and fails the creation of the named pods. */
function fakeRegistry(failing: string[] = []) {
  const calls: string[] = [];
  const registry = {
    async create(def: ResourceDef, _ns: string, body: KubeObject) {
      calls.push(`create ${def.plural} ${body.metadata.name}`);
      if (failing.includes(body.metadata.name ?? "")) throw errors.badRequest("no");
      return body as Stored;
    },
    async createMany(def: ResourceDef, _ns: string, bodies: KubeObject[]) {
      for (const body of bodies) calls.push(`create ${def.plural} ${body.metadata.name}`);
      return bodies.map(() => ({}));
    },
    async update(def: ResourceDef, _ns: string, name: string) {
      calls.push(`update ${def.plural} ${name}`);
      return {} as Stored;
    },
    async patch(def: ResourceDef, _ns: string, name: string) {
      calls.push(`patch ${def.plural} ${name}`);
      return {} as Stored;
    },
    async delete(def: ResourceDef, _ns: string, name: string) {
      calls.push(`delete ${def.plural} ${name}`);
      throw errors.notFound({ kind: def.plural, name });
    },
    async bindMany(bindings: { name: string; node: string }[]) {
      return bindings.map((b) => {
        calls.push(`bind ${b.name} ${b.node}`);
        return { binding: b, error: b.name === "taken" ? `pod ${b.name} is already assigned to node "n2"` : undefined };
      });
    },
  } as unknown as Registry;
  return { registry, calls };
}

const deps = (registry: Registry) => ({
  registry,
  cache: new ObjectCache(),
  defFor: (resource: string) => ({ plural: resource.split(".")[0] }) as ResourceDef,
  now: new Date("2025-01-01T00:00:00Z"),
  source: { component: "test-controller" },
});

describe("applyActions", () => {
  it("applies pod creations in slow-start batches, skipping those after a failed batch, and drops their events", async () => {
    const { registry, calls } = fakeRegistry(["p1"]);
    const actions = ["p0", "p1", "p2", "p3"].flatMap((n) => [create(n), event(`Created pod: ${n}`)]);
    const outcome = await applyActions(actions, [1, 2, 1], deps(registry));
    expect(calls.filter((c) => c.startsWith("create pods"))).toEqual(["create pods p0", "create pods p1", "create pods p2"]);
    expect(outcome.failed.map((f) => (f.action as { object: KubeObject }).object.metadata.name)).toEqual(["p1", "p3"]);
    // Two events (p0, p2) correlate into one create: the second differs only by message.
    expect(calls.filter((c) => c.startsWith("create events"))).toHaveLength(2);
  });

  it("keeps order around the batched creations and treats a delete of something gone as done", async () => {
    const { registry, calls } = fakeRegistry();
    const actions: Action[] = [
      { type: "create", resource: "controllerrevisions.apps", namespace: "ns", object: pod("rev") },
      create("a"),
      create("b"),
      { type: "delete", resource: "pods", namespace: "ns", name: "old" },
    ];
    const outcome = await applyActions(actions, [1, 1], deps(registry));
    expect(calls).toEqual(["create controllerrevisions rev", "create pods a", "create pods b", "delete pods old"]);
    expect(outcome.failed).toEqual([]);
  });

  it("writes a run of binds together; a pod bound meanwhile is a conflict, not a failure", async () => {
    const { registry, calls } = fakeRegistry();
    const bind = (name: string): Action => ({ type: "bind", namespace: "ns", name, uid: name, node: "n1" });
    const outcome = await applyActions([bind("a"), bind("taken"), bind("c")], undefined, deps(registry));
    expect(calls).toEqual(["bind a n1", "bind taken n1", "bind c n1"]);
    expect(outcome.conflicts).toHaveLength(1);
    expect(outcome.failed).toEqual([]);
  });
});

describe("foldEventWrites", () => {
  it("merges later patches into a creation in the same pass, and patches of one Event into one", () => {
    const ev = { apiVersion: "v1", kind: "Event", metadata: { name: "e1", namespace: "ns" }, count: 1 };
    const folded = foldEventWrites([
      { type: "create", resource: "events", namespace: "ns", object: ev },
      { type: "patch", resource: "events", namespace: "ns", name: "e1", patch: { count: 2 } },
      { type: "patch", resource: "events", namespace: "ns", name: "old", patch: { count: 5 } },
      { type: "patch", resource: "events", namespace: "ns", name: "old", patch: { count: 6, message: "m" } },
    ]);
    expect(folded).toEqual([
      { type: "create", resource: "events", namespace: "ns", object: { ...ev, count: 2 } },
      { type: "patch", resource: "events", namespace: "ns", name: "old", patch: { count: 6, message: "m" } },
    ]);
  });
});
