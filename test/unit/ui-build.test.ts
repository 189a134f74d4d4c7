// The dashboard's built files are committed (wrangler serves them from ui/public); they must be
// what ui/build.mjs makes from ui/src today. (`npm run typecheck` checks ui/src.)
import { mkdtempSync, readdirSync, readFileSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join, relative } from "node:path";
import { afterAll, describe, expect, it } from "vitest";
import { buildUi, OUTPUT } from "../../ui/build.mjs";

const scratch = mkdtempSync(join(tmpdir(), "skiff-ui-"));
afterAll(() => rmSync(scratch, { recursive: true, force: true }));

function files(dir: string): string[] {
  return readdirSync(dir, { recursive: true, withFileTypes: true })
    .filter((e) => e.isFile())
    .map((e) => relative(dir, join(e.parentPath, e.name)))
    .sort();
}

describe("the dashboard build", () => {
  it("ui/public is up to date with ui/src (run `node ui/build.mjs` if not)", async () => {
    const fresh = await buildUi(join(scratch, "public"));
    expect(files(OUTPUT)).toEqual(files(fresh));
    for (const f of files(fresh)) {
      expect(readFileSync(join(OUTPUT, f), "utf8"), `${f} is stale: run node ui/build.mjs`).toBe(readFileSync(join(fresh, f), "utf8"));
    }
  });
});
