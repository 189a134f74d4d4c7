import { describe, expect, it } from "vitest";
import { objectEventTransform, transformWatchStream } from "./watch.js";

async function run(chunks: string[], transform = objectEventTransform({ apiVersion: "v1", kind: "Pod" })): Promise<string[]> {
  const enc = new TextEncoder();
  const source = new ReadableStream<Uint8Array>({
    start(controller) {
      for (const c of chunks) controller.enqueue(enc.encode(c));
      controller.close();
    },
  });
  const text = await new Response(source.pipeThrough(transformWatchStream(transform))).text();
  return text.split("\n").filter(Boolean);
}

describe("watch stream transform", () => {
  it("re-frames events split across chunks (including inside a UTF-8 character)", async () => {
    const line = JSON.stringify({ type: "ADDED", object: { metadata: { name: "é" } } }) + "\n";
    const bytes = new TextEncoder().encode(line + line);
    const cut = line.indexOf("é") + 1; // inside the two-byte character
    const source = new ReadableStream<Uint8Array>({
      start(c) {
        c.enqueue(bytes.slice(0, cut));
        c.enqueue(bytes.slice(cut));
        c.close();
      },
    });
    const out = await new Response(source.pipeThrough(transformWatchStream(objectEventTransform({ apiVersion: "v1", kind: "Pod" })))).text();
    const lines = out.trim().split("\n").map((l) => JSON.parse(l));
    expect(lines).toHaveLength(2);
    expect(lines[1].object).toEqual({ apiVersion: "v1", kind: "Pod", metadata: { name: "é" } });
  });

  it("handles a last line without newline and passes non-events through", async () => {
    const lines = await run(['{"type":"DELETED","object":{"metadata":{"name":"a"}}}\nnot json\n', '{"type":"MODIFIED","object":{"metadata":{}}}']);
    expect(lines).toHaveLength(3);
    expect(JSON.parse(lines[0]).object.kind).toBe("Pod");
    expect(lines[1]).toBe("not json");
    expect(JSON.parse(lines[2]).type).toBe("MODIFIED");
  });

  it("renders objects but keeps BOOKMARK and ERROR objects", async () => {
    const transform = objectEventTransform({ apiVersion: "v1", kind: "Pod", render: (o) => ({ kind: "Table", metadata: {}, name: o.metadata.name }) });
    const lines = (
      await run(
        [
          '{"type":"ADDED","object":{"metadata":{"name":"a"}}}\n',
          '{"type":"BOOKMARK","object":{"kind":"Pod","apiVersion":"v1","metadata":{"resourceVersion":"9"}}}\n',
          '{"type":"ERROR","object":{"kind":"Status","code":410}}\n',
        ],
        transform,
      )
    ).map((l) => JSON.parse(l));
    expect(lines.map((l) => l.object.kind)).toEqual(["Table", "Pod", "Status"]);
    expect(lines[0].object.name).toBe("a");
  });
});
