/**
 * Long-running processes of the multi-node harness (dockerd, agents), each in its own process
 * group with its output in a log file, so that stopping one takes its children with it, and an
 * exiting test process takes them all.
 */
import { spawn, type ChildProcess } from "node:child_process";
import { closeSync, openSync, readFileSync } from "node:fs";

const live = new Set<number>();
let hooked = false;

function killGroup(pgid: number, signal: NodeJS.Signals): void {
  try {
    process.kill(-pgid, signal);
  } catch {
    // already gone
  }
}

function groupAlive(pgid: number): boolean {
  try {
    process.kill(-pgid, 0);
    return true;
  } catch (err) {
    return (err as NodeJS.ErrnoException).code === "EPERM";
  }
}

export interface Proc {
  readonly pid: number;
  readonly logPath: string;
  readonly child: ChildProcess;
  exited(): boolean;
  /** The log's last lines, for failure messages. */
  tail(lines?: number): string;
  /** SIGTERM to the group, SIGKILL after `graceMs`; resolves when the group is gone. */
  stop(graceMs?: number): Promise<void>;
  /** SIGKILL to the group at once (a crash, a power cut). */
  kill(): Promise<void>;
}

export function startProcess(command: string, args: string[], logPath: string, env: NodeJS.ProcessEnv = process.env): Proc {
  if (!hooked) {
    hooked = true;
    process.once("exit", () => {
      for (const pgid of live) killGroup(pgid, "SIGKILL");
    });
  }
  const fd = openSync(logPath, "a");
  const child = spawn(command, args, { detached: true, stdio: ["ignore", fd, fd], env });
  closeSync(fd);
  const pid = child.pid;
  if (pid === undefined) throw new Error(`cannot start ${command}`);
  live.add(pid);
  let done = false;
  child.once("exit", () => (done = true));
  const waitGone = async (deadlineMs: number) => {
    const until = Date.now() + deadlineMs;
    while (Date.now() < until && (!done || groupAlive(pid))) await new Promise((r) => setTimeout(r, 50));
    return !done || groupAlive(pid);
  };
  return {
    pid,
    logPath,
    child,
    exited: () => done,
    tail(lines = 40) {
      try {
        return readFileSync(logPath, "utf8").split("\n").slice(-lines).join("\n");
      } catch {
        return "";
      }
    },
    async stop(graceMs = 10_000) {
      killGroup(pid, "SIGTERM");
      if (await waitGone(graceMs)) {
        killGroup(pid, "SIGKILL");
        await waitGone(5_000);
      }
      live.delete(pid);
    },
    async kill() {
      killGroup(pid, "SIGKILL");
      await waitGone(5_000);
      live.delete(pid);
    },
  };
}
