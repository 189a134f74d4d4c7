/**
 * Files the agent rewrites (its state, pod files, volume contents) are written whole: a temp file
 * beside the target, renamed into place, so a reader — a container, or the agent after a crash —
 * sees the old content or the new, never half. Temp names are unique (`..<name>.tmp-<pid>-<n>`,
 * hidden as kubelet's atomic writer hides its own), and writes of one path are queued, so
 * concurrent writers never share a temp file and the newest write lands last.
 */
import { chmod, readFile, rename, writeFile } from "node:fs/promises";
import { basename, dirname, join } from "node:path";

const writing = new Map<string, Promise<void>>();
let tmpSeq = 0;

/** Writes `data` to `path` atomically; `mode` is set exactly (not filtered by the umask) when given. */
export function writeFileAtomic(path: string, data: string | Uint8Array, mode?: number): Promise<void> {
  const tmp = join(dirname(path), `..${basename(path)}.tmp-${process.pid}-${++tmpSeq}`);
  const done = (writing.get(path) ?? Promise.resolve()).then(async () => {
    await writeFile(tmp, data);
    if (mode !== undefined) await chmod(tmp, mode);
    await rename(tmp, path);
  });
  const settled = done.catch(() => {});
  writing.set(path, settled);
  void settled.then(() => {
    if (writing.get(path) === settled) writing.delete(path);
  });
  return done;
}

/** The parsed JSON in `path`, or undefined when there is no such file. */
export async function readJsonFile<T>(path: string): Promise<T | undefined> {
  try {
    return JSON.parse(await readFile(path, "utf8")) as T;
  } catch (err) {
    if ((err as NodeJS.ErrnoException).code === "ENOENT") return undefined;
    throw err;
  }
}
