/**
 * A process container's log file read as `kubectl logs` asks: from the start or its last lines,
 * and with `follow` what is appended afterwards, until the process has ended and the file has no
 * more. The file is polled (fs.watch misses appends on some filesystems), which costs a `stat`
 * per interval while a follow is open.
 */
import { open, type FileHandle } from "node:fs/promises";
import { Readable } from "node:stream";

const POLL_MS = 250;
const CHUNK = 64 * 1024;

/** Byte offset at which the last `lines` lines of `text` start (a final newline ends a line). */
export function tailOffset(text: Buffer, lines: number): number {
  if (lines <= 0) return text.length;
  let end = text.length;
  if (end > 0 && text[end - 1] === 0x0a) end -= 1;
  for (let seen = 0, i = end - 1; i >= 0; i--) {
    if (text[i] === 0x0a && ++seen === lines) return i + 1;
  }
  return 0;
}

export interface LogFileOptions {
  tailLines?: number;
  follow?: boolean;
  /** Whether the writer is gone, so that reaching the end of the file ends a follow. */
  ended(): Promise<boolean>;
}

export async function readLogFile(path: string, o: LogFileOptions): Promise<Readable> {
  const file: FileHandle = await open(path, "r");
  let position = 0;
  if (o.tailLines !== undefined) {
    // Whole-file read to find the tail: process logs are the small ones of hosts without Docker.
    position = tailOffset(await file.readFile(), o.tailLines);
  }
  let stopped = false;
  const next = async (): Promise<Buffer | null> => {
    for (;;) {
      if (stopped) return null;
      const { bytesRead, buffer } = await file.read(Buffer.alloc(CHUNK), 0, CHUNK, position);
      if (bytesRead > 0) {
        position += bytesRead;
        return buffer.subarray(0, bytesRead);
      }
      if (!o.follow || (await o.ended())) {
        // One more read: the last lines may have landed between the read and the check.
        const last = await file.read(Buffer.alloc(CHUNK), 0, CHUNK, position);
        if (last.bytesRead === 0) return null;
        position += last.bytesRead;
        return last.buffer.subarray(0, last.bytesRead);
      }
      await new Promise((r) => setTimeout(r, POLL_MS));
    }
  };
  return new Readable({
    async read() {
      try {
        this.push(await next());
      } catch (err) {
        this.destroy(err as Error);
      }
    },
    destroy(err, callback) {
      stopped = true;
      file.close().then(() => callback(err), () => callback(err));
    },
  });
}
