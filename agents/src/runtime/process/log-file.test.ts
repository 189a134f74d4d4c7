import { appendFile, mkdtemp, writeFile } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import type { Readable } from "node:stream";
import { describe, expect, it } from "vitest";
import { readLogFile, tailOffset } from "./log-file.js";

const text = (r: Readable) => new Promise<string>((resolve) => {
  let s = "";
  r.on("data", (d: Buffer) => (s += d.toString()));
  r.once("end", () => resolve(s));
});

describe("process log files", () => {
  it("finds where the last lines start", () => {
    const b = Buffer.from("a\nb\nc\n");
    expect(b.subarray(tailOffset(b, 1)).toString()).toBe("c\n");
    expect(b.subarray(tailOffset(b, 2)).toString()).toBe("b\nc\n");
    expect(b.subarray(tailOffset(b, 9)).toString()).toBe("a\nb\nc\n");
    expect(tailOffset(b, 0)).toBe(b.length);
    expect(Buffer.from("x\ny").subarray(tailOffset(Buffer.from("x\ny"), 1)).toString()).toBe("y");
  });

  it("reads the tail, and follows appends until the writer has ended", async () => {
    const path = join(await mkdtemp(join(tmpdir(), "skiff-log-")), "c.log");
    await writeFile(path, "one\ntwo\n");
    expect(await text(await readLogFile(path, { tailLines: 1, ended: async () => true }))).toBe("two\n");
    let ended = false;
    const following = text(await readLogFile(path, { follow: true, ended: async () => ended }));
    await new Promise((r) => setTimeout(r, 300));
    await appendFile(path, "three\n");
    await new Promise((r) => setTimeout(r, 300));
    ended = true;
    expect(await following).toBe("one\ntwo\nthree\n");
  });
});
