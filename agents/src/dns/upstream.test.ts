import { mkdtempSync, rmSync, utimesSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterAll, describe, expect, it } from "vitest";
import { HostResolvConf } from "./upstream.js";

const dir = mkdtempSync(join(tmpdir(), "upstream-"));
afterAll(() => rmSync(dir, { recursive: true, force: true }));

describe("HostResolvConf", () => {
  it("reads the file, and again when it changed, at most once a second", () => {
    const path = join(dir, "resolv.conf");
    writeFileSync(path, "nameserver 10.0.0.2\nsearch lan\n");
    utimesSync(path, 1000, 1000);
    let now = 0;
    const host = new HostResolvConf(path, () => now);
    expect(host.get()).toEqual({ nameservers: ["10.0.0.2"], searches: ["lan"], options: [] });
    writeFileSync(path, "nameserver 10.0.0.3\n");
    utimesSync(path, 2000, 2000);
    now = 500;
    expect(host.get().nameservers).toEqual(["10.0.0.2"]);
    now = 1500;
    expect(host.get().nameservers).toEqual(["10.0.0.3"]);
  });

  it("gives no resolvers when the file is missing", () => {
    expect(new HostResolvConf(join(dir, "none")).get()).toEqual({ nameservers: [], searches: [], options: [] });
  });
});
