// A CPU profile of the control plane's workerd isolate, through the DevTools inspector that
// `wrangler dev` opens (`cp.inspectorPort()`): where a benchmark's time goes inside the Worker and
// its Durable Objects. Writes a `.cpuprofile` (open it in Chrome DevTools) and prints the functions
// with the most self time.
import { writeFileSync } from "node:fs";
import WebSocket from "ws";

/**
 * Starts sampling; the returned `stop(file)` ends it, writes the profile and prints a summary.
 *
 * @example
 *   const profiler = await startCpuProfile(cp.inspectorPort());
 *   // … load …
 *   await profiler.stop("/tmp/scheduler.cpuprofile");
 */
export async function startCpuProfile(port, { intervalUs = 200 } = {}) {
  const targets = await (await fetch(`http://127.0.0.1:${port}/json`)).json();
  const target = targets.find((t) => t.webSocketDebuggerUrl);
  if (!target) throw new Error(`no inspector target on port ${port}: ${JSON.stringify(targets)}`);
  const socket = new WebSocket(target.webSocketDebuggerUrl);
  await new Promise((resolve, reject) => {
    socket.once("open", resolve);
    socket.once("error", reject);
  });
  let nextId = 1;
  const waiting = new Map();
  socket.on("message", (data) => {
    const message = JSON.parse(data.toString("utf8"));
    const pending = waiting.get(message.id);
    if (!pending) return;
    waiting.delete(message.id);
    if (message.error) pending.reject(new Error(`${pending.method}: ${message.error.message}`));
    else pending.resolve(message.result);
  });
  const send = (method, params = {}) =>
    new Promise((resolve, reject) => {
      const id = nextId++;
      waiting.set(id, { resolve, reject, method });
      socket.send(JSON.stringify({ id, method, params }));
    });

  await send("Profiler.enable");
  await send("Profiler.setSamplingInterval", { interval: intervalUs });
  await send("Profiler.start");
  return {
    async stop(file, { top = 40 } = {}) {
      const { profile } = await send("Profiler.stop");
      socket.close();
      writeFileSync(file, JSON.stringify(profile));
      console.log(`cpu profile: ${file}`);
      printSelfTime(profile, top);
    },
  };
}

/** Self time per function (summed over the call tree), largest first. */
function printSelfTime(profile, top) {
  const hits = new Map(profile.samples.map((id) => [id, 0]));
  for (const id of profile.samples) hits.set(id, hits.get(id) + 1);
  const total = profile.samples.length || 1;
  const byFunction = new Map();
  for (const node of profile.nodes) {
    const count = hits.get(node.id) ?? 0;
    if (count === 0) continue;
    const { functionName, url, lineNumber } = node.callFrame;
    const key = `${functionName || "(anonymous)"} ${url.split("/").slice(-2).join("/")}:${lineNumber + 1}`;
    byFunction.set(key, (byFunction.get(key) ?? 0) + count);
  }
  const rows = [...byFunction].sort((a, b) => b[1] - a[1]).slice(0, top);
  for (const [key, count] of rows) console.log(`${((100 * count) / total).toFixed(1).padStart(6)} %  ${key}`);
}
