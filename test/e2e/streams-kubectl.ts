/** A kubectl started in the background for the stream tests, whose end (exit code) is awaited. */
import { spawn } from "node:child_process";
import { kubectlCommand } from "../../scripts/lib/control-plane.mjs";
import type { ControlPlane } from "./harness.js";

export interface RunningKubectl {
  output(): string;
  /** Resolves when `pattern` has been printed (stdout), or rejects if kubectl ends first. */
  waitFor(pattern: RegExp, timeoutMs?: number): Promise<void>;
  write(text: string): void;
  /** Resolves with kubectl's exit code; rejects after `timeoutMs` (a hang), killing it. */
  exited(timeoutMs?: number): Promise<number | null>;
  kill(): void;
}

/** The size of the terminal `script` gives kubectl (its own stdin is a pipe, of no size). */
export const TERMINAL = { cols: 101, rows: 31 };

/**
 * Starts kubectl; with `tty`, inside `script` (util-linux), which gives it a pseudo-terminal of
 * `TERMINAL`'s size, as a person typing `kubectl exec -it` has.
 */
export function startKubectl(cp: ControlPlane, args: string[], { tty = false } = {}): RunningKubectl {
  const { command, env } = kubectlCommand(cp);
  const quoted = [command, ...args].map((a) => `'${a.replaceAll("'", "'\\''")}'`).join(" ");
  const child = tty ? spawn("script", ["-qfec", `stty cols ${TERMINAL.cols} rows ${TERMINAL.rows}; ${quoted}`, "/dev/null"], { env, stdio: ["pipe", "pipe", "pipe"] }) : spawn(command, args, { env, stdio: ["pipe", "pipe", "pipe"] });
  let out = "";
  let err = "";
  const listeners = new Set<() => void>();
  child.stdout.setEncoding("utf8").on("data", (d: string) => {
    out += d;
    listeners.forEach((l) => l());
  });
  child.stderr.setEncoding("utf8").on("data", (d: string) => (err += d));
  const ended = new Promise<number | null>((resolve) => child.once("exit", (code) => resolve(code)));
  let done = false;
  void ended.then(() => {
    done = true;
    listeners.forEach((l) => l());
  });
  const describe = () => `kubectl ${args.join(" ")}\n--- stdout ---\n${out}\n--- stderr ---\n${err}`;
  return {
    output: () => out,
    waitFor: (pattern, timeoutMs = 30_000) =>
      new Promise((resolve, reject) => {
        const timer = setTimeout(() => finish(new Error(`no ${pattern} within ${timeoutMs} ms: ${describe()}`)), timeoutMs);
        const check = () => {
          if (pattern.test(out)) finish();
          else if (done) finish(new Error(`kubectl ended before ${pattern}: ${describe()}`));
        };
        const finish = (e?: Error) => {
          clearTimeout(timer);
          listeners.delete(check);
          if (e) reject(e);
          else resolve();
        };
        listeners.add(check);
        check();
      }),
    write: (text) => child.stdin.write(text),
    exited: (timeoutMs = 60_000) =>
      Promise.race([
        ended,
        new Promise<never>((_, reject) =>
          setTimeout(() => {
            child.kill("SIGKILL");
            reject(new Error(`kubectl still running after ${timeoutMs} ms: ${describe()}`));
          }, timeoutMs).unref(),
        ),
      ]),
    kill: () => child.kill("SIGKILL"),
  };
}
