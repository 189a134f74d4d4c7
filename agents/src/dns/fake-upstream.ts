/**
 * For tests: a DNS resolver the test controls, over UDP. Names in `addresses` exist (with an A
 * record when asked for one); every other name is NXDOMAIN. It records the names it was asked.
 */
import { createSocket, type Socket } from "node:dgram";
import { CLASS_IN, decode, encode, RCODE, TYPE, type Message } from "./wire.js";

export interface FakeUpstream {
  socket: Socket;
  port: number;
  asked: string[];
}

export function startFakeUpstream(addresses: Record<string, string>, bindAddress = "127.0.0.1", port = 0): Promise<FakeUpstream> {
  const socket = createSocket("udp4");
  const asked: string[] = [];
  socket.on("message", (buf, rinfo) => {
    const m = decode(buf);
    const q = m.questions[0]!;
    asked.push(q.name);
    const name = q.name.toLowerCase();
    const known = name in addresses;
    const ip = known && q.type === TYPE.A ? addresses[name] : undefined;
    const out: Message = {
      ...m,
      flags: { ...m.flags, qr: true, ra: true, rcode: known ? RCODE.NOERROR : RCODE.NXDOMAIN },
      answers: ip ? [{ name: q.name, type: TYPE.A, class: CLASS_IN, ttl: 30, data: ip }] : [],
      additionals: [],
    };
    socket.send(encode(out), rinfo.port, rinfo.address);
  });
  return new Promise((resolve, reject) => {
    socket.once("error", reject);
    socket.bind(port, bindAddress, () => resolve({ socket, port: socket.address().port, asked }));
  });
}
