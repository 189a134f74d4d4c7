/** Newline-delimited JSON from a byte stream, as watch responses send it. */

/** Splits off complete lines; returns them and the unfinished rest. */
export function splitLines(buffered: string): { lines: string[]; rest: string } {
  const parts = buffered.split("\n");
  const rest = parts.pop() ?? "";
  return { lines: parts.filter((l) => l.trim() !== ""), rest };
}

/** Yields each line's parsed JSON as it arrives; a final line without a newline counts too. */
export async function* readLines<T>(body: ReadableStream<Uint8Array>): AsyncGenerator<T> {
  const reader = body.getReader();
  const decoder = new TextDecoder();
  let buffered = "";
  try {
    for (;;) {
      const { done, value } = await reader.read();
      buffered += done ? decoder.decode() : decoder.decode(value, { stream: true });
      const { lines, rest } = splitLines(done ? `${buffered}\n` : buffered);
      buffered = rest;
      for (const line of lines) yield JSON.parse(line) as T;
      if (done) return;
    }
  } finally {
    reader.releaseLock();
  }
}
