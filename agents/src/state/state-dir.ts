/**
 * What the agent keeps on disk (`--state-dir`, default /var/lib/skiff-agent), so that it can run
 * its pods without the control plane: the pods bound to it (`assignments/<uid>.json`), the
 * ConfigMaps and Secrets they reference as last read (`refs/`), and the node's pod CIDR
 * (`node.json`). Files are written atomically (write, then rename) and only root can read them.
 */
import { mkdir, readdir, readFile, rename, rm, writeFile } from "node:fs/promises";
import { join } from "node:path";
import type { ConfigMap, Pod, Secret } from "../../../src/lib/types.js";

export interface NodeState {
  podCIDR?: string;
}

/** Writes in flight per file: a later write of a file waits for the earlier, so the newest lands last. */
const writing = new Map<string, Promise<void>>();
let tmpSeq = 0;

async function writeJson(path: string, value: unknown): Promise<void> {
  const tmp = `${path}.tmp-${process.pid}-${++tmpSeq}`;
  const previous = writing.get(path) ?? Promise.resolve();
  const done = previous.then(async () => {
    await writeFile(tmp, JSON.stringify(value), { mode: 0o600 });
    await rename(tmp, path);
  });
  const settled = done.catch(() => {});
  writing.set(path, settled);
  void settled.then(() => {
    if (writing.get(path) === settled) writing.delete(path);
  });
  return done;
}

async function readJson<T>(path: string): Promise<T | undefined> {
  try {
    return JSON.parse(await readFile(path, "utf8")) as T;
  } catch (err) {
    if ((err as NodeJS.ErrnoException).code === "ENOENT") return undefined;
    throw err;
  }
}

export class StateDir {
  constructor(readonly root: string) {}

  async init(): Promise<void> {
    for (const dir of ["assignments", "refs", "pods"]) await mkdir(join(this.root, dir), { recursive: true, mode: 0o700 });
  }

  async saveAssignment(pod: Pod): Promise<void> {
    await writeJson(join(this.root, "assignments", `${pod.metadata.uid}.json`), pod);
  }

  async removeAssignment(uid: string): Promise<void> {
    await rm(join(this.root, "assignments", `${uid}.json`), { force: true });
  }

  async loadAssignments(): Promise<Pod[]> {
    const dir = join(this.root, "assignments");
    const names = (await readdir(dir)).filter((n) => n.endsWith(".json"));
    const pods = await Promise.all(names.map((n) => readJson<Pod>(join(dir, n)).catch(() => undefined)));
    return pods.filter((p): p is Pod => !!p);
  }

  private refPath(kind: "configmaps" | "secrets", namespace: string, name: string): string {
    return join(this.root, "refs", `${kind}_${namespace}_${name}.json`);
  }

  async saveRef(kind: "configmaps" | "secrets", obj: ConfigMap | Secret): Promise<void> {
    await writeJson(this.refPath(kind, obj.metadata.namespace ?? "default", obj.metadata.name ?? ""), obj);
  }

  async removeRef(kind: "configmaps" | "secrets", namespace: string, name: string): Promise<void> {
    await rm(this.refPath(kind, namespace, name), { force: true });
  }

  loadRef<T extends ConfigMap | Secret>(kind: "configmaps" | "secrets", namespace: string, name: string): Promise<T | undefined> {
    return readJson<T>(this.refPath(kind, namespace, name));
  }

  loadNode(): Promise<NodeState> {
    return readJson<NodeState>(join(this.root, "node.json")).then((s) => s ?? {});
  }

  saveNode(state: NodeState): Promise<void> {
    return writeJson(join(this.root, "node.json"), state);
  }
}
