/**
 * `kubectl exec` and `kubectl attach` on the node: the runtime's stdio session spoken as the
 * Kubernetes channel protocol (src/streams/channel-protocol.ts) on the relay's WebSocket, which
 * the relay joined to kubectl's own. stdin and resizes come in; stdout and stderr go out; when
 * the process ends its outcome goes out on the error channel and the socket closes. The client
 * going away ends the session.
 */
import type WebSocket from "ws";
import { errors } from "../../../src/lib/errors.js";
import { exitStatus, frame, parseClientMessage } from "../../../src/streams/channel-protocol.js";
import type { Status } from "../../../src/lib/types.js";
import { Channel, type ExecRequest } from "../../../src/streams/protocol.js";
import type { Runtime, StdioSession } from "../runtime/types.js";
import { pipeToSocket } from "./socket-sink.js";

const failure = (err: unknown) => errors.internal(err instanceof Error ? err.message : String(err)).toStatus();

function sendStatus(ws: WebSocket, status: Status): void {
  if (ws.readyState === ws.OPEN) ws.send(frame(Channel.error, JSON.stringify(status)));
  ws.close(1000);
}

export async function streamExec(runtime: Runtime, kind: "exec" | "attach", containerId: string, o: ExecRequest, ws: WebSocket): Promise<void> {
  const stdio = { stdin: o.stdin, stdout: o.stdout, stderr: o.stderr, tty: o.tty };
  // kubectl may send stdin or its terminal size before the runtime's session is up: keep them.
  const early: Buffer[] = [];
  let receive = (data: Buffer) => void early.push(data);
  ws.on("message", (data: Buffer) => receive(data));
  let session: StdioSession;
  try {
    session = kind === "attach" ? await runtime.attach(containerId, stdio) : await runtime.execStream(containerId, o.command, stdio);
  } catch (err) {
    return sendStatus(ws, failure(err));
  }
  receive = (data) => {
    const m = parseClientMessage(data);
    if (m.channel === "stdin") session.stdin?.write(m.data);
    else if (m.channel === "resize") session.resize(m.width, m.height).catch(() => {});
    else if (m.channel === "close" && m.stream === Channel.stdin) session.stdin?.end();
  };
  for (const data of early.splice(0)) receive(data);
  if (ws.readyState !== ws.OPEN) return session.close(); // the client left while it started
  ws.once("close", () => session.close());
  const outputs = [
    session.stdout && pipeToSocket(session.stdout, ws, { prefix: Channel.stdout }),
    session.stderr && pipeToSocket(session.stderr, ws, { prefix: Channel.stderr }),
  ];
  try {
    const [code] = await Promise.all([session.done, ...outputs]);
    sendStatus(ws, exitStatus(o.command, code ?? 0));
  } catch (err) {
    sendStatus(ws, failure(err));
  }
}
