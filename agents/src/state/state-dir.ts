/**
 * What the agent keeps on disk (`--state-dir`, default /var/lib/skiff-agent), so that it can run
 * its pods without the control plane: the pods bound to it (`assignments/<uid>.json`), the
 * ConfigMaps and Secrets they reference as last read (`refs/`), and the node's pod CIDR
 * (`node.json`). Files are written atomically (`atomic-file.ts`) and only root can read them.
 */
import { mkdir, readdir, rm } from "node:fs/promises";
import { join } from "node:path";
import type { ConfigMap, Pod, Secret } from "../../../src/lib/types.js";
import { readJsonFile, writeFileAtomic } from "./atomic-file.js";

export interface NodeState {
  podCIDR?: string;
}

const writeJson = (path: string, value: unknown) => writeFileAtomic(path, JSON.stringify(value), 0o600);

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
    const pods = await Promise.all(names.map((n) => readJsonFile<Pod>(join(dir, n)).catch(() => undefined)));
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
    return readJsonFile<T>(this.refPath(kind, namespace, name));
  }

  loadNode(): Promise<NodeState> {
    return readJsonFile<NodeState>(join(this.root, "node.json")).then((s) => s ?? {});
  }

  saveNode(state: NodeState): Promise<void> {
    return writeJson(join(this.root, "node.json"), state);
  }
}
