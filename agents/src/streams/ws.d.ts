/** The part of `ws` (bundled from node_modules, no @types installed) the stream client uses. */
declare module "ws" {
  import type { EventEmitter } from "node:events";
  export default class WebSocket extends EventEmitter {
    constructor(url: string, options?: { headers?: Record<string, string>; ca?: string; checkServerIdentity?: (host: string, cert: import("node:tls").PeerCertificate) => Error | undefined });
    send(data: Buffer | string, cb?: (err?: Error) => void): void;
    close(code?: number, reason?: string): void;
    terminate(): void;
    readonly readyState: number;
    readonly bufferedAmount: number;
  }
}
