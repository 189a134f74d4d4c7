// The StreamRelay Durable Object in workerd: a client's stream is queued for the node's poll, the
// agent's dial-back is paired with it, and bytes flow both ways. The agent is played by the test,
// through the relay's internal paths (src/streams/relay-client.ts is what the Worker calls).
import { env } from "cloudflare:workers";
import { describe, expect, it } from "vitest";
import { STREAM_HEADER, type StreamPoll, type StreamRequest } from "../../src/streams/protocol.js";

const relay = (node: string) => env.STREAMS.get(env.STREAMS.idFromName(node));

const logRequest = (id: string): StreamRequest => ({
  id,
  kind: "log",
  namespace: "default",
  pod: "p",
  podUid: "u",
  container: "c",
  containerId: "abc",
  log: { follow: false, previous: false, timestamps: false },
});

function open(node: string, stream: StreamRequest, headers: Record<string, string> = {}): Promise<Response> {
  const h = new Headers(headers);
  h.set(STREAM_HEADER, encodeURIComponent(JSON.stringify({ ...stream, node })));
  return relay(node).fetch("https://relay/open", { headers: h });
}

/** The agent has polled just now, so it counts as connected. */
async function present(node: string): Promise<void> {
  await (await relay(node).fetch("https://relay/poll?timeoutSeconds=0")).json();
}

/** The agent: take the next request from the channel and dial back for it. */
async function agentDial(node: string): Promise<{ request: StreamRequest; ws: WebSocket }> {
  const poll = (await (await relay(node).fetch("https://relay/poll?timeoutSeconds=5")).json()) as StreamPoll;
  const request = poll.items[0];
  const res = await relay(node).fetch(`https://relay/dial/${request.id}`, { headers: { upgrade: "websocket" } });
  expect(res.status).toBe(101);
  const ws = res.webSocket!;
  ws.accept();
  return { request, ws };
}

describe("StreamRelay", { timeout: 30_000 }, () => {
  it("fails at once with a Status when no agent polls", async () => {
    const res = await open("gone", logRequest("s0"));
    expect(res.status).toBe(503);
    expect(await res.json()).toMatchObject({ kind: "Status", reason: "ServiceUnavailable", message: 'error dialing backend: node "gone" is not connected to the control plane' });
  });

  it("after a stream goes unanswered by a held poll's agent, fails the next ones at once", async () => {
    const node = "n-stale";
    void relay(node).fetch("https://relay/poll?timeoutSeconds=60"); // an agent that then died
    await new Promise((r) => setTimeout(r, 100));
    const first = await open(node, logRequest("s5"));
    expect(first.status).toBe(503);
    expect(await first.json()).toMatchObject({ message: 'error dialing backend: node "n-stale" did not open stream within 10s' });
    const next = await open(node, { ...logRequest("s6"), kind: "exec", log: undefined, exec: { command: ["true"], stdin: false, stdout: true, stderr: false, tty: false, protocol: "" } });
    expect(await next.json()).toMatchObject({ code: 503, message: 'error dialing backend: node "n-stale" is not connected to the control plane' });
  });

  it("refuses an exec that is not a WebSocket once the agent is known to be there", async () => {
    const node = "n-spdy";
    await present(node);
    const res = await open(node, { ...logRequest("s7"), kind: "exec", log: undefined, exec: { command: ["true"], stdin: false, stdout: true, stderr: false, tty: false, protocol: "" } });
    expect(res.status).toBe(400);
    expect(await res.json()).toMatchObject({ message: "Upgrade request required: use a WebSocket with subprotocol v5.channel.k8s.io or v4.channel.k8s.io" });
  });

  it("relays a log: the agent's head, then its bytes, to the end", async () => {
    const node = "n-log";
    await present(node);
    const client = open(node, logRequest("s1"));
    const { request, ws } = await agentDial(node);
    expect(request).toMatchObject({ id: "s1", kind: "log", containerId: "abc" });
    ws.send(JSON.stringify({ ok: true }));
    ws.send(new TextEncoder().encode("line-1\n"));
    ws.send(new TextEncoder().encode("line-2\n"));
    ws.close(1000);
    const res = await client;
    expect(res.status).toBe(200);
    expect(await res.text()).toBe("line-1\nline-2\n");
  });

  it("streams a followed log as it comes, and closes the agent's end when the client cancels", async () => {
    const node = "n-follow";
    await present(node);
    const client = open(node, { ...logRequest("s4"), log: { follow: true, previous: false, timestamps: false } });
    const { ws } = await agentDial(node);
    ws.send(JSON.stringify({ ok: true }));
    ws.send(new TextEncoder().encode("tick-1\n"));
    const reader = (await client).body!.getReader();
    expect(new TextDecoder().decode((await reader.read()).value)).toBe("tick-1\n");
    ws.send(new TextEncoder().encode("tick-2\n"));
    expect(new TextDecoder().decode((await reader.read()).value)).toBe("tick-2\n");
    const closed = new Promise<void>((r) => ws.addEventListener("close", () => r()));
    await reader.cancel();
    // Across the Durable Object's response the cancel is seen by the next write, which fails.
    ws.send(new TextEncoder().encode("tick-3\n"));
    await closed;
  });

  it("answers the agent's Status when the log cannot be read", async () => {
    const node = "n-status";
    await present(node);
    const client = open(node, logRequest("s2"));
    const { ws } = await agentDial(node);
    ws.send(JSON.stringify({ status: { kind: "Status", apiVersion: "v1", metadata: {}, status: "Failure", message: "nope", reason: "BadRequest", code: 400 } }));
    const res = await client;
    expect(res.status).toBe(400);
    expect(await res.json()).toMatchObject({ message: "nope" });
  });

  it("pipes an exec both ways and closes the agent's end when the client goes", async () => {
    const node = "n-exec";
    await present(node);
    const exec = { ...logRequest("s3"), kind: "exec" as const, log: undefined, exec: { command: ["sh"], stdin: true, stdout: true, stderr: false, tty: false, protocol: "v5.channel.k8s.io" } };
    const client = open(node, exec, { upgrade: "websocket" });
    const { ws: agent } = await agentDial(node);
    const res = await client;
    expect(res.status).toBe(101);
    expect(res.headers.get("sec-websocket-protocol")).toBe("v5.channel.k8s.io");
    const user = res.webSocket!;
    user.accept();
    user.binaryType = "arraybuffer";
    agent.binaryType = "arraybuffer";
    const next = (ws: WebSocket) => new Promise<Uint8Array>((r) => ws.addEventListener("message", (e) => r(new Uint8Array(e.data as ArrayBuffer)), { once: true }));
    const atAgent = next(agent);
    user.send(new Uint8Array([0, 104, 105]));
    expect([...(await atAgent)]).toEqual([0, 104, 105]);
    const atUser = next(user);
    agent.send(new Uint8Array([1, 111, 107]));
    expect([...(await atUser)]).toEqual([1, 111, 107]);
    const agentClosed = new Promise<number>((r) => agent.addEventListener("close", (e) => r(e.code)));
    user.close(1000, "bye");
    expect(await agentClosed).toBe(1000);
  });
});
