// The ControllerManager logs one `skiff-controllers-run {json}` line per working run; benchmarks
// start `wrangler dev` with logs on and collect those lines to report runs, store calls and time.
import { startControlPlane } from "../../scripts/lib/control-plane.mjs";

const RUN_LOG_PREFIX = "skiff-controllers-run";

/**
 * Starts a control plane whose controller runs are collected, with the local time each was seen.
 *
 * @example
 *   const { cp, runs } = await startWithControllerRuns();
 *   // … runs: [{ at, rounds, reconciles, actions, writes, storeCalls, durationMs }]
 */
export async function startWithControllerRuns(options = {}) {
  const runs = [];
  let pending = "";
  const cp = await startControlPlane({
    ...options,
    logLevel: "log",
    onOutput(chunk) {
      pending += chunk.toString("utf8");
      const lines = pending.split("\n");
      pending = lines.pop() ?? "";
      for (const line of lines) {
        const at = line.indexOf(RUN_LOG_PREFIX);
        if (at < 0) continue;
        runs.push({ at: performance.now(), ...JSON.parse(line.slice(at + RUN_LOG_PREFIX.length)) });
        if (process.env.BENCH_DEBUG) console.log("RUN", line.slice(at + RUN_LOG_PREFIX.length));
      }
    },
  });
  return { cp, runs };
}
