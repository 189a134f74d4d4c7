// A client-node informer survives its resourceVersion being compacted away: its watch restarts
// from a revision the store no longer has, gets 410 Expired, and the informer relists. The
// control plane runs with a compaction window of one revision, compacting every second.
import { CoreV1Api, KubeConfig, makeInformer, type V1ConfigMap, type V1ConfigMapList } from "@kubernetes/client-node";
import { beforeAll, describe, expect, it } from "vitest";
import type { ControlPlane } from "./harness.js";
import { eventually, useControlPlane } from "./harness.js";

const cp = useControlPlane({
  env: { COMPACT_KEEP_REVISIONS: "1", COMPACT_KEEP_SECONDS: "0", COMPACT_INTERVAL_SECONDS: "1" },
});
const NS = "relist";
const PATH = `/api/v1/namespaces/${NS}/configmaps`;

let kc: KubeConfig;
let core: CoreV1Api;

const cm = (name: string, data: Record<string, string> = {}): V1ConfigMap => ({ metadata: { name }, data });

/**
 * Whether a watch from `resourceVersion` is refused as expired: an HTTP 410, or (as the
 * apiserver does) a 200 whose first event is an ERROR carrying a 410 Status.
 */
async function watchIsExpired(target: ControlPlane, resourceVersion: string): Promise<boolean> {
  const res = await target.openRequest("GET", `${PATH}?watch=true&resourceVersion=${resourceVersion}`, {
    headers: { authorization: `Bearer ${target.token}` },
  });
  try {
    if (res.statusCode === 410) return true;
    if (res.statusCode !== 200) throw new Error(`watch answered ${res.statusCode}`);
    const firstLine = await new Promise<string | undefined>((resolveLine) => {
      let text = "";
      // No event within 3 s: the watch is alive and waiting, so not expired.
      const timer = setTimeout(() => resolveLine(undefined), 3_000);
      res.setEncoding("utf8").on("data", (chunk: string) => {
        text += chunk;
        if (text.includes("\n")) {
          clearTimeout(timer);
          resolveLine(text.slice(0, text.indexOf("\n")));
        }
      });
      res.once("end", () => {
        clearTimeout(timer);
        resolveLine(text || undefined);
      });
    });
    if (firstLine === undefined) return false;
    const first = JSON.parse(firstLine) as { type: string; object: { code?: number } };
    return first.type === "ERROR" && first.object.code === 410;
  } finally {
    res.destroy();
  }
}

beforeAll(async () => {
  kc = new KubeConfig();
  kc.loadFromFile(cp.kubeconfig);
  core = kc.makeApiClient(CoreV1Api);
  await core.createNamespace({ body: { metadata: { name: NS } } });
  for (const name of ["a", "b", "c"]) await core.createNamespacedConfigMap({ namespace: NS, body: cm(name) });
});

describe("an informer and compaction", () => {
  it("relists after a 410 and ends up with the server's objects", async () => {
    let lists = 0;
    let listedAt = "";
    const listFn = async (): Promise<V1ConfigMapList> => {
      lists += 1;
      const list = await core.listNamespacedConfigMap({ namespace: NS });
      listedAt = list.metadata?.resourceVersion ?? "";
      return list;
    };
    const informer = makeInformer(kc, PATH, listFn);
    const deleted: string[] = [];
    informer.on("delete", (obj) => deleted.push(obj.metadata?.name ?? ""));
    await informer.start();
    await eventually("the informer to list a, b, c", () => informer.list(NS).length === 3);

    // Close the informer's watch and move the store on without it. Nothing was written since its
    // list, so the informer will resume watching from the list's revision.
    await informer.stop();
    const staleRevision = listedAt;
    expect(staleRevision).toMatch(/^\d+$/);
    await core.replaceNamespacedConfigMap({ name: "a", namespace: NS, body: cm("a", { v: "2" }) });
    await core.deleteNamespacedConfigMap({ name: "b", namespace: NS });
    for (const name of ["d", "e"]) await core.createNamespacedConfigMap({ namespace: NS, body: cm(name) });
    await eventually(`compaction past revision ${staleRevision}`, () => watchIsExpired(cp, staleRevision), {
      timeoutMs: 60_000,
      intervalMs: 500,
    });

    // Restarting watches from the compacted revision: 410, then a relist.
    await informer.start();
    const server = await core.listNamespacedConfigMap({ namespace: NS });
    const expected = server.items.map((c) => `${c.metadata?.name}@${c.metadata?.resourceVersion}`).sort();
    expect(expected.map((e) => e.split("@")[0])).toEqual(["a", "c", "d", "e"]);
    try {
      await eventually("the informer's cache to equal the server's list", () => {
        const cached = informer.list(NS).map((c) => `${c.metadata?.name}@${c.metadata?.resourceVersion}`).sort();
        return JSON.stringify(cached) === JSON.stringify(expected) || undefined;
      });
      expect(lists).toBe(2);
      expect(deleted).toEqual(["b"]);
      expect(informer.get("a", NS)?.data).toEqual({ v: "2" });

      // And it keeps following changes after the relist.
      await core.createNamespacedConfigMap({ namespace: NS, body: cm("f") });
      await eventually("the informer to see f", () => informer.get("f", NS));
    } finally {
      await informer.stop();
    }
  });
});
