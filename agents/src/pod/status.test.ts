import { describe, expect, it } from "vitest";
import { isoSeconds } from "../clock.js";
import type { WaitingReason } from "./plan.js";
import type { ProbeResult } from "./probe-state.js";
import { computePodStatus, type StatusInput } from "./status.js";
import { T0, record, sandbox, testPod, view } from "./testing.js";

const noProbes = { readiness: () => undefined, startup: () => undefined };

function input(over: Partial<StatusInput> & Pick<StatusInput, "pod" | "view">): StatusInput {
  return { waiting: new Map(), probes: noProbes, hostIP: "10.250.0.2", podIP: over.view.sandbox?.ip, terminated: false, now: T0 + 5000, ...over };
}

const cond = (s: ReturnType<typeof computePodStatus>, type: string) => s.conditions?.find((c) => c.type === type);

describe("computePodStatus", () => {
  it("reports a running, ready pod as kubelet does", () => {
    const pod = testPod();
    const app = record(pod, "app");
    const s = computePodStatus(input({ pod, view: view(sandbox(), app) }));
    expect(s).toMatchObject({
      phase: "Running",
      hostIP: "10.250.0.2",
      hostIPs: [{ ip: "10.250.0.2" }],
      podIP: "10.244.1.5",
      podIPs: [{ ip: "10.244.1.5" }],
      startTime: isoSeconds(T0 + 5000),
      qosClass: "BestEffort",
      containerStatuses: [
        {
          name: "app",
          state: { running: { startedAt: isoSeconds(T0) } },
          lastState: {},
          ready: true,
          started: true,
          restartCount: 0,
          image: "web-app:1.0",
          imageID: "docker://sha256:abc",
          containerID: `docker://${app.id}`,
        },
      ],
    });
    expect(s.conditions?.map((c) => [c.type, c.status])).toEqual([
      ["Initialized", "True"],
      ["Ready", "True"],
      ["ContainersReady", "True"],
      ["PodScheduled", "True"],
    ]);
  });

  it("is Pending with ContainerCreating before anything runs, and says which containers are unready", () => {
    const pod = testPod();
    const s = computePodStatus(input({ pod, view: view(undefined) }));
    expect(s.phase).toBe("Pending");
    expect(s.containerStatuses?.[0].state).toEqual({ waiting: { reason: "ContainerCreating" } });
    expect(cond(s, "Ready")).toMatchObject({ status: "False", reason: "ContainersNotReady", message: "containers with unready status: [app]" });
  });

  it("shows an image error as the waiting reason", () => {
    const pod = testPod();
    const waiting = new Map<string, WaitingReason>([["app", { reason: "ErrImageNeverPull", message: 'Container image "web-app:1.0" is not present with pull policy of Never' }]]);
    const s = computePodStatus(input({ pod, view: view(sandbox()), waiting }));
    expect(s.phase).toBe("Pending");
    expect(s.containerStatuses?.[0].state?.waiting?.reason).toBe("ErrImageNeverPull");
  });

  it("shows CrashLoopBackOff with the crash as lastState, and stays Running under Always", () => {
    const pod = testPod();
    const crashed = record(pod, "app", { state: "exited", exitCode: 2, attempt: 3, finishedAt: T0 + 1000 });
    const waiting = new Map([["app", { reason: "CrashLoopBackOff", message: "back-off 40s restarting failed container=app pod=web_default(uid-1)" }]]);
    const s = computePodStatus(input({ pod, view: view(sandbox(), crashed), waiting }));
    expect(s.phase).toBe("Running");
    expect(s.containerStatuses?.[0]).toMatchObject({
      state: { waiting: { reason: "CrashLoopBackOff" } },
      lastState: { terminated: { exitCode: 2, reason: "Error", finishedAt: isoSeconds(T0 + 1000) } },
      restartCount: 3,
      ready: false,
    });
  });

  it("reports OOMKilled and the previous attempt as lastState", () => {
    const pod = testPod();
    const cur = record(pod, "app", { attempt: 1 });
    const prev = record(pod, "app", { attempt: 0, state: "exited", exitCode: 137, reason: "OOMKilled", finishedAt: T0 });
    const s = computePodStatus(input({ pod, view: view(sandbox(), cur, prev) }));
    expect(s.containerStatuses?.[0]).toMatchObject({ restartCount: 1, lastState: { terminated: { reason: "OOMKilled", exitCode: 137 } } });
  });

  it("lets readiness and startup probes decide ready and started", () => {
    const pod = testPod();
    const app = record(pod, "app");
    const probes = (readiness: ProbeResult | undefined, startup: ProbeResult | undefined) => ({ readiness: () => readiness, startup: () => startup });
    const st = (r: ProbeResult | undefined, s: ProbeResult | undefined) => computePodStatus(input({ pod, view: view(sandbox(), app), probes: probes(r, s) })).containerStatuses?.[0];
    expect(st("failure", undefined)).toMatchObject({ ready: false, started: true });
    expect(st("success", undefined)).toMatchObject({ ready: true, started: true });
    expect(st("success", "unknown")).toMatchObject({ ready: false, started: false });
  });

  it("keeps a condition's lastTransitionTime while its status holds, and other writers' conditions", () => {
    const pod = testPod({}, {
      phase: "Running",
      conditions: [
        { type: "Ready", status: "True", lastTransitionTime: "2024-12-31T00:00:00Z" },
        { type: "DisruptionTarget", status: "True", lastTransitionTime: "2024-12-31T00:00:00Z" },
      ],
    });
    const s = computePodStatus(input({ pod, view: view(sandbox(), record(pod, "app")) }));
    expect(cond(s, "Ready")?.lastTransitionTime).toBe("2024-12-31T00:00:00Z");
    expect(cond(s, "ContainersReady")?.lastTransitionTime).toBe(isoSeconds(T0 + 5000));
    expect(cond(s, "DisruptionTarget")).toBeDefined();
  });

  it("is Pending with PodInitializing while init containers run, then Initialized", () => {
    const pod = testPod({ initContainers: [{ name: "init", image: "x" }] });
    const running = computePodStatus(input({ pod, view: view(sandbox(), record(pod, "init")) }));
    expect(running.phase).toBe("Pending");
    expect(running.containerStatuses?.[0].state?.waiting?.reason).toBe("PodInitializing");
    expect(cond(running, "Initialized")).toMatchObject({ status: "False", reason: "ContainersNotInitialized", message: "containers with incomplete status: [init]" });
    const done = computePodStatus(input({ pod, view: view(sandbox(), record(pod, "init", { state: "exited", exitCode: 0 })) }));
    expect(done.initContainerStatuses?.[0]).toMatchObject({ ready: true, state: { terminated: { reason: "Completed" } } });
    expect(cond(done, "Initialized")?.status).toBe("True");
  });

  it.each([
    { policy: "Never", exitCode: 0, phase: "Succeeded" },
    { policy: "Never", exitCode: 1, phase: "Failed" },
    { policy: "OnFailure", exitCode: 0, phase: "Succeeded" },
    { policy: "OnFailure", exitCode: 1, phase: "Running" },
  ])("restartPolicy $policy with exit $exitCode is $phase", ({ policy, exitCode, phase }) => {
    const pod = testPod({ restartPolicy: policy });
    const s = computePodStatus(input({ pod, view: view(sandbox(), record(pod, "app", { state: "exited", exitCode })) }));
    expect(s.phase).toBe(phase);
  });

  it("makes a deleted pod's stopped containers terminal, and never leaves a terminal phase", () => {
    const pod = testPod();
    const stopped = record(pod, "app", { state: "exited", exitCode: 143 });
    expect(computePodStatus(input({ pod, view: view(undefined, stopped), terminated: true })).phase).toBe("Failed");
    const done = testPod({}, { phase: "Succeeded" });
    expect(computePodStatus(input({ pod: done, view: view(sandbox(), record(done, "app")) })).phase).toBe("Succeeded");
  });
});
