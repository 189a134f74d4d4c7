// Bundles the agent (TypeScript, with the shared code it imports from src/lib) into one ESM
// file, agents/dist/skiff-agent.mjs, with esbuild (installed with wrangler). Node 20 cannot run
// TypeScript by itself and the project has no TS runner.
//
//   node agents/build.mjs            build
//   import { buildAgent, bundleIsStale } from "./build.mjs"
import { readdirSync, statSync } from "node:fs";
import { dirname, join, resolve } from "node:path";
import { fileURLToPath } from "node:url";

const HERE = dirname(fileURLToPath(import.meta.url));
export const ENTRY = join(HERE, "src/main.ts");
export const BUNDLE = join(HERE, "dist/skiff-agent.mjs");
const SOURCES = [join(HERE, "src"), resolve(HERE, "../src/lib")];

function newestMtime(dir) {
  let newest = 0;
  for (const entry of readdirSync(dir, { withFileTypes: true })) {
    const p = join(dir, entry.name);
    if (entry.isDirectory()) newest = Math.max(newest, newestMtime(p));
    else if (entry.name.endsWith(".ts") && !entry.name.endsWith(".test.ts")) newest = Math.max(newest, statSync(p).mtimeMs);
  }
  return newest;
}

/** Whether the bundle is missing or older than a source it is built from. */
export function bundleIsStale() {
  let built;
  try {
    built = statSync(BUNDLE).mtimeMs;
  } catch {
    return true;
  }
  return Math.max(...SOURCES.map(newestMtime), statSync(fileURLToPath(import.meta.url)).mtimeMs) > built;
}

export async function buildAgent() {
  const { build } = await import("esbuild");
  await build({
    entryPoints: [ENTRY],
    outfile: BUNDLE,
    bundle: true,
    platform: "node",
    target: "node20",
    format: "esm",
    sourcemap: "linked",
    legalComments: "none",
    logLevel: "warning",
    // ws is CommonJS and `require`s Node builtins: ESM output needs a real `require` for them.
    banner: {
      js: [
        "// skiff-agent: built by agents/build.mjs from agents/src; do not edit.",
        'import { createRequire as __skiffCreateRequire } from "node:module";',
        "const require = __skiffCreateRequire(import.meta.url);",
      ].join("\n"),
    },
  });
  return BUNDLE;
}

if (process.argv[1] && resolve(process.argv[1]) === fileURLToPath(import.meta.url)) {
  await buildAgent();
  console.log(BUNDLE);
}
