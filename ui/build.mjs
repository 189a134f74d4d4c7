// Builds the dashboard (ui/src) into ui/public: the app in ui/public/ui, which wrangler serves
// as static assets at /ui (wrangler.toml [assets]), and the assets' _headers file. The output is committed, so that `wrangler dev`, `wrangler deploy`
// and the tests work on a fresh clone without a build step; test/unit/ui-build.test.ts fails
// when it is stale. Run: node ui/build.mjs
import { build } from "esbuild";
import { copyFileSync, mkdirSync, rmSync } from "node:fs";
import { dirname, join, resolve } from "node:path";
import { fileURLToPath, pathToFileURL } from "node:url";

const UI = dirname(fileURLToPath(import.meta.url));
export const OUTPUT = join(UI, "public");

/** Builds into `root` (replacing it); the same sources give the same bytes. */
export async function buildUi(root = OUTPUT) {
  rmSync(root, { recursive: true, force: true });
  const outdir = join(root, "ui");
  mkdirSync(outdir, { recursive: true });
  await build({
    entryPoints: [join(UI, "src/main.ts")],
    outfile: join(outdir, "app.js"),
    bundle: true,
    format: "esm",
    target: "es2022",
    minify: true,
    legalComments: "none",
    charset: "utf8",
    logLevel: "warning",
  });
  await build({
    entryPoints: [join(UI, "src/style.css")],
    outfile: join(outdir, "app.css"),
    bundle: true,
    minify: true,
    charset: "utf8",
    logLevel: "warning",
  });
  copyFileSync(join(UI, "src/index.html"), join(outdir, "index.html"));
  copyFileSync(join(UI, "src/_headers"), join(root, "_headers"));
  return root;
}

if (import.meta.url === pathToFileURL(resolve(process.argv[1] ?? "")).href) {
  const out = await buildUi();
  console.log(`dashboard built into ${out}`);
}
