import { afterEach, describe, expect, it } from "vitest";
import type { Stored } from "../../src/lib/types.js";
import type { WriteOp } from "../../src/store/types.js";
import { freshStore, ok, pod, runPendingAlarms } from "./store-helpers.js";

afterEach(runPendingAlarms);

const names = (items: Stored[]) => items.map((o) => `${o.metadata.namespace ?? ""}/${o.metadata.name}`);

describe("list", () => {
  it("orders by (namespace, name), filters by namespace and returns the revision", async () => {
    const store = freshStore();
    for (const [ns, name] of [["b", "x"], ["a", "y"], ["a", "b"], ["c", "a"]]) {
      ok(await store.create("pods", { ...pod(name), metadata: { name, namespace: ns } }));
    }
    ok(await store.create("services", { metadata: { name: "svc", namespace: "a" } }));
    const all = ok(await store.list("pods", {}));
    expect(names(all.items)).toEqual(["a/b", "a/y", "b/x", "c/a"]);
    expect(all.resourceVersion).toBe("5");
    expect(all.continue).toBeUndefined();
    expect(names(ok(await store.list("pods", { namespace: "a" })).items)).toEqual(["a/b", "a/y"]);
    expect(ok(await store.list("deployments.apps", {}))).toEqual({ items: [], resourceVersion: "5" });
  });

  it("applies label and field selectors", async () => {
    const store = freshStore();
    ok(await store.create("pods", pod("web-1", { app: "web", tier: "fe" }, { spec: { nodeName: "n1" } })));
    ok(await store.create("pods", pod("web-2", { app: "web", tier: "be" }, { spec: { nodeName: "n2" } })));
    ok(await store.create("pods", pod("db-1", { app: "db" })));
    ok(await store.create("pods", pod("plain")));
    const q = async (labelSelector?: string, fieldSelector?: string) =>
      names(ok(await store.list("pods", { labelSelector, fieldSelector })).items).map((n) => n.split("/")[1]);
    expect(await q("app=web")).toEqual(["web-1", "web-2"]);
    expect(await q("app!=web")).toEqual(["db-1", "plain"]);
    expect(await q("app in (db,web),tier notin (be)")).toEqual(["db-1", "web-1"]);
    expect(await q("app")).toEqual(["db-1", "web-1", "web-2"]);
    expect(await q("!app")).toEqual(["plain"]);
    expect(await q(undefined, "spec.nodeName=n1")).toEqual(["web-1"]);
    expect(await q(undefined, "spec.nodeName=")).toEqual(["db-1", "plain"]);
    expect(await q(undefined, "spec.nodeName!=,metadata.name!=web-2")).toEqual(["web-1"]);
    expect(await q("app=web", "metadata.name==web-2")).toEqual(["web-2"]);
    expect(await store.list("pods", { labelSelector: "app=" + "x".repeat(64) })).toMatchObject({
      ok: false,
      error: { reason: "BadRequest", message: expect.stringContaining("unable to parse requirement") },
    });
    expect(await store.list("pods", { fieldSelector: "spec.nodeName" })).toMatchObject({
      ok: false,
      error: { reason: "BadRequest", message: "invalid selector: 'spec.nodeName'; can't understand 'spec.nodeName'" },
    });
  });

  it("lists at an exact older revision and refuses future ones", async () => {
    const store = freshStore();
    const a = ok(await store.create("pods", pod("a", { v: "1" })));
    ok(await store.create("pods", pod("b")));
    ok(await store.update("pods", { ...a, metadata: { ...a.metadata, labels: { v: "2" } } }));
    ok(await store.delete("pods", "default", "b"));
    ok(await store.create("pods", pod("c")));
    const at2 = ok(await store.list("pods", { resourceVersion: "2", resourceVersionMatch: "Exact" }));
    expect(at2.resourceVersion).toBe("2");
    expect(at2.items.map((o) => [o.metadata.name, o.metadata.labels?.v, o.metadata.resourceVersion])).toEqual([
      ["a", "1", "1"],
      ["b", undefined, "2"],
    ]);
    const at4 = ok(await store.list("pods", { resourceVersion: "4", resourceVersionMatch: "Exact", labelSelector: "v=2" }));
    expect(names(at4.items)).toEqual(["default/a"]);
    // Not older than 2: the newest state will do.
    expect(ok(await store.list("pods", { resourceVersion: "2" })).resourceVersion).toBe("5");
    expect(await store.list("pods", { resourceVersion: "99", resourceVersionMatch: "Exact" })).toMatchObject({
      ok: false,
      error: { reason: "BadRequest", message: "Too large resource version: 99, current: 5" },
    });
  });

  it("pages with limit/continue, stable under concurrent creates and deletes", async () => {
    const store = freshStore();
    const ops: WriteOp[] = Array.from({ length: 30 }, (_, i) => ({
      op: "create",
      resource: "pods",
      object: pod(`p${String(i).padStart(2, "0")}`, { even: String(i % 2 === 0) }),
    }));
    ok(await store.transaction(ops));
    const snapshot = names(ok(await store.list("pods", {})).items);

    const first = ok(await store.list("pods", { limit: 10 }));
    expect(first.items).toHaveLength(10);
    expect(first.remainingItemCount).toBe(20);
    expect(first.resourceVersion).toBe("30");
    const seen = [...first.items];
    let token = first.continue;
    let round = 0;
    while (token) {
      // Between pages: delete an unseen object, add one that sorts in the middle, touch another.
      ok(await store.delete("pods", "default", `p${String(29 - round).padStart(2, "0")}`));
      ok(await store.create("pods", pod(`p15-new-${round}`)));
      const p20 = (await store.get("pods", "default", "p20"))!;
      ok(await store.update("pods", { ...p20, metadata: { ...p20.metadata, labels: { touched: String(round) } } }));
      const page = ok(await store.list("pods", { limit: 10, continue: token }));
      expect(page.resourceVersion).toBe("30");
      seen.push(...page.items);
      token = page.continue;
      round++;
    }
    expect(names(seen)).toEqual(snapshot);
    expect(seen.find((o) => o.metadata.name === "p20")!.metadata.labels).toEqual({ even: "true" });
    expect(round).toBe(2);

    // With a selector, pages hold only matches.
    const evens: Stored[] = [];
    let next: string | undefined;
    do {
      const page = ok(await store.list("pods", { limit: 4, labelSelector: "even=true", continue: next }));
      expect(page.items.length).toBeLessThanOrEqual(4);
      evens.push(...page.items);
      next = page.continue;
    } while (next);
    expect(evens.every((o) => o.metadata.labels?.even === "true")).toBe(true);

    expect(await store.list("pods", { continue: "not-a-token" })).toMatchObject({ ok: false, error: { reason: "BadRequest" } });
  });

  it("lists 10 000 objects in pages of 500", async () => {
    const store = freshStore();
    const big = { containers: [{ name: "app", image: "registry.example.com/team/app:1.2.3", args: ["--flag=value"] }] };
    for (let batch = 0; batch < 20; batch++) {
      const ops: WriteOp[] = Array.from({ length: 500 }, (_, i) => ({
        op: "create",
        resource: "pods",
        object: pod(`pod-${String(batch * 500 + i).padStart(5, "0")}`, { app: "bulk" }, { spec: big }),
      }));
      ok(await store.transaction(ops));
    }
    let count = 0;
    let pages = 0;
    let token: string | undefined;
    do {
      const page = ok(await store.list("pods", { limit: 500, continue: token }));
      if (pages === 0) expect(page.remainingItemCount).toBe(9500);
      count += page.items.length;
      pages++;
      token = page.continue;
    } while (token);
    expect(count).toBe(10_000);
    expect(pages).toBe(20);
  }, 60_000);
});
