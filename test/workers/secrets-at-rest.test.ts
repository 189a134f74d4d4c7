// Secrets are encrypted at rest: the raw SQLite rows of the ClusterStore never hold a value, in
// any revision, while the registry returns Secrets unchanged (get, list, watch, writes).
import { runInDurableObject } from "cloudflare:test";
import { env } from "cloudflare:workers";
import { afterAll, describe, expect, it } from "vitest";
import type { Secret } from "../../src/lib/types.js";
import { ensureSystemNamespaces } from "../../src/registry/bootstrap.js";
import { createRegistry } from "../../src/registry/registry.js";
import { namespaceDef, secretDef } from "../../src/resources/index.js";
import { freshStore, runPendingAlarms, WatchReader } from "./store-helpers.js";

const LAST_APPLIED = "kubectl.kubernetes.io/last-applied-configuration";
const b64 = (s: string) => btoa(s);
// Distinctive plaintexts, so that finding one in a row cannot be a coincidence.
const FIRST = "first-password-7f3a9c";
const SECOND = "second-password-b81e02";
const TOKEN = "api-token-55d1e6";

afterAll(runPendingAlarms);

async function rawRows(stub: ReturnType<typeof freshStore>): Promise<string[]> {
  return runInDurableObject(stub, (_instance, state) => {
    const log = state.storage.sql.exec<{ value: string }>("SELECT value FROM log").toArray();
    const current = state.storage.sql.exec<{ value: string }>("SELECT value FROM current").toArray();
    return [...log, ...current].map((r) => r.value);
  });
}

function expectNoPlaintext(rows: string[]): void {
  expect(rows.length).toBeGreaterThan(0);
  for (const row of rows) {
    for (const secret of [FIRST, SECOND, TOKEN]) {
      expect(row).not.toContain(secret);
      expect(row).not.toContain(b64(secret));
    }
    // Key names are sealed too.
    expect(row).not.toContain("api-token");
  }
}

describe("Secrets at rest", () => {
  it("keeps only ciphertext in every revision, and answers with plaintext", async () => {
    const stub = freshStore();
    const registry = createRegistry(stub, { env });
    await ensureSystemNamespaces(registry, namespaceDef);

    const manifest = { apiVersion: "v1", kind: "Secret", metadata: { name: "db" }, stringData: { password: FIRST } };
    const created = (await registry.create(secretDef, "default", {
      ...manifest,
      metadata: { name: "db", labels: { app: "db" }, annotations: { [LAST_APPLIED]: JSON.stringify(manifest) } },
    })) as Secret;
    expect(created.data).toEqual({ password: b64(FIRST) });
    expect(created.metadata.annotations?.[LAST_APPLIED]).toContain(FIRST);

    const updated = (await registry.update(secretDef, "default", "db", { ...created, data: { password: b64(SECOND) } })) as Secret;
    expect(updated.data).toEqual({ password: b64(SECOND) });
    const patched = (await registry.patch(secretDef, "default", "db", "strategic", { data: { "api-token": b64(TOKEN) } })) as Secret;
    expect(patched.data).toEqual({ password: b64(SECOND), "api-token": b64(TOKEN) });

    expect(((await registry.get(secretDef, "default", "db")) as Secret).data).toEqual(patched.data);
    const listed = await registry.list(secretDef, { namespace: "default", labelSelector: "app=db" });
    expect(listed.items.map((s) => (s as Secret).data)).toEqual([patched.data]);

    const watch = new WatchReader(await registry.watch(secretDef, { namespace: "default", resourceVersion: String(Number(created.metadata.resourceVersion) - 1) }));
    const { object: deleted } = await registry.delete(secretDef, "default", "db");
    expect((deleted as Secret).data).toEqual(patched.data);

    const events = await watch.take(4);
    await watch.cancel();
    expect(events.map((e) => e.type)).toEqual(["ADDED", "MODIFIED", "MODIFIED", "DELETED"]);
    expect(events.map((e) => (e.object as Secret).data)).toEqual([created.data, updated.data, patched.data, patched.data]);
    expect(events[0].object.metadata.annotations?.[LAST_APPLIED]).toContain(FIRST);

    // Four revisions and the tombstone, none readable.
    const rows = await rawRows(stub);
    expect(rows.filter((r) => r.includes('"kind":"Secret"')).length).toBeGreaterThanOrEqual(4);
    expectNoPlaintext(rows);

    // The store's own watch replays what it keeps: ciphertext.
    const raw = new WatchReader(await stub.watch("secrets", { namespace: "default", resourceVersion: String(Number(created.metadata.resourceVersion) - 1) }));
    const replayed = await raw.take(4);
    await raw.cancel();
    expectNoPlaintext(replayed.map((e) => JSON.stringify(e)));
  });

  it("refuses to store a Secret when no key is configured", async () => {
    const stub = freshStore();
    const withoutKey = Object.fromEntries(Object.entries(env).filter(([k]) => k !== "ENCRYPTION_KEY")) as typeof env;
    const registry = createRegistry(stub, { env: withoutKey });
    await ensureSystemNamespaces(registry, namespaceDef);
    await expect(
      registry.create(secretDef, "default", { apiVersion: "v1", kind: "Secret", metadata: { name: "plain" }, data: { a: b64(FIRST) } }),
    ).rejects.toMatchObject({ code: 500, message: expect.stringContaining("ENCRYPTION_KEY") });
    expectNoPlaintext(await rawRows(stub));
  });
});
