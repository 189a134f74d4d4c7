import { describe, expect, it } from "vitest";
import { newNodeToken, nodeCredentialSecret, nodeCredentialUser, nodeNameOf, parseNodeToken, tokenHash } from "./node-credential.js";

describe("node tokens", () => {
  it("round-trips a node name with dots", () => {
    const raw = newNodeToken("n1.lab.example");
    expect(raw).toMatch(/^skiff-node\.n1\.lab\.example\.[A-Za-z0-9_-]{43}$/);
    expect(parseNodeToken(raw)).toEqual({ node: "n1.lab.example", raw });
  });

  it.each(["abcdef.0123456789abcdef", "skiff-node.short", "skiff-node..AAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAA", "admin-token"])(
    "refuses %s",
    (raw) => expect(parseNodeToken(raw)).toBeUndefined(),
  );

  it("is vouched for by its hash only", async () => {
    const raw = newNodeToken("n1");
    const secret = nodeCredentialSecret("n1", await tokenHash(raw), "system:bootstrap:abcdef");
    expect(secret.metadata.name).toBe("node-credential-n1");
    expect(JSON.stringify(secret)).not.toContain(raw.split(".").pop());
    expect(await nodeCredentialUser(secret, parseNodeToken(raw)!)).toEqual({ name: "system:node:n1", groups: ["system:nodes", "system:authenticated"] });
    expect(await nodeCredentialUser(secret, parseNodeToken(newNodeToken("n1"))!)).toBeUndefined();
    expect(await nodeCredentialUser({ ...secret, type: "Opaque" }, parseNodeToken(raw)!)).toBeUndefined();
  });

  it.each([
    [{ name: "system:node:n1", groups: ["system:nodes"] }, "n1"],
    [{ name: "system:node:n1", groups: ["system:authenticated"] }, undefined],
    [{ name: "admin", groups: ["system:nodes"] }, undefined],
  ])("nodeNameOf(%j) = %s", (user, expected) => expect(nodeNameOf(user)).toBe(expected));
});
