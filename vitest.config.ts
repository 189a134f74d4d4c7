import { cloudflareTest } from "@cloudflare/vitest-pool-workers";
import { defineConfig } from "vitest/config";

// Three projects: pure units in Node (fast), store/registry/controllers in workerd against the
// real SQLite-backed Durable Objects, and end-to-end tests that start wrangler dev, agents and
// kubectl (one file at a time: they share ports, Docker and the machine's two cores).
export default defineConfig({
  test: {
    projects: [
      {
        test: {
          name: "unit",
          include: ["src/**/*.test.ts", "agents/**/*.test.ts", "test/unit/**/*.test.ts"],
          environment: "node",
        },
      },
      {
        plugins: [
          cloudflareTest({
            wrangler: { configPath: "./wrangler.toml" },
            main: "./src/index.ts",
            // Secrets are refused without a key (src/registry/secret-encryption.ts); a test key, never a real one.
            miniflare: { bindings: { ENCRYPTION_KEY: "dGVzdC1rZXktZm9yLXNraWZmLXdvcmtlcnMtdGVzdHM=" } },
          }),
        ],
        test: {
          name: "workers",
          include: ["test/workers/**/*.test.ts"],
          // cron-parser is CommonJS and `require`s luxon; unbundled in workerd it gets luxon's
          // ESM build and `DateTime` is undefined. Pre-bundling both fixes the interop.
          deps: { optimizer: { ssr: { enabled: true, include: ["cron-parser", "luxon"] } } },
        },
      },
      {
        test: {
          name: "e2e",
          include: ["test/e2e/**/*.test.ts"],
          environment: "node",
          fileParallelism: false,
          testTimeout: 180_000,
          hookTimeout: 180_000,
        },
      },
    ],
  },
});
