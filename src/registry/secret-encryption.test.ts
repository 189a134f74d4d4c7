import { describe, expect, it } from "vitest";
import { ApiError } from "../lib/errors.js";
import type { KubeObject } from "../lib/types.js";
import { openingEvents, openSecret, parseKeyring, sealSecret, SEALED_FIELD } from "./secret-encryption.js";

const KEY_A = btoa(String.fromCharCode(...new Uint8Array(32).fill(1)));
const KEY_B = btoa(String.fromCharCode(...new Uint8Array(32).fill(2)));
const LAST_APPLIED = "kubectl.kubernetes.io/last-applied-configuration";

const secret = (): KubeObject => ({
  apiVersion: "v1",
  kind: "Secret",
  metadata: {
    name: "db",
    namespace: "default",
    uid: "1111-2222",
    labels: { app: "db" },
    annotations: { note: "keep", [LAST_APPLIED]: '{"data":{"password":"aHVudGVyMg=="}}' },
    managedFields: [{ manager: "kubectl", operation: "Update", fieldsType: "FieldsV1", fieldsV1: { "f:data": { "f:password": {} } } }],
  },
  type: "Opaque",
  data: { password: "aHVudGVyMg==" },
});

async function rejected(p: Promise<unknown>): Promise<ApiError> {
  try {
    await p;
  } catch (e) {
    if (e instanceof ApiError) return e;
    throw e;
  }
  throw new Error("expected a rejection");
}

describe("sealSecret / openSecret", () => {
  it("leaves no value in the sealed form and opens back to the same object", async () => {
    const ring = await parseKeyring(KEY_A);
    const sealed = await sealSecret(secret(), ring);
    const text = JSON.stringify(sealed);
    expect(text).not.toContain("aHVudGVyMg==");
    expect(text).not.toContain("password");
    expect(sealed.metadata.annotations).toEqual({ note: "keep" });
    expect(sealed.metadata.labels).toEqual({ app: "db" });
    expect(sealed.type).toBe("Opaque");
    expect(sealed[SEALED_FIELD]).toMatch(new RegExp(`^k8s:enc:aesgcm:v1:${ring.primary.id}:[A-Za-z0-9+/]+=*$`));
    expect(await openSecret(sealed, ring)).toEqual(secret());
  });

  it("uses a fresh IV each time", async () => {
    const ring = await parseKeyring(KEY_A);
    const [a, b] = await Promise.all([sealSecret(secret(), ring), sealSecret(secret(), ring)]);
    expect(a[SEALED_FIELD]).not.toBe(b[SEALED_FIELD]);
  });

  it("drops an annotations map that held only the sensitive annotation, and restores it", async () => {
    const s = secret();
    s.metadata.annotations = { [LAST_APPLIED]: "{}" };
    const ring = await parseKeyring(KEY_A);
    const sealed = await sealSecret(s, ring);
    expect(sealed.metadata).not.toHaveProperty("annotations");
    expect(await openSecret(sealed, ring)).toEqual(s);
  });

  it("rotates: the first key writes, every listed key reads", async () => {
    const old = await sealSecret(secret(), await parseKeyring(KEY_A));
    const rotated = await parseKeyring(`${KEY_B}, ${KEY_A}`);
    expect(await openSecret(old, rotated)).toEqual(secret());
    const fresh = await sealSecret(secret(), rotated);
    expect(String(fresh[SEALED_FIELD])).toContain(`:${rotated.primary.id}:`);
    expect((await rejected(openSecret(fresh, await parseKeyring(KEY_A)))).message).toContain("not configured");
  });

  it("binds the ciphertext to the object's uid", async () => {
    const ring = await parseKeyring(KEY_A);
    const sealed = await sealSecret(secret(), ring);
    sealed.metadata.uid = "other";
    expect((await rejected(openSecret(sealed, ring))).message).toContain("could not be decrypted");
  });

  it("passes through Secrets stored before encryption, and refuses sealed ones without a key", async () => {
    expect(await openSecret(secret(), undefined)).toEqual(secret());
    const sealed = await sealSecret(secret(), await parseKeyring(KEY_A));
    const e = await rejected(openSecret(sealed, undefined));
    expect(e.code).toBe(500);
    expect(e.message).toContain("ENCRYPTION_KEY");
  });

  it.each([
    ["", "no key given"],
    ["not base64!", "not valid base64"],
    [btoa("short"), "5 bytes long"],
  ])("rejects the key configuration %j", async (config, message) => {
    expect((await rejected(parseKeyring(config))).message).toContain(message);
  });
});

describe("openingEvents", () => {
  it("opens sealed objects in a watch stream whose lines are split across chunks", async () => {
    const ring = await parseKeyring(KEY_A);
    const sealed = await sealSecret(secret(), ring);
    const lines = [
      JSON.stringify({ type: "ADDED", object: sealed }),
      JSON.stringify({ type: "BOOKMARK", object: { kind: "Secret", apiVersion: "v1", metadata: { resourceVersion: "9" } } }),
      JSON.stringify({ type: "DELETED", object: sealed }),
    ];
    const bytes = new TextEncoder().encode(lines.join("\n") + "\n");
    const input = new ReadableStream<Uint8Array>({
      start(controller) {
        for (let i = 0; i < bytes.length; i += 7) controller.enqueue(bytes.subarray(i, i + 7));
        controller.close();
      },
    });
    const text = await new Response(input.pipeThrough(openingEvents((o) => openSecret(o, ring)))).text();
    const events = text.trim().split("\n").map((l) => JSON.parse(l) as { type: string; object: KubeObject });
    expect(events.map((e) => e.type)).toEqual(["ADDED", "BOOKMARK", "DELETED"]);
    expect(events[0].object).toEqual(secret());
    expect(events[2].object).toEqual(secret());
  });

  it("turns an object that cannot be opened into an ERROR event", async () => {
    const sealed = await sealSecret(secret(), await parseKeyring(KEY_A));
    const other = await parseKeyring(KEY_B);
    const input = new Response(JSON.stringify({ type: "ADDED", object: sealed }) + "\n").body!;
    const text = await new Response(input.pipeThrough(openingEvents((o) => openSecret(o, other)))).text();
    const event = JSON.parse(text) as { type: string; object: { code: number } };
    expect(event.type).toBe("ERROR");
    expect(event.object.code).toBe(500);
  });
});
