import { runInDurableObject } from "cloudflare:test";
import { afterEach, describe, expect, it } from "vitest";
import type { ClusterStore } from "../../src/store/cluster-store.js";
import { WatchReader, freshStore, ok, pod, runPendingAlarms, rv } from "./store-helpers.js";

afterEach(runPendingAlarms);

const summary = (events: { type: string; object: { metadata: { name?: string; resourceVersion?: string } } }[]) =>
  events.map((e) => `${e.type} ${e.object.metadata.name ?? ""}@${e.object.metadata.resourceVersion}`);

describe("watch", () => {
  it("from rv=0 starts with ADDED for what exists, then live changes", async () => {
    const store = freshStore();
    ok(await store.create("pods", pod("b")));
    ok(await store.create("pods", pod("a")));
    ok(await store.create("pods", { ...pod("x"), metadata: { name: "x", namespace: "other" } }));
    const watch = new WatchReader(await store.watch("pods", { resourceVersion: "0", namespace: "default" }));
    expect(summary(await watch.take(2))).toEqual(["ADDED a@2", "ADDED b@1"]);
    const b = (await store.get("pods", "default", "b"))!;
    ok(await store.update("pods", { ...b, spec: { changed: true } }));
    ok(await store.create("pods", { ...pod("y"), metadata: { name: "y", namespace: "other" } }));
    ok(await store.create("pods", pod("c")));
    ok(await store.delete("pods", "default", "a"));
    expect(summary(await watch.take(3))).toEqual(["MODIFIED b@4", "ADDED c@6", "DELETED a@7"]);
    await watch.cancel();
  });

  it("from N sends only later changes, in revision order, then live ones", async () => {
    const store = freshStore();
    const a = ok(await store.create("pods", pod("a")));
    const b = ok(await store.create("pods", pod("b")));
    ok(await store.update("pods", { ...a, spec: { v: 2 } }));
    ok(await store.delete("pods", "default", "b"));
    ok(await store.create("configmaps", { metadata: { name: "cm", namespace: "default" } }));
    const watch = new WatchReader(await store.watch("pods", { resourceVersion: String(rv(b)) }));
    expect(summary(await watch.take(2))).toEqual(["MODIFIED a@3", "DELETED b@4"]);
    ok(await store.create("pods", pod("c")));
    expect(summary(await watch.take(1))).toEqual(["ADDED c@6"]);
    await watch.cancel();
  });

  it("DELETED carries the last state at the deletion's revision", async () => {
    const store = freshStore();
    ok(await store.create("pods", pod("a", { app: "web" }, { status: { phase: "Running" } })));
    const watch = new WatchReader(await store.watch("pods", { resourceVersion: "1" }));
    ok(await store.delete("pods", "default", "a"));
    const [event] = await watch.take(1);
    expect(event.type).toBe("DELETED");
    expect(event.object).toMatchObject({ kind: "Pod", metadata: { name: "a", labels: { app: "web" }, resourceVersion: "2" }, status: { phase: "Running" } });
    await watch.cancel();
  });

  it("with a selector, entering is ADDED and leaving is DELETED", async () => {
    const store = freshStore();
    const a = ok(await store.create("pods", pod("a", { app: "db" })));
    const watch = new WatchReader(await store.watch("pods", { resourceVersion: "0", labelSelector: "app=web" }));
    const a2 = ok(await store.update("pods", { ...a, metadata: { ...a.metadata, labels: { app: "web" } } }));
    const a3 = ok(await store.update("pods", { ...a2, spec: { touched: 1 } }));
    ok(await store.update("pods", { ...a3, metadata: { ...a3.metadata, labels: { app: "db" } } }));
    ok(await store.create("pods", pod("b", { app: "db" })));
    ok(await store.create("pods", pod("c", { app: "web" })));
    ok(await store.delete("pods", "default", "c"));
    const events = await watch.take(5);
    expect(summary(events)).toEqual(["ADDED a@2", "MODIFIED a@3", "DELETED a@4", "ADDED c@6", "DELETED c@7"]);
    // Leaving: the state before the change (still matching), at the change's revision.
    expect(events[2].object.metadata.labels).toEqual({ app: "web" });

    // The same semantics when replaying history, with a field selector.
    const replay = new WatchReader(await store.watch("pods", { resourceVersion: "1", labelSelector: "app=web", fieldSelector: "metadata.name=a" }));
    expect(summary(await replay.take(3))).toEqual(["ADDED a@2", "MODIFIED a@3", "DELETED a@4"]);
    await watch.cancel();
    await replay.cancel();
  });

  it("sends BOOKMARKs while idle and when the timeout closes the stream", async () => {
    const store = freshStore();
    ok(await store.create("deployments.apps", { apiVersion: "apps/v1", kind: "Deployment", metadata: { name: "d", namespace: "default" } }));
    await runInDurableObject(store, (instance: ClusterStore) => {
      instance.watches.bookmarkIntervalMs = 100;
    });
    const watch = new WatchReader(await store.watch("deployments.apps", { resourceVersion: "1", allowWatchBookmarks: true, timeoutSeconds: 1 }));
    const events = await watch.rest(5000);
    expect(watch.ended).toBe(true);
    expect(events.length).toBeGreaterThanOrEqual(2);
    for (const e of events) {
      expect(e).toEqual({ type: "BOOKMARK", object: { kind: "Deployment", apiVersion: "apps/v1", metadata: { resourceVersion: "1" } } });
    }

    // Without bookmarks, the timeout just ends the stream.
    const quiet = new WatchReader(await store.watch("deployments.apps", { resourceVersion: "1", timeoutSeconds: 1 }));
    expect(await quiet.rest(5000)).toEqual([]);
  });

  it("unsubscribes when the client cancels", async () => {
    const store = freshStore();
    const watches = () => runInDurableObject(store, (instance: ClusterStore) => instance.watches.count());
    const watch = new WatchReader(await store.watch("pods", {}));
    ok(await store.create("pods", pod("a")));
    await watch.take(1);
    expect(await watches()).toBe(1);
    await watch.cancel();
    // Over RPC the store learns of the cancel when it next writes to the stream (an event or a
    // bookmark); then it unsubscribes.
    for (let i = 0; i < 20 && (await watches()) > 0; i++) {
      ok(await store.create("pods", pod(`b${i}`)));
      await new Promise((r) => setTimeout(r, 20));
    }
    expect(await watches()).toBe(0);
  });

  it("answers a bad selector with a 400 ERROR event", async () => {
    const store = freshStore();
    const watch = new WatchReader(await store.watch("pods", { labelSelector: "a in b" }));
    const events = await watch.rest();
    expect(events).toEqual([
      {
        type: "ERROR",
        object: expect.objectContaining({ kind: "Status", code: 400, reason: "BadRequest", message: "unable to parse requirement: found 'b' expected: '('" }),
      },
    ]);
  });

  it("catches up on a large history a chunk at a time, in order", async () => {
    const store = freshStore();
    const ops = Array.from({ length: 1200 }, (_, i) => ({ op: "create" as const, resource: "pods", object: pod(`p${i}`) }));
    ok(await store.transaction(ops));
    const fromZero = new WatchReader(await store.watch("pods", { resourceVersion: "0" }));
    expect((await fromZero.take(1200)).every((e) => e.type === "ADDED")).toBe(true);
    const fromOne = new WatchReader(await store.watch("pods", { resourceVersion: "1" }));
    const replayed = await fromOne.take(1199);
    expect(replayed.map((e) => Number(e.object.metadata.resourceVersion))).toEqual(Array.from({ length: 1199 }, (_, i) => i + 2));
    ok(await store.create("pods", pod("late")));
    expect(summary(await fromZero.take(1))).toEqual(["ADDED late@1201"]);
    expect(summary(await fromOne.take(1))).toEqual(["ADDED late@1201"]);
    await fromZero.cancel();
    await fromOne.cancel();
  });
});
