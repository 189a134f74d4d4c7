// A node agent leaves its Service rules and pod routes in place when it stops, as kube-proxy
// does (pods keep their Services across an agent restart). What runs a throwaway agent on this
// host — `npm run dev` removing its pods, the benchmarks — removes them after it, so that the next
// cluster on the same host (a test's, in its own network namespaces) starts from a clean host.
import { spawnSync } from "node:child_process";
import { join } from "node:path";
import { REPO_ROOT } from "./control-plane.mjs";

/** Runs `skiff-agent --cleanup-network` on this host; returns whether it succeeded. */
export function removeAgentNetwork() {
  const r = spawnSync(process.execPath, [join(REPO_ROOT, "agents/bin/skiff-agent.mjs"), "--cleanup-network"], { stdio: "ignore", timeout: 60_000 });
  return r.status === 0;
}
