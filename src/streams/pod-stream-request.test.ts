import { describe, expect, it } from "vitest";
import type { Pod } from "../lib/types.js";
import { chooseContainer, execContainerId, execOptions, logContainerId, logOptions } from "./pod-stream-request.js";

const pod = (status: Pod["status"], containers = ["a"], init: string[] = []): Pod => ({
  apiVersion: "v1",
  kind: "Pod",
  metadata: { name: "x", namespace: "default" },
  spec: { containers: containers.map((name) => ({ name })), initContainers: init.map((name) => ({ name })) },
  status,
});

describe("chooseContainer", () => {
  it.each([
    [["a"], [], "", "a"],
    [["a", "b"], [], "b", "b"],
    [["a", "b"], ["i"], "i", "i"],
  ])("%j init %j asked %j → %j", (app, init, asked, want) => {
    expect(chooseContainer(pod({}, app, init), asked)).toBe(want);
  });
  it("words Kubernetes' errors", () => {
    expect(() => chooseContainer(pod({}, ["a", "b"]), "")).toThrow("a container name must be specified for pod x, choose one of: [a b]");
    expect(() => chooseContainer(pod({}, ["a", "b"], ["i"]), "")).toThrow("choose one of: [a b] or one of the init containers: [i]");
    expect(() => chooseContainer(pod({}), "c")).toThrow("container c is not valid for pod x");
  });
});

describe("logContainerId", () => {
  const running = { name: "a", image: "i", imageID: "", ready: true, restartCount: 1, containerID: "docker://cur", state: { running: {} }, lastState: { terminated: { exitCode: 1, containerID: "docker://old" } } };
  it("reads the current or the previous instance", () => {
    expect(logContainerId(pod({ containerStatuses: [running] }), "a", false)).toBe("cur");
    expect(logContainerId(pod({ containerStatuses: [running] }), "a", true)).toBe("old");
  });
  it("reads the last terminated one while the container waits in back-off", () => {
    const crashing = { ...running, containerID: undefined, state: { waiting: { reason: "CrashLoopBackOff" } } };
    expect(logContainerId(pod({ containerStatuses: [crashing] }), "a", false)).toBe("old");
  });
  it("says a container is waiting to start, or has no previous instance", () => {
    expect(() => logContainerId(pod({}), "a", false)).toThrow('container "a" in pod "x" is waiting to start: ContainerCreating');
    const fresh = { ...running, lastState: {} };
    expect(() => logContainerId(pod({ containerStatuses: [fresh] }), "a", true)).toThrow('previous terminated container "a" in pod "x" not found');
  });
  it("execs only in a running container of a running pod", () => {
    expect(execContainerId(pod({ phase: "Running", containerStatuses: [running] }), "a")).toBe("cur");
    expect(() => execContainerId(pod({ phase: "Succeeded" }), "a")).toThrow("cannot exec into a container in a completed pod; current phase is Succeeded");
  });
});

describe("options", () => {
  it("reads PodLogOptions", () => {
    expect(logOptions(new URLSearchParams("follow=true&tailLines=5&timestamps=true&limitBytes=10"))).toEqual({ follow: true, previous: false, timestamps: true, tailLines: 5, sinceSeconds: undefined, sinceTime: undefined, limitBytes: 10 });
    expect(() => logOptions(new URLSearchParams("tailLines=-1"))).toThrow(/tailLines/);
  });
  it("reads PodExecOptions; a TTY has no separate stderr", () => {
    const o = execOptions("exec", new URLSearchParams("command=sh&command=-c&stdout=true&stderr=true&tty=true"), "v5.channel.k8s.io");
    expect(o).toEqual({ command: ["sh", "-c"], stdin: false, stdout: true, stderr: false, tty: true, protocol: "v5.channel.k8s.io" });
    expect(() => execOptions("exec", new URLSearchParams("stdout=true"), "v5.channel.k8s.io")).toThrow("you must specify at least 1 command");
  });
});
