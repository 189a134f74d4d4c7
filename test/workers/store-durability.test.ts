import { runInDurableObject } from "cloudflare:test";
import { drizzle } from "drizzle-orm/durable-sqlite";
import { afterEach, describe, expect, it } from "vitest";
import type { ClusterStore } from "../../src/store/cluster-store.js";
import { applyMigrations } from "../../src/store/migrate.js";
import { RevisionLog } from "../../src/store/revision-log.js";
import * as schema from "../../src/store/schema.js";
import { freshStore, ok, pod, runPendingAlarms } from "./store-helpers.js";

afterEach(runPendingAlarms);

describe("durability", () => {
  it("never reissues a revision, even when compaction removed the newest row", async () => {
    const store = freshStore();
    ok(await store.create("pods", pod("a")));
    ok(await store.delete("pods", "default", "a"));
    expect(await store.compact({ keepRevisions: 0, keepSeconds: 0 })).toEqual({ compactRevision: 2, deletedRows: 2 });
    // What a restarted object would load.
    const reloaded = await runInDurableObject(store, (_: ClusterStore, state) => new RevisionLog(state.storage, drizzle(state.storage, { schema })).revision);
    expect(reloaded).toBe(2);
    expect((ok(await store.create("pods", pod("a")))).metadata.resourceVersion).toBe("3");
  });

  it("surfaces a failing migration's own SQL error and applies none of it", async () => {
    const store = freshStore();
    await store.currentRevision();
    const failure = await runInDurableObject(store, (_: ClusterStore, state) => {
      const bundle = {
        journal: { entries: [{ idx: 1, when: Date.now() + 60_000, tag: "0001_broken" }] },
        migrations: { m0001: "CREATE TABLE half (x text);--> statement-breakpoint\nCREATE TABLE log (x text);" },
      };
      try {
        applyMigrations(state.storage, bundle);
        return "applied";
      } catch (e) {
        const tables = state.storage.sql.exec<{ name: string }>("SELECT name FROM sqlite_master WHERE name = 'half'").toArray();
        return { message: (e as Error).message, half: tables.length };
      }
    });
    expect(failure).toMatchObject({ message: expect.stringMatching(/^migration 0001_broken failed: .*already exists/), half: 0 });
  });
});
