/**
 * A node's own Docker daemon, started in its network namespace through `nsenter --net=…` (not
 * `ip netns exec`, which remounts /sys and hides the cgroup mounts dockerd needs), with its own
 * data root, exec root, pid file and socket.
 */
import { execFileSync } from "node:child_process";
import { mkdirSync, readFileSync, rmSync } from "node:fs";
import { request } from "node:http";
import { join } from "node:path";
import { startProcess, type Proc } from "./processes.js";
import { sh } from "./netns.js";

export interface DockerDaemon {
  socket: string;
  /** `unix://<socket>`, for DOCKER_HOST. */
  host: string;
  proc: Proc;
  /** Runs the docker CLI against this daemon. */
  docker(args: string[], input?: Buffer | string): string;
  stop(): Promise<void>;
}

function ping(socket: string): Promise<boolean> {
  return new Promise((resolve) => {
    const req = request({ socketPath: socket, path: "/_ping", timeout: 1000 }, (res) => {
      res.resume();
      resolve(res.statusCode === 200);
    });
    req.once("error", () => resolve(false));
    req.once("timeout", () => req.destroy());
    req.end();
  });
}

/** Lazily unmounts whatever a killed daemon left mounted under `dir`, then removes it. */
export function removeTree(dir: string): void {
  const mounts = readFileSync("/proc/mounts", "utf8")
    .split("\n")
    .map((l) => l.split(" ")[1])
    .filter((m) => m && (m === dir || m.startsWith(`${dir}/`)))
    .sort((a, b) => b.length - a.length);
  for (const m of mounts) sh("umount", ["-l", m], { allowFail: true });
  rmSync(dir, { recursive: true, force: true });
}

export async function startDockerDaemon(netns: string, dir: string, options: { timeoutMs?: number } = {}): Promise<DockerDaemon> {
  for (const sub of ["data", "exec"]) mkdirSync(join(dir, sub), { recursive: true });
  const socket = join(dir, "docker.sock");
  const proc = startProcess(
    "nsenter",
    [
      `--net=/run/netns/${netns}`,
      "dockerd",
      "--data-root", join(dir, "data"),
      "--exec-root", join(dir, "exec"),
      "--pidfile", join(dir, "docker.pid"),
      "-H", `unix://${socket}`,
      "--storage-driver", "overlay2",
      // No docker0 of its own: the agent makes the pod network from the node's pod CIDR.
      "--bridge", "none",
    ],
    join(dir, "dockerd.log"),
  );
  const deadline = Date.now() + (options.timeoutMs ?? 60_000);
  while (!(await ping(socket))) {
    if (proc.exited() || Date.now() > deadline) {
      await proc.stop();
      throw new Error(`dockerd in ${netns} did not start:\n${proc.tail()}`);
    }
    await new Promise((r) => setTimeout(r, 200));
  }
  const host = `unix://${socket}`;
  return {
    socket,
    host,
    proc,
    docker: (args, input) => execFileSync("docker", args, { env: { ...process.env, DOCKER_HOST: host }, input, encoding: "utf8", maxBuffer: 1 << 26 }),
    async stop() {
      // Containers first (dockerd stops them on exit too, but waits for each one's grace).
      sh("sh", ["-c", `ids=$(DOCKER_HOST=${host} docker ps -aq); [ -z "$ids" ] || DOCKER_HOST=${host} docker rm -f $ids`], { allowFail: true });
      await proc.stop(20_000);
    },
  };
}
