// `kubectl get -w`: a change made by another kubectl while watching is printed. For a single
// object kubectl watches from resourceVersion=0 and hides the first (synthetic ADDED) event, so
// this also holds the server to sending it; for a list it watches from the list's resourceVersion.
import { beforeAll, describe, expect, it } from "vitest";
import { create, kubectlOk, objects, startKubectlWatch, useControlPlane } from "./harness.js";

const cp = useControlPlane();
const NS = "watching";
const k = (...args: string[]) => kubectlOk(cp, [...args, "-n", NS]);

beforeAll(async () => {
  await create(cp, undefined, objects.namespace(NS));
  await create(cp, NS, objects.deployment("web", "nginx:1.27"));
  await k("run", "first", "--image=nginx:1.27");
});

describe("kubectl get -w", () => {
  it("get deploy NAME -w prints the row, then the change another kubectl makes", async () => {
    const watch = startKubectlWatch(cp, ["get", "deploy", "web", "-w", "-n", NS]);
    await watch.waitForLine(/^NAME\s+READY\s+UP-TO-DATE\s+AVAILABLE\s+AGE$/);
    await watch.waitForLine(/^web\s+\d+\/1\s/);
    await watch.waitUntilWatching();
    await k("scale", "deploy", "web", "--replicas=4");
    await watch.waitForLine(/^web\s+\d+\/4\s/);
    watch.stop();
  });

  it("get pods -w prints a pod created while watching", async () => {
    const watch = startKubectlWatch(cp, ["get", "pods", "-w", "-n", NS]);
    await watch.waitForLine(/^first\s+0\/1\s+Pending\s/);
    await watch.waitUntilWatching();
    await k("run", "second", "--image=nginx:1.27");
    await watch.waitForLine(/^second\s+0\/1\s+Pending\s+0\s/);
    watch.stop();
  });

  it("--output-watch-events names each event, deletions included", async () => {
    const watch = startKubectlWatch(cp, ["get", "pods", "-w", "--output-watch-events", "-n", NS]);
    await watch.waitForLine(/^EVENT\s+NAME\s+READY\s+STATUS\s+RESTARTS\s+AGE$/);
    await watch.waitForLine(/^ADDED\s+first\s/);
    await watch.waitUntilWatching();
    await k("label", "pod", "first", "seen=yes");
    await watch.waitForLine(/^MODIFIED\s+first\s/);
    // An unbound pod is deleted at once (no node has to confirm it).
    expect((await k("delete", "pod", "first")).stdout.trim()).toBe('pod "first" deleted');
    await watch.waitForLine(/^DELETED\s+first\s/);
    watch.stop();
  });

  it("--watch-only prints only what changes after it starts", async () => {
    const watch = startKubectlWatch(cp, ["get", "pods", "--watch-only", "-n", NS]);
    await watch.waitUntilWatching();
    await k("run", "third", "--image=nginx:1.27");
    const line = await watch.waitForLine(/^third\s/);
    expect(line).toMatch(/^third\s+0\/1\s+Pending\s/);
    expect(watch.output()).not.toMatch(/^second\s/m);
    watch.stop();
  });
});
