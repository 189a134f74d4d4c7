/**
 * Whether this machine can run the Docker tests: root, the `docker` CLI, a daemon answering on
 * the default socket, `ip` and `nsenter`. Under `CI=true` a missing engine is a failure (the
 * test files call `requireDocker()`); elsewhere the tests skip.
 */
import { execFileSync } from "node:child_process";

function works(cmd: string, args: string[]): boolean {
  try {
    execFileSync(cmd, args, { stdio: "ignore", timeout: 10_000 });
    return true;
  } catch {
    return false;
  }
}

export function dockerProblem(): string | undefined {
  if (process.getuid?.() !== 0) return "not root";
  if (!works("docker", ["version", "--format", "{{.Server.Version}}"])) return "no Docker engine answers on the default socket (run scripts/ci-setup.sh)";
  if (!works("ip", ["netns", "list"])) return "no `ip netns`";
  if (!works("nsenter", ["--version"])) return "no nsenter";
  if (!works("busybox", ["true"])) return "no busybox (apt-get install busybox-static)";
  return undefined;
}

/** True when Docker tests can run; throws under CI when they cannot. */
export function dockerAvailable(): boolean {
  const problem = dockerProblem();
  if (problem && process.env.CI === "true") throw new Error(`Docker tests cannot run under CI: ${problem}`);
  return problem === undefined;
}
