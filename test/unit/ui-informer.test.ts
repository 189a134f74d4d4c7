// The dashboard's informer against a scripted server: list, watch, resume from the last
// resourceVersion when a watch ends, relist on 410 (as an ERROR event or as the response).
import { afterEach, expect, it, vi } from "vitest";
import type { KubeObject } from "../../src/lib/types.js";
import { Api } from "../../ui/src/api.js";
import { Informer } from "../../ui/src/informer.js";
import { kinds } from "../../ui/src/kinds.js";

const obj = (name: string, rv: string): KubeObject => ({ metadata: { name, namespace: "default", resourceVersion: rv } });
const list = (rv: string, ...items: KubeObject[]) => Response.json({ metadata: { resourceVersion: rv }, items });
const stream = (...events: unknown[]) => new Response(events.map((e) => JSON.stringify(e) + "\n").join(""));
const gone = () => Response.json({ kind: "Status", code: 410, reason: "Expired", message: "too old resource version" }, { status: 410 });

afterEach(() => vi.unstubAllGlobals());

it("lists, watches, resumes by resourceVersion and relists when the version is gone", async () => {
  const script: (() => Response)[] = [
    () => list("10", obj("a", "3")),
    () => stream({ type: "ADDED", object: obj("b", "11") }, { type: "BOOKMARK", object: { metadata: { resourceVersion: "12" } } }),
    () => stream({ type: "ERROR", object: { kind: "Status", code: 410, reason: "Expired", metadata: {} } }),
    () => list("20", obj("c", "19")),
    () => gone(),
    () => list("30", obj("d", "29")),
  ];
  const seen: { url: string; auth: string | null }[] = [];
  let done!: () => void;
  const finished = new Promise<void>((r) => (done = r));
  vi.stubGlobal("fetch", async (url: string, init: RequestInit) => {
    seen.push({ url, auth: new Headers(init.headers).get("Authorization") });
    const next = script.shift();
    if (next) return next();
    done();
    return new Promise<Response>((_, reject) => init.signal?.addEventListener("abort", () => reject(new DOMException("aborted", "AbortError"))));
  });

  const changes: string[][] = [];
  const informer = new Informer(new Api("tok"), kinds.pods, "default", () => changes.push([...informer.items.keys()]));
  informer.start();
  await finished;
  informer.stop();

  const paths = seen.map((s) => s.url);
  expect(paths[0]).toBe("/api/v1/namespaces/default/pods");
  expect(paths[1]).toMatch(/^\/api\/v1\/namespaces\/default\/pods\?watch=1&.*resourceVersion=10$/);
  expect(paths[2]).toMatch(/resourceVersion=12$/); // resumed after the bookmark
  expect(paths[3]).toBe("/api/v1/namespaces/default/pods"); // relist after the 410 event
  expect(paths[4]).toMatch(/resourceVersion=20$/);
  expect(paths[5]).toBe("/api/v1/namespaces/default/pods"); // relist after a 410 response
  expect(paths[6]).toMatch(/resourceVersion=30$/);
  expect(seen.every((s) => s.auth === "Bearer tok")).toBe(true);
  expect([...informer.items.keys()]).toEqual(["default/d"]);
  expect(changes).toContainEqual(["default/a", "default/b"]);
  expect(informer.error).toBeUndefined();
});
