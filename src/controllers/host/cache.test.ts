import { describe, expect, it } from "vitest";
import type { Stored } from "../../lib/types.js";
import { ObjectCache } from "./cache.js";

describe("ObjectCache", () => {
  const obj = (ns: string, name: string, rv: string): Stored =>
    ({ metadata: { namespace: ns, name, uid: name, resourceVersion: rv, creationTimestamp: "" } }) as Stored;

  it("indexes by namespace, ignores stale changes, and forgets deleted objects", () => {
    const cache = new ObjectCache();
    cache.reset("pods", [obj("a", "p1", "1"), obj("b", "p2", "2")]);
    expect(cache.list("pods", "a").map((p) => p.metadata.name)).toEqual(["p1"]);
    expect(cache.apply("pods", "MODIFIED", obj("a", "p1", "5"))?.metadata.resourceVersion).toBe("1");
    cache.apply("pods", "MODIFIED", obj("a", "p1", "3"));
    expect(cache.get("pods", "a", "p1")?.metadata.resourceVersion).toBe("5");
    cache.apply("pods", "DELETED", obj("b", "p2", "6"));
    expect(cache.list("pods").map((p) => p.metadata.name)).toEqual(["p1"]);
    expect(cache.namespaces("pods")).toEqual(["a"]);
  });
});
