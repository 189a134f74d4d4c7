#!/usr/bin/env node
// `npm run bench [-- bench/api.mjs … --flag value]`: runs the given benchmarks (default: every bench/*.mjs),
// one after another, each in its own Node process. Benchmarks print figures; nothing here judges them.
import { spawnSync } from "node:child_process";
import { readdirSync } from "node:fs";
import { join, relative, resolve } from "node:path";
import { REPO_ROOT } from "./lib/control-plane.mjs";

// Benchmark files are the arguments ending in .mjs; the others are passed to each of them.
const args = process.argv.slice(2);
const named = args.filter((a) => a.endsWith(".mjs"));
const passThrough = args.filter((a) => !a.endsWith(".mjs"));
const benches = named.length
  ? named.map((f) => resolve(f))
  : readdirSync(join(REPO_ROOT, "bench"))
      .filter((f) => f.endsWith(".mjs"))
      .sort()
      .map((f) => join(REPO_ROOT, "bench", f));

let failed = 0;
for (const file of benches) {
  console.log(`\n=== ${relative(REPO_ROOT, file)} ===`);
  const { status, signal } = spawnSync(process.execPath, [file, ...passThrough], { stdio: "inherit", cwd: REPO_ROOT });
  if (status !== 0) {
    failed += 1;
    console.error(`${relative(REPO_ROOT, file)} failed (exit ${status}${signal ? `, ${signal}` : ""})`);
  }
}
process.exit(failed ? 1 : 0);
