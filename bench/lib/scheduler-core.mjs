// The scheduling algorithm alone: src/scheduler bundled by esbuild and run in this Node process
// on the same nodes and pods a scenario sends to `wrangler dev`, binding what each run returns.
// It is the baseline of bench/scheduler: what the scheduler itself can do, without the API, the
// store or the controller host sharing its thread.
import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { pathToFileURL } from "node:url";
import { REPO_ROOT } from "../../scripts/lib/control-plane.mjs";

async function loadScheduler() {
  const { build } = await import("esbuild");
  const dir = mkdtempSync(join(tmpdir(), "skiff-sched-core-"));
  const outfile = join(dir, "scheduler.mjs");
  await build({ entryPoints: [join(REPO_ROOT, "src/scheduler/scheduler.ts")], outfile, bundle: true, platform: "node", format: "esm", logLevel: "warning" });
  try {
    return (await import(pathToFileURL(outfile).href)).Scheduler;
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
}

/**
 * Schedules `pods` onto `nodes` (API objects as the bench creates them; pods with a nodeName are
 * already bound) and returns pods/s.
 *
 * @example
 *   const { podsPerSec } = await scheduleInProcess(nodes, pods);
 */
export async function scheduleInProcess(nodes, pods) {
  const Scheduler = await loadScheduler();
  const stamp = new Date().toISOString();
  const stored = (o, i, kind) => ({ ...o, metadata: { ...o.metadata, uid: `${kind}-${i}`, resourceVersion: String(i + 1), creationTimestamp: stamp, namespace: o.metadata.namespace } });
  const cluster = {
    nodes: nodes.map((n, i) => stored(n, i, "node")),
    pods: pods.map((p, i) => ({ ...stored(p, i, "pod"), metadata: { ...stored(p, i, "pod").metadata, namespace: "bench" }, spec: { schedulerName: "default-scheduler", ...p.spec }, status: { phase: "Pending" } })),
    namespaces: [],
  };
  const scheduler = new Scheduler();
  const started = performance.now();
  const unbound = pods.filter((p) => !p.spec?.nodeName).length;
  let bound = 0;
  let revision = pods.length + 1;
  for (let run = 0; bound < unbound && run < 1000; run++) {
    const { bindings } = scheduler.run(cluster, Date.now());
    const nodeOf = new Map(bindings.map((b) => [b.uid, b.node]));
    // As the store would: the bound pods come back with spec.nodeName and a new revision.
    cluster.pods = cluster.pods.map((p) => (nodeOf.has(p.metadata.uid) ? { ...p, metadata: { ...p.metadata, resourceVersion: String(++revision) }, spec: { ...p.spec, nodeName: nodeOf.get(p.metadata.uid) } } : p));
    bound += bindings.length;
  }
  return { bound, podsPerSec: bound / ((performance.now() - started) / 1000) };
}
