/**
 * The thin shell under `proxy-rules.ts`: reads which of our chains exist (`iptables-save`),
 * loads the rules in one atomic `iptables-restore --noflush` (touching only our chains), keeps
 * the jumps from the built-in chains in place, and can remove it all (`--cleanup-network`).
 */
import { execFile } from "node:child_process";
import { CHAIN_PREFIX, JUMPS, type Jump } from "./proxy-rules.js";

export function run(cmd: string, args: string[], input?: string): Promise<string> {
  return new Promise((resolve, reject) => {
    const child = execFile(cmd, args, { maxBuffer: 1 << 26 }, (err, stdout, stderr) => {
      if (err) reject(new Error(`${cmd} ${args.join(" ")}: ${stderr.trim() || err.message}`));
      else resolve(stdout);
    });
    if (input !== undefined) child.stdin?.end(input);
  });
}

/** Our chains in each table, from `iptables-save`. */
export async function existingChains(): Promise<{ nat: string[]; filter: string[] }> {
  const chains = async (table: string) =>
    (await run("iptables-save", ["-t", table]))
      .split("\n")
      .filter((l) => l.startsWith(`:${CHAIN_PREFIX}`))
      .map((l) => l.slice(1).split(" ")[0]);
  return { nat: await chains("nat"), filter: await chains("filter") };
}

async function hasJump(j: Jump): Promise<boolean> {
  return run("iptables", ["-w", "-t", j.table, "-C", j.chain, ...j.rule]).then(() => true, () => false);
}

/** Loads `restore`, then inserts any missing jump at the top of its built-in chain. */
export async function applyRules(restore: string): Promise<void> {
  await run("iptables-restore", ["-w", "--noflush"], restore);
  for (const j of [...JUMPS].reverse()) {
    if (!(await hasJump(j))) await run("iptables", ["-w", "-t", j.table, "-I", j.chain, "1", ...j.rule]);
  }
}

/** Removes the jumps and every chain of ours. */
export async function removeRules(): Promise<void> {
  for (const j of JUMPS) while (await hasJump(j)) await run("iptables", ["-w", "-t", j.table, "-D", j.chain, ...j.rule]);
  const existing = await existingChains();
  for (const table of ["nat", "filter"] as const) {
    const chains = existing[table];
    if (chains.length === 0) continue;
    const lines = [`*${table}`, ...chains.map((c) => `:${c} - [0:0]`), ...chains.map((c) => `-X ${c}`), "COMMIT", ""];
    await run("iptables-restore", ["-w", "--noflush"], lines.join("\n"));
  }
}
