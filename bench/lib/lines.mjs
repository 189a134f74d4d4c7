// The lines of a streamed response (a watch: one JSON event per line), as they arrive.

/**
 * @example
 *   for await (const line of lines(res)) handle(JSON.parse(line));
 */
export async function* lines(stream) {
  let buffer = "";
  for await (const chunk of stream.setEncoding("utf8")) {
    buffer += chunk;
    let nl;
    while ((nl = buffer.indexOf("\n")) >= 0) {
      yield buffer.slice(0, nl);
      buffer = buffer.slice(nl + 1);
    }
  }
}
