import { describe, expect, it } from "vitest";
import type { Secret } from "../lib/types.js";
import { bootstrapTokenSecret, bootstrapTokenUser, parseBootstrapToken } from "./bootstrap-token.js";
import { encodeData } from "./secret-data.js";

const NOW = new Date("2026-01-01T00:00:00Z");
const TOKEN = { id: "abcdef", secret: "0123456789abcdef" };
const LATER = new Date("2026-01-02T00:00:00Z");

function withData(secret: Secret, changes: Record<string, string | undefined>): Secret {
  const data = { ...secret.data };
  for (const [k, v] of Object.entries(changes)) {
    if (v === undefined) delete data[k];
    else Object.assign(data, encodeData({ [k]: v }));
  }
  return { ...secret, data };
}

describe("parseBootstrapToken", () => {
  it.each([
    ["abcdef.0123456789abcdef", TOKEN],
    ["ABCDEF.0123456789abcdef", undefined],
    ["abcde.0123456789abcdef", undefined],
    ["abcdef.0123456789abcde", undefined],
    ["abcdef0123456789abcdef", undefined],
    ["skiff-node.n1.xyz", undefined],
  ])("%s", (text, expected) => {
    expect(parseBootstrapToken(text)).toEqual(expected);
  });
});

describe("bootstrapTokenUser", () => {
  const secret = bootstrapTokenSecret(TOKEN, { expiration: LATER, description: "for n1" });

  it("builds the Secret kubeadm would", () => {
    expect(secret.metadata).toEqual({ name: "bootstrap-token-abcdef", namespace: "kube-system" });
    expect(secret.type).toBe("bootstrap.kubernetes.io/token");
    expect(atob(secret.data!.expiration)).toBe("2026-01-02T00:00:00Z");
    expect(atob(secret.data!["auth-extra-groups"])).toBe("system:bootstrappers:skiff:nodes");
  });

  it("is system:bootstrap:<id> with the bootstrappers' groups", () => {
    expect(bootstrapTokenUser(secret, TOKEN, NOW)).toEqual({
      name: "system:bootstrap:abcdef",
      groups: ["system:bootstrappers", "system:bootstrappers:skiff:nodes"],
    });
  });

  it("has no expiry when the Secret names none", () => {
    expect(bootstrapTokenUser(withData(secret, { expiration: undefined }), TOKEN, new Date("2999-01-01T00:00:00Z"))).toBeDefined();
  });

  it.each<[string, Secret, Date?]>([
    ["expired", secret, new Date("2026-01-02T00:00:00Z")],
    ["unparseable expiration", withData(secret, { expiration: "tomorrow" })],
    ["wrong secret", withData(secret, { "token-secret": "fedcba9876543210" })],
    ["token-id not matching", withData(secret, { "token-id": "zzzzzz" })],
    ["not for authentication", withData(secret, { "usage-bootstrap-authentication": "false" })],
    ["no usage", withData(secret, { "usage-bootstrap-authentication": undefined })],
    ["a bad extra group", withData(secret, { "auth-extra-groups": "system:masters" })],
    ["another type", { ...secret, type: "Opaque" }],
    ["being deleted", { ...secret, metadata: { ...secret.metadata, deletionTimestamp: "2025-12-31T00:00:00Z" } }],
  ])("vouches for nothing when %s", (_what, s, at = NOW) => {
    expect(bootstrapTokenUser(s, TOKEN, at)).toBeUndefined();
  });
});
