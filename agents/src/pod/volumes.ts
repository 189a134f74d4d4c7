/**
 * A pod's volumes on the host, under `<state-dir>/pods/<uid>/volumes/<name>`: `emptyDir` is a
 * directory shared by the pod's containers; `configMap` and `secret` are directories of files
 * (one per key or per listed item, with their modes), rewritten at each container start so they
 * follow the object; `hostPath` is the host's path. Other volume types are refused with a
 * message, as a failed mount.
 */
import { chmod, mkdir, readdir, rm } from "node:fs/promises";
import { dirname, join, normalize } from "node:path";
import type { Pod } from "../../../src/lib/types.js";
import type { ReferenceSource } from "./references.js";
import { writeFileAtomic } from "../state/atomic-file.js";

/** A volume that cannot be set up: kubelet's `FailedMount`; the container waits in ContainerCreating. */
export class MountError extends Error {
  constructor(message: string) {
    super(message);
    this.name = "MountError";
  }
}

type Volume = NonNullable<NonNullable<Pod["spec"]>["volumes"]>[number];
type KeyToPath = { key: string; path: string; mode?: number };

export function podDir(stateDir: string, uid: string): string {
  return join(stateDir, "pods", uid);
}

async function listFiles(dir: string, prefix = ""): Promise<string[]> {
  const out: string[] = [];
  for (const e of await readdir(join(dir, prefix), { withFileTypes: true }).catch(() => [])) {
    const rel = prefix ? `${prefix}/${e.name}` : e.name;
    if (e.isDirectory()) out.push(...(await listFiles(dir, rel)));
    else out.push(rel);
  }
  return out;
}

/**
 * Writes the files in place (each one atomically, by rename) and removes files no longer
 * wanted. The directory itself is kept: running containers have it bind-mounted, and a new
 * directory in its place would not be what they see.
 */
async function writeFiles(dir: string, files: Map<string, { content: Buffer; mode: number }>): Promise<void> {
  await mkdir(dir, { recursive: true });
  for (const [path, f] of files) {
    const target = normalize(join(dir, path));
    if (!target.startsWith(dir + "/")) throw new MountError(`invalid path ${path}`);
    await mkdir(dirname(target), { recursive: true });
    await writeFileAtomic(target, f.content, f.mode);
  }
  const wanted = new Set([...files.keys()].map((p) => normalize(p)));
  for (const existing of await listFiles(dir)) if (!wanted.has(existing)) await rm(join(dir, existing), { force: true });
}

function selectFiles(
  data: Record<string, Buffer>,
  items: KeyToPath[] | undefined,
  defaultMode: number,
  describe: string,
  optional: boolean,
): Map<string, { content: Buffer; mode: number }> {
  const files = new Map<string, { content: Buffer; mode: number }>();
  if (!items || items.length === 0) {
    for (const [k, v] of Object.entries(data)) files.set(k, { content: v, mode: defaultMode });
    return files;
  }
  for (const item of items) {
    const content = data[item.key];
    if (content === undefined) {
      if (optional) continue;
      throw new MountError(`configmap references non-existent config key: ${item.key} (${describe})`);
    }
    files.set(item.path, { content, mode: item.mode ?? defaultMode });
  }
  return files;
}

async function setUp(v: Volume, dir: string, pod: Pod, refs: ReferenceSource): Promise<string> {
  const ns = pod.metadata.namespace ?? "default";
  const failed = (msg: string) => new MountError(`MountVolume.SetUp failed for volume "${v.name}" : ${msg}`);
  if (v.emptyDir) {
    await mkdir(dir, { recursive: true, mode: 0o777 });
    await chmod(dir, 0o777);
    return dir;
  }
  if (v.hostPath) {
    if (v.hostPath.type === "DirectoryOrCreate") await mkdir(v.hostPath.path, { recursive: true });
    return v.hostPath.path;
  }
  if (v.configMap) {
    const src = v.configMap;
    const cm = await refs.configMap(ns, src.name ?? "");
    if (!cm && !src.optional) throw failed(`configmap "${src.name}" not found`);
    const data: Record<string, Buffer> = {};
    for (const [k, val] of Object.entries(cm?.data ?? {})) data[k] = Buffer.from(val);
    for (const [k, val] of Object.entries(cm?.binaryData ?? {})) data[k] = Buffer.from(val, "base64");
    await writeFiles(dir, selectFiles(data, src.items, src.defaultMode ?? 0o644, `configmap ${src.name}`, !!src.optional));
    return dir;
  }
  if (v.secret) {
    const src = v.secret;
    const s = await refs.secret(ns, src.secretName ?? "");
    if (!s && !src.optional) throw failed(`secret "${src.secretName}" not found`);
    const data: Record<string, Buffer> = {};
    // The bytes as they are: a Secret value need not be text (a keystore, a DER key).
    for (const [k, val] of Object.entries(s?.data ?? {})) data[k] = Buffer.from(val, "base64");
    await writeFiles(dir, selectFiles(data, src.items, src.defaultMode ?? 0o644, `secret ${src.secretName}`, !!src.optional));
    return dir;
  }
  const type = Object.keys(v).find((k) => k !== "name") ?? "unknown";
  throw failed(`${type} volumes are not supported by skiff`);
}

/** Sets up every volume of the pod; returns the host path of each. */
export async function setUpVolumes(pod: Pod, stateDir: string, refs: ReferenceSource): Promise<Map<string, string>> {
  const base = join(podDir(stateDir, pod.metadata.uid ?? ""), "volumes");
  const paths = new Map<string, string>();
  for (const v of pod.spec?.volumes ?? []) paths.set(v.name, await setUp(v, join(base, v.name), pod, refs));
  return paths;
}

/** Removes the pod's directory (its emptyDirs and files) once the pod is gone. */
export async function tearDownPodDir(stateDir: string, uid: string): Promise<void> {
  await rm(podDir(stateDir, uid), { recursive: true, force: true });
}
