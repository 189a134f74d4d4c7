import { runDurableObjectAlarm, runInDurableObject } from "cloudflare:test";
import { afterEach, describe, expect, it } from "vitest";
import type { ClusterStore } from "../../src/store/cluster-store.js";
import type { WriteOp } from "../../src/store/types.js";
import { type StoreStub, WatchReader, freshStore, ok, pod, runPendingAlarms } from "./store-helpers.js";

afterEach(runPendingAlarms);

const staleContinue =
  "The provided continue parameter is too old to display a consistent list result. You can start a new list without the continue parameter, or use the continue token in this response to retrieve the remainder of the results. Continuing with the provided token results in an inconsistent list - objects that were created, modified, or deleted between the time the first chunk was returned and now may show up in the list.";

async function history(store: StoreStub) {
  let a = ok(await store.create("pods", pod("a")));
  ok(await store.create("pods", pod("b")));
  for (let i = 0; i < 3; i++) a = ok(await store.update("pods", { ...a, spec: { i } }));
  ok(await store.delete("pods", "default", "b"));
  ok(await store.create("pods", pod("c")));
  return store.currentRevision(); // 7
}

describe("compaction", () => {
  it("removes superseded rows and tombstones, then answers 410 below the compacted revision", async () => {
    const store = freshStore();
    const current = await history(store);
    expect(current).toBe(7);

    const result = await store.compact({ keepRevisions: 0, keepSeconds: 0 });
    // a@1..a@4 superseded by a@5, b@2 by its tombstone b@6, and the tombstone itself.
    expect(result).toEqual({ compactRevision: 7, deletedRows: 5 });

    const expired = new WatchReader(await store.watch("pods", { resourceVersion: "2" }));
    expect(await expired.rest()).toEqual([
      {
        type: "ERROR",
        object: { kind: "Status", apiVersion: "v1", metadata: {}, status: "Failure", message: "too old resource version: 2 (7)", reason: "Expired", code: 410 },
      },
    ]);
    expect(expired.ended).toBe(true);
    expect(await runInDurableObject(store, (instance: ClusterStore) => instance.watches.count())).toBe(0);

    expect(await store.list("pods", { resourceVersion: "2", resourceVersionMatch: "Exact" })).toEqual({
      ok: false,
      error: { reason: "Expired", message: "too old resource version: 2 (7)" },
    });
    const page = ok(await store.list("pods", { limit: 1 }));
    ok(await store.create("pods", pod("d")));
    await store.compact({ keepRevisions: 0, keepSeconds: 0 });
    expect(await store.list("pods", { continue: page.continue, limit: 1 })).toEqual({
      ok: false,
      error: { reason: "Expired", message: staleContinue },
    });
    expect(await store.changes(2)).toMatchObject({ ok: false, error: { reason: "Expired" } });

    // What remains still answers at and after the compacted revision.
    const now = ok(await store.list("pods", {}));
    expect(now.items.map((o) => `${o.metadata.name}@${o.metadata.resourceVersion}`)).toEqual(["a@5", "c@7", "d@8"]);
    const at8 = ok(await store.list("pods", { resourceVersion: "8", resourceVersionMatch: "Exact" }));
    expect(at8.items).toHaveLength(3);
    const resumed = new WatchReader(await store.watch("pods", { resourceVersion: "8" }));
    ok(await store.delete("pods", "default", "a"));
    expect((await resumed.take(1))[0]).toMatchObject({ type: "DELETED", object: { metadata: { name: "a", resourceVersion: "9" } } });
    await resumed.cancel();
  });

  it("keeps the newest revisions and the recent history, whichever is more", async () => {
    const store = freshStore();
    await history(store);
    expect((await store.compact({ keepRevisions: 0, keepSeconds: 3600 })).compactRevision).toBe(0);
    expect((await store.compact({ keepRevisions: 3, keepSeconds: 0 })).compactRevision).toBe(4);
    // Revisions written more than a second ago are old enough; the later ones are kept.
    await new Promise((r) => setTimeout(r, 1100));
    ok(await store.create("pods", pod("late")));
    expect((await store.compact({ keepRevisions: 0, keepSeconds: 1 })).compactRevision).toBe(7);
    // A watch from the compacted revision itself still gets everything after it.
    const watch = new WatchReader(await store.watch("pods", { resourceVersion: "7" }));
    expect((await watch.take(1))[0]).toMatchObject({ type: "ADDED", object: { metadata: { name: "late" } } });
    await watch.cancel();
  });

  it("runs from an alarm that only writes set", async () => {
    const store = freshStore();
    const alarm = () => runInDurableObject(store, (_: ClusterStore, state) => state.storage.getAlarm());
    await store.list("pods", {});
    expect(await alarm()).toBeNull();
    ok(await store.create("pods", pod("a")));
    expect(await alarm()).not.toBeNull();
    // Defaults keep the newest 10 000 revisions: nothing to do, and nothing left to come back for.
    expect(await runDurableObjectAlarm(store)).toBe(true);
    expect(await alarm()).toBeNull();

    // Past 10 000 revisions but all within the hour: compaction waits for the history to age.
    for (let batch = 0; batch < 21; batch++) {
      const ops: WriteOp[] = Array.from({ length: 500 }, (_, i) => ({ op: "create", resource: "configmaps", object: { metadata: { name: `cm-${batch}-${i}`, namespace: "default" } } }));
      ok(await store.transaction(ops));
    }
    expect(await runDurableObjectAlarm(store)).toBe(true);
    expect(await alarm()).not.toBeNull();
    expect((await store.compact()).compactRevision).toBe(0);
    await runInDurableObject(store, (_: ClusterStore, state) => state.storage.deleteAlarm());
  }, 30_000);
});

describe("changes", () => {
  it("pages committed changes of the named resources in revision order", async () => {
    const store = freshStore();
    const a = ok(await store.create("pods", pod("a")));
    ok(await store.create("configmaps", { metadata: { name: "cm", namespace: "default" } }));
    ok(await store.update("pods", { ...a, spec: { x: 1 } }));
    ok(await store.delete("pods", "default", "a"));
    ok(await store.create("services", { metadata: { name: "s", namespace: "default" } }));

    const all = ok(await store.changes(0));
    expect(all.events.map((e) => `${e.type} ${e.resource} ${e.object.metadata.name}@${e.object.metadata.resourceVersion}`)).toEqual([
      "ADDED pods a@1",
      "ADDED configmaps cm@2",
      "MODIFIED pods a@3",
      "DELETED pods a@4",
      "ADDED services s@5",
    ]);
    expect(all).toMatchObject({ revision: 5, more: false });

    const page = ok(await store.changes(0, { resources: ["pods", "services"], limit: 2 }));
    expect(page.events.map((e) => e.object.metadata.resourceVersion)).toEqual(["1", "3"]);
    expect(page).toMatchObject({ revision: 3, more: true });
    const rest = ok(await store.changes(page.revision, { resources: ["pods", "services"], limit: 2 }));
    expect(rest.events.map((e) => e.object.metadata.resourceVersion)).toEqual(["4", "5"]);
    const none = ok(await store.changes(5, { resources: ["pods"] }));
    expect(none).toEqual({ events: [], revision: 5, more: false });
  });
});
