import { afterEach, describe, expect, it } from "vitest";
import type { KubeObject } from "../../src/lib/types.js";
import { freshStore, ok, pod, runPendingAlarms, rv } from "./store-helpers.js";

afterEach(runPendingAlarms);

describe("create / get", () => {
  it("sets uid, creationTimestamp and resourceVersion from the next revision", async () => {
    const store = freshStore();
    expect(await store.currentRevision()).toBe(0);
    const a = ok(await store.create("pods", pod("a")));
    const b = ok(await store.create("pods", pod("b")));
    expect(a.metadata.uid).toMatch(/^[0-9a-f-]{36}$/);
    expect(a.metadata.creationTimestamp).toMatch(/^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\dZ$/);
    expect(rv(a)).toBe(1);
    expect(rv(b)).toBe(2);
    expect(await store.currentRevision()).toBe(2);
    expect(await store.get("pods", "default", "a")).toEqual(a);
    expect(await store.get("pods", "default", "zzz")).toBeNull();
    expect(await store.get("services", "default", "a")).toBeNull();
    expect(await store.getMany("pods", [{ namespace: "default", name: "b" }, { namespace: "default", name: "zzz" }, { namespace: "default", name: "a" }])).toEqual([b, null, a]);
  });

  it("keeps a uid chosen by the registry and answers AlreadyExists", async () => {
    const store = freshStore();
    const a = ok(await store.create("pods", pod("a", {}, { metadata: { name: "a", namespace: "default", uid: "u-1" } })));
    expect(a.metadata.uid).toBe("u-1");
    const again = await store.create("pods", pod("a"));
    expect(again).toMatchObject({ ok: false, error: { reason: "AlreadyExists" } });
    // Same name, other namespace or resource: no clash.
    ok(await store.create("pods", { ...pod("a"), metadata: { name: "a", namespace: "other" } }));
    ok(await store.create("configmaps", { metadata: { name: "a", namespace: "default" } }));
  });

  it("generates names from generateName with Kubernetes' alphabet", async () => {
    const store = freshStore();
    const names = new Set<string>();
    for (let i = 0; i < 20; i++) {
      const p = ok(await store.create("pods", { metadata: { generateName: "web-", namespace: "default" } }));
      expect(p.metadata.name).toMatch(/^web-[bcdfghjklmnpqrstvwxz2456789]{5}$/);
      names.add(p.metadata.name);
    }
    expect(names.size).toBe(20);
    expect(await store.create("pods", { metadata: { namespace: "default" } })).toMatchObject({
      ok: false,
      error: { reason: "BadRequest" },
    });
  });
});

describe("update", () => {
  it("compares and swaps on resourceVersion, carrying uid and creationTimestamp", async () => {
    const store = freshStore();
    const a = ok(await store.create("pods", pod("a")));
    const changed = { ...a, metadata: { ...a.metadata, uid: undefined, creationTimestamp: undefined, labels: { x: "1" } } };
    const a2 = ok(await store.update("pods", changed));
    expect(rv(a2)).toBe(rv(a) + 1);
    expect(a2.metadata.uid).toBe(a.metadata.uid);
    expect(a2.metadata.creationTimestamp).toBe(a.metadata.creationTimestamp);
    expect(a2.metadata.labels).toEqual({ x: "1" });

    const stale = await store.update("pods", { ...a, metadata: { ...a.metadata, labels: { x: "2" } } });
    expect(stale).toMatchObject({ ok: false, error: { reason: "Conflict" } });
    expect(await store.update("pods", { ...a2, metadata: { ...a2.metadata, uid: "other" } })).toMatchObject({
      ok: false,
      error: { reason: "Conflict", message: expect.stringContaining("Precondition failed: UID") },
    });
    expect(await store.update("pods", { ...pod("missing"), metadata: { name: "missing", namespace: "default", resourceVersion: "1" } })).toMatchObject({
      ok: false,
      error: { reason: "NotFound" },
    });
    expect(await store.update("pods", pod("a"))).toMatchObject({ ok: false, error: { reason: "BadRequest" } });
  });

  it("writes nothing for an update that changes nothing", async () => {
    const store = freshStore();
    const a = ok(await store.create("pods", pod("a")));
    const same = ok(await store.update("pods", a));
    expect(same.metadata.resourceVersion).toBe(a.metadata.resourceVersion);
    expect(await store.currentRevision()).toBe(rv(a));
  });

  it("loses no update when many writers race with retry-on-conflict", async () => {
    const store = freshStore();
    ok(await store.create("configmaps", { metadata: { name: "counter", namespace: "default" }, data: { n: "0" } }));
    let conflicts = 0;
    const increment = async () => {
      for (;;) {
        const cur = (await store.get("configmaps", "default", "counter"))!;
        const next: KubeObject = { ...cur, data: { n: String(Number((cur.data as { n: string }).n) + 1) } };
        const result = await store.update("configmaps", next);
        if (result.ok) return;
        expect(result.error.reason).toBe("Conflict");
        conflicts++;
      }
    };
    await Promise.all(Array.from({ length: 25 }, increment));
    const final = (await store.get("configmaps", "default", "counter"))!;
    expect(final.data).toEqual({ n: "25" });
    expect(rv(final)).toBe(26);
    expect(conflicts).toBeGreaterThan(0);
  });
});

