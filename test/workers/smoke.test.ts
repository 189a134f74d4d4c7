import { env } from "cloudflare:workers";
import { expect, it } from "vitest";

it("reaches the store", async () => {
  const stub = env.CLUSTER.get(env.CLUSTER.idFromName("smoke"));
  expect(await stub.currentRevision()).toBe(0);
});
