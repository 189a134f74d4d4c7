/**
 * A TCP forwarder from the cluster bridge's host address to the control plane, which
 * `wrangler dev` serves on 127.0.0.1 only: agents in their namespaces dial
 * `https://<bridge address>:<port>` and check the certificate against 127.0.0.1. Stopping it
 * cuts every node off from the control plane while kubectl on the host still reaches it.
 */
import { createConnection, createServer, type Server, type Socket } from "node:net";

export interface Forwarder {
  readonly listening: boolean;
  start(): Promise<void>;
  /** Stops listening and drops the open connections (the agents see the control plane vanish). */
  stop(): Promise<void>;
}

export function createForwarder(listenHost: string, port: number, targetHost = "127.0.0.1", targetPort = port): Forwarder {
  let server: Server | undefined;
  const sockets = new Set<Socket>();
  return {
    get listening() {
      return server !== undefined;
    },
    start() {
      if (server) return Promise.resolve();
      const s = createServer((client) => {
        const upstream = createConnection({ host: targetHost, port: targetPort });
        for (const sock of [client, upstream]) {
          sockets.add(sock);
          sock.once("close", () => sockets.delete(sock));
          sock.on("error", () => {
            client.destroy();
            upstream.destroy();
          });
        }
        client.pipe(upstream);
        upstream.pipe(client);
      });
      server = s;
      return new Promise((resolve, reject) => {
        s.once("error", reject);
        s.listen(port, listenHost, () => resolve());
      });
    },
    stop() {
      const s = server;
      server = undefined;
      for (const sock of sockets) sock.destroy();
      sockets.clear();
      return new Promise((resolve) => (s ? s.close(() => resolve()) : resolve()));
    },
  };
}
