import { describe, expect, it } from "vitest";
import { ManualClock } from "../clock.js";
import { Backoff } from "./backoff.js";
import { backoffKey, planPod, type PlanInput } from "./plan.js";
import { T0, hashes, record, sandbox, testPod, view } from "./testing.js";

function input(over: Partial<PlanInput> & Pick<PlanInput, "pod" | "view">, clock = new ManualClock(T0)): PlanInput {
  return { specHashes: hashes(over.pod), backoff: new Backoff(clock), probeFailed: new Map(), now: clock.now(), ...over };
}

describe("planPod", () => {
  it("creates the sandbox and starts every app container of a new pod", () => {
    const pod = testPod({ containers: [{ name: "a", image: "x" }, { name: "b", image: "y" }] });
    const plan = planPod(input({ pod, view: view(undefined) }));
    expect(plan).toMatchObject({ createSandbox: true, start: ["a", "b"], terminal: false });
  });

  it("runs init containers one at a time, in order, before the app containers", () => {
    const pod = testPod({ initContainers: [{ name: "i1", image: "x" }, { name: "i2", image: "x" }] });
    expect(planPod(input({ pod, view: view(undefined) }))).toMatchObject({ createSandbox: true, startInit: "i1", start: [] });
    const i1running = record(pod, "i1");
    const waiting = planPod(input({ pod, view: view(sandbox(), i1running) }));
    expect([waiting.startInit, waiting.start]).toEqual([undefined, []]);
    const i1done = record(pod, "i1", { state: "exited", exitCode: 0, finishedAt: T0 });
    expect(planPod(input({ pod, view: view(sandbox(), i1done) }))).toMatchObject({ startInit: "i2", start: [] });
    const i2done = record(pod, "i2", { state: "exited", exitCode: 0, finishedAt: T0 });
    const apps = planPod(input({ pod, view: view(sandbox(), i1done, i2done) }));
    expect([apps.startInit, apps.start]).toEqual([undefined, ["app"]]);
  });

  it("fails the pod for good when an init container fails under Never", () => {
    const pod = testPod({ initContainers: [{ name: "i1", image: "x" }], restartPolicy: "Never" });
    const plan = planPod(input({ pod, view: view(sandbox(), record(pod, "i1", { state: "exited", exitCode: 1 })) }));
    expect(plan.terminal).toBe(true);
  });

  it.each([
    { policy: "Always", exitCode: 0, restart: true },
    { policy: "Always", exitCode: 1, restart: true },
    { policy: "OnFailure", exitCode: 0, restart: false },
    { policy: "OnFailure", exitCode: 1, restart: true },
    { policy: "Never", exitCode: 1, restart: false },
  ])("restartPolicy $policy, exit $exitCode → restart $restart", ({ policy, exitCode, restart }) => {
    const pod = testPod({ restartPolicy: policy });
    const plan = planPod(input({ pod, view: view(sandbox(), record(pod, "app", { state: "exited", exitCode, finishedAt: T0 })) }));
    expect(plan.start).toEqual(restart ? ["app"] : []);
    expect(plan.terminal).toBe(!restart);
  });

  it("holds a crashing container in CrashLoopBackOff and wakes when the back-off ends", () => {
    const clock = new ManualClock(T0);
    const backoff = new Backoff(clock);
    const pod = testPod();
    backoff.next(backoffKey(pod, "app"), T0); // first restart went through
    clock.advance(2000);
    const crashed = record(pod, "app", { state: "exited", exitCode: 1, attempt: 1, finishedAt: T0 + 2000 });
    const plan = planPod(input({ pod, view: view(sandbox(), crashed), backoff }, clock));
    expect(plan.start).toEqual([]);
    expect(plan.waiting.get("app")).toEqual({
      reason: "CrashLoopBackOff",
      message: "back-off 10s restarting failed container=app pod=web_default(uid-1)",
    });
    expect(plan.wakeAt).toBe(T0 + 12_000);
    clock.advance(10_000);
    expect(planPod(input({ pod, view: view(sandbox(), crashed), backoff }, clock)).start).toEqual(["app"]);
  });

  it("kills a container whose liveness probe failed, and one whose spec changed", () => {
    const pod = testPod({ containers: [{ name: "a", image: "x" }, { name: "b", image: "y:2" }] });
    const a = record(pod, "a");
    const b = record(pod, "b", { specHash: "old" });
    const plan = planPod(input({ pod, view: view(sandbox(), a, b), probeFailed: new Map([[a.id, "liveness" as const]]) }));
    expect(plan.kill).toEqual([
      { id: a.id, name: "a", message: "Container a failed liveness probe, will be restarted", restart: false },
      { id: b.id, name: "b", message: "Container b definition changed, will be restarted", restart: true },
    ]);
  });

  it("never starts a pod that has reached a terminal phase again", () => {
    const pod = testPod({ restartPolicy: "Never" }, { phase: "Succeeded" });
    expect(planPod(input({ pod, view: view(undefined) }))).toMatchObject({ terminal: true, createSandbox: false, start: [] });
  });

  it("recreates a dead sandbox and restarts the containers", () => {
    const pod = testPod();
    const plan = planPod(input({ pod, view: view(sandbox({ ready: false }), record(pod, "app", { state: "exited", exitCode: 137 })) }));
    expect(plan).toMatchObject({ createSandbox: true, start: ["app"] });
  });

  it("keeps one dead attempt per container and removes older ones and unknown names", () => {
    const pod = testPod();
    const r2 = record(pod, "app", { attempt: 2 });
    const r1 = record(pod, "app", { attempt: 1, state: "exited", exitCode: 1 });
    const r0 = record(pod, "app", { attempt: 0, state: "exited", exitCode: 1 });
    const stray = record(pod, "gone", { state: "exited", exitCode: 0 });
    expect(planPod(input({ pod, view: view(sandbox(), r2, r1, r0, stray) })).remove).toEqual([r0, stray]);
  });
});
