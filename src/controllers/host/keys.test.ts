import { describe, expect, it } from "vitest";
import { keyFor, parseKey } from "./keys.js";

describe("keys", () => {
  it.each([
    ["replicasets.apps", "default", "web-1"],
    ["nodes", "", "node-a"],
    ["leases.coordination.k8s.io", "kube-node-lease", "n1"],
  ])("round-trips %s/%s/%s", (resource, namespace, name) => {
    expect(parseKey(keyFor(resource, namespace, name))).toEqual({ resource, namespace, name });
  });
});
