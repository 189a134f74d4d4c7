/** Helpers for the relay's accepted WebSockets, and two of them joined into one pipe. */

export function closeQuietly(ws: WebSocket, code = 1000, reason = ""): void {
  try {
    ws.close(code, reason);
  } catch {
    // already closed
  }
}

/**
 * Accepts a socket with binary messages as ArrayBuffers. workerd's default binaryType is "blob"
 * for recent compatibility dates, and a Blob read as bytes is empty: that was the empty log body.
 */
export function acceptBinary(ws: WebSocket): WebSocket {
  ws.accept();
  ws.binaryType = "arraybuffer";
  return ws;
}

/** Close codes a peer may not send on the wire (1005, 1006, 1015) become a normal close. */
const wireCode = (code: number) => (code === 1000 || (code >= 3000 && code <= 4999) ? code : 1000);

/** Two accepted WebSockets joined: each message goes to the other side; a close on one closes both. */
export function pipeSockets(a: WebSocket, b: WebSocket): void {
  const forward = (from: WebSocket, to: WebSocket) => {
    from.addEventListener("message", (e) => {
      try {
        to.send(e.data);
      } catch {
        closeQuietly(from, 1011, "peer gone");
      }
    });
    from.addEventListener("close", (e) => closeQuietly(to, wireCode(e.code), e.reason));
    from.addEventListener("error", () => closeQuietly(to, 1011, "peer failed"));
  };
  forward(a, b);
  forward(b, a);
}
