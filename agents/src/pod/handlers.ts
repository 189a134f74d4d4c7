/**
 * Runs the actions probes and lifecycle hooks are made of: `httpGet` (success is 200–399),
 * `tcpSocket` (a connection opens), `exec` (exit code 0) and, for hooks, `sleep`. Named ports
 * resolve through the container's `ports`.
 */
import { request as httpRequest } from "node:http";
import { request as httpsRequest } from "node:https";
import { connect } from "node:net";
import type { Container } from "../../../src/lib/types.js";
import type { Runtime } from "../runtime/types.js";

export type Handler = NonNullable<Container["livenessProbe"]> & { sleep?: { seconds: number } };

export interface HandlerTarget {
  runtime: Runtime;
  containerId: string;
  container: Container;
  /** Where the pod answers: its IP (or the host's for host-network and process pods). */
  host: string;
}

export interface HandlerResult {
  ok: boolean;
  message: string;
}

function resolvePort(port: number | string, c: Container): number | undefined {
  if (typeof port === "number") return port;
  if (/^\d+$/.test(port)) return Number(port);
  return c.ports?.find((p) => p.name === port)?.containerPort;
}

function httpGet(h: NonNullable<Handler["httpGet"]>, t: HandlerTarget, timeoutMs: number): Promise<HandlerResult> {
  const port = resolvePort(h.port as number | string, t.container);
  if (port === undefined) return Promise.resolve({ ok: false, message: `unknown port ${h.port}` });
  const https = h.scheme === "HTTPS";
  const headers: Record<string, string> = { "user-agent": "kube-probe/1.32", accept: "*/*" };
  for (const hh of h.httpHeaders ?? []) headers[hh.name] = hh.value;
  const host = h.host || t.host;
  return new Promise((resolve) => {
    const req = (https ? httpsRequest : httpRequest)(
      { host, port, path: h.path || "/", method: "GET", headers, timeout: timeoutMs, rejectUnauthorized: false, agent: false },
      (res) => {
        res.resume();
        const code = res.statusCode ?? 0;
        resolve({ ok: code >= 200 && code < 400, message: `HTTP probe failed with statuscode: ${code}` });
      },
    );
    req.once("timeout", () => req.destroy(new Error(`Get "http://${host}:${port}${h.path || "/"}": context deadline exceeded (Client.Timeout exceeded while awaiting headers)`)));
    req.once("error", (err) => resolve({ ok: false, message: err.message }));
    req.end();
  });
}

function tcpSocket(h: NonNullable<Handler["tcpSocket"]>, t: HandlerTarget, timeoutMs: number): Promise<HandlerResult> {
  const port = resolvePort(h.port as number | string, t.container);
  if (port === undefined) return Promise.resolve({ ok: false, message: `unknown port ${h.port}` });
  const host = h.host || t.host;
  return new Promise((resolve) => {
    const socket = connect({ host, port, timeout: timeoutMs });
    socket.once("connect", () => {
      socket.destroy();
      resolve({ ok: true, message: "" });
    });
    socket.once("timeout", () => {
      socket.destroy();
      resolve({ ok: false, message: `dial tcp ${host}:${port}: i/o timeout` });
    });
    socket.once("error", (err) => resolve({ ok: false, message: `dial tcp ${host}:${port}: ${err.message}` }));
  });
}

export async function runHandler(h: Handler, t: HandlerTarget, timeoutMs: number): Promise<HandlerResult> {
  try {
    if (h.exec) {
      const r = await t.runtime.exec(t.containerId, h.exec.command ?? [], timeoutMs);
      return { ok: r.exitCode === 0, message: r.output.trim() || `command exited with ${r.exitCode}` };
    }
    if (h.httpGet) return await httpGet(h.httpGet, t, timeoutMs);
    if (h.tcpSocket) return await tcpSocket(h.tcpSocket, t, timeoutMs);
    if (h.sleep) {
      await new Promise((r) => setTimeout(r, h.sleep!.seconds * 1000));
      return { ok: true, message: "" };
    }
    return { ok: false, message: "unsupported handler (grpc probes are not supported by skiff)" };
  } catch (err) {
    return { ok: false, message: err instanceof Error ? err.message : String(err) };
  }
}