describe("delete", () => {
  it("checks preconditions and returns the last state at the deletion's revision", async () => {
    const store = freshStore();
    const a = ok(await store.create("pods", pod("a", { app: "web" })));
    expect(await store.delete("pods", "default", "a", { preconditions: { uid: "nope" } })).toMatchObject({
      ok: false,
      error: { reason: "Conflict", message: `Precondition failed: UID in precondition: nope, UID in object meta: ${a.metadata.uid}` },
    });
    expect(await store.delete("pods", "default", "a", { preconditions: { resourceVersion: "999" } })).toMatchObject({
      ok: false,
      error: { reason: "Conflict", message: `Precondition failed: ResourceVersion in precondition: 999, ResourceVersion in object meta: ${rv(a)}` },
    });
    const gone = ok(
      await store.delete("pods", "default", "a", { preconditions: { uid: a.metadata.uid, resourceVersion: a.metadata.resourceVersion } }),
    );
    expect(rv(gone)).toBe(rv(a) + 1);
    expect(gone.metadata.labels).toEqual({ app: "web" });
    expect(await store.get("pods", "default", "a")).toBeNull();
    expect(await store.delete("pods", "default", "a")).toMatchObject({ ok: false, error: { reason: "NotFound" } });
    // The name can be used again, by a new object.
    const again = ok(await store.create("pods", pod("a")));
    expect(again.metadata.uid).not.toBe(a.metadata.uid);
  });
});

describe("transaction", () => {
  it("is all or nothing and names the failing op", async () => {
    const store = freshStore();
    ok(await store.create("pods", pod("existing")));
    const before = await store.currentRevision();
    const failed = await store.transaction([
      { op: "create", resource: "pods", object: pod("t1") },
      { op: "create", resource: "pods", object: pod("t2"), claims: [{ pool: "p", value: "1" }] },
      { op: "create", resource: "pods", object: pod("existing") },
    ]);
    expect(failed).toMatchObject({ ok: false, error: { reason: "AlreadyExists", opIndex: 2 } });
    expect(await store.get("pods", "default", "t1")).toBeNull();
    expect(await store.claimed("p")).toEqual([]);
    expect(await store.currentRevision()).toBe(before);

    const done = ok(
      await store.transaction([
        { op: "create", resource: "pods", object: pod("t1") },
        { op: "update", resource: "pods", object: { ...(await store.get("pods", "default", "existing"))!, spec: { x: 1 } } },
        { op: "delete", resource: "pods", namespace: "default", name: "t1" },
      ]),
    );
    expect(done.map(rv)).toEqual([before + 1, before + 2, before + 3]);
    expect(await store.get("pods", "default", "t1")).toBeNull();
  });
});

describe("claims", () => {
  it("never hands a value out twice under concurrent creates", async () => {
    const store = freshStore();
    const pool = Array.from({ length: 8 }, (_, i) => `10.96.0.${i + 1}`);
    // Each create tries free-looking values until one sticks, as an allocator would.
    const createWithIP = async (i: number) => {
      for (let attempt = 0; attempt < 20; attempt++) {
        const taken = new Set(await store.claimed("clusterIP"));
        const free = pool.filter((v) => !taken.has(v));
        if (free.length === 0) return null;
        const ip = free[(i + attempt) % free.length];
        const result = await store.create("services", { metadata: { name: `s${i}`, namespace: "default" }, spec: { clusterIP: ip } }, [
          { pool: "clusterIP", value: ip },
        ]);
        if (result.ok) return ip;
        expect(result.error).toMatchObject({ reason: "Claimed", claim: { pool: "clusterIP", value: ip } });
      }
      return null;
    };
    const got = (await Promise.all(Array.from({ length: 50 }, (_, i) => createWithIP(i)))).filter((v) => v !== null);
    expect(got.length).toBe(pool.length);
    expect(new Set(got).size).toBe(got.length);
    expect(await store.claimed("clusterIP")).toEqual([...pool].sort());
  });

  it("claims and releases with update and releases everything on delete", async () => {
    const store = freshStore();
    const s = ok(await store.create("services", { metadata: { name: "s", namespace: "default" } }, [{ pool: "nodePort", value: "30001" }]));
    expect(await store.create("services", { metadata: { name: "t", namespace: "default" } }, [{ pool: "nodePort", value: "30001" }])).toMatchObject({
      ok: false,
      error: { reason: "Claimed" },
    });
    const s2 = ok(
      await store.update("services", { ...s, spec: { port: 2 } }, {
        claims: [{ pool: "nodePort", value: "30002" }],
        releases: [{ pool: "nodePort", value: "30001" }],
      }),
    );
    expect(await store.claimed("nodePort")).toEqual(["30002"]);
    ok(await store.update("services", { ...s2, spec: { port: 3 } }, { claims: [{ pool: "clusterIP", value: "10.0.0.1" }] }));
    ok(await store.delete("services", "default", "s"));
    expect(await store.claimed("nodePort")).toEqual([]);
    expect(await store.claimed("clusterIP")).toEqual([]);
  });
});
