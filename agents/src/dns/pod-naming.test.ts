import { mkdtempSync, readFileSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterAll, describe, expect, it } from "vitest";
import type { Pod, Service } from "../../../src/lib/types.js";
import { ConfigError } from "../pod/references.js";
import { podNaming } from "./pod-naming.js";

const dir = mkdtempSync(join(tmpdir(), "pod-naming-"));
afterAll(() => rmSync(dir, { recursive: true, force: true }));

const pod = { metadata: { name: "frontend", namespace: "default", uid: "u1" }, spec: { containers: [] } } as Pod;
const web = { metadata: { name: "webservice", namespace: "default" }, spec: { clusterIP: "10.96.0.20", ports: [{ port: 80 }] } } as Service;

describe("podNaming", () => {
  let synced = false;
  const naming = podNaming({
    stateDir: dir,
    services: () => ({ synced, services: [web] }),
    syncWaitMs: 200,
    node: () => ({ clusterDNS: ["10.244.1.1"], clusterDomain: "cluster.local", host: { nameservers: ["192.168.1.1"], searches: ["lan"], options: [] } }),
  });

  it("refuses the Service variables while the Services are not known, with kubelet's message", async () => {
    await expect(naming.serviceEnv(pod)).rejects.toThrow(new ConfigError("services have not yet been read at least once, cannot construct envvars"));
  });

  it("waits a little for the first list of Services", async () => {
    const env = naming.serviceEnv(pod);
    setTimeout(() => (synced = true), 50);
    expect(await env).toMatchObject({ WEBSERVICE_SERVICE_HOST: "10.96.0.20" });
  });

  it("gives a pod the variables it last had when the Services cannot be listed (an offline restart)", async () => {
    synced = false;
    expect(await naming.serviceEnv(pod)).toMatchObject({ WEBSERVICE_SERVICE_HOST: "10.96.0.20" });
    const other = { ...pod, metadata: { ...pod.metadata, uid: "u2" } };
    await expect(naming.serviceEnv(other)).rejects.toThrow(ConfigError);
    synced = true;
  });

  it("writes the pod's resolv.conf in its directory", async () => {
    const path = await naming.resolvConf(pod);
    expect(path).toBe(join(dir, "pods", "u1", "resolv.conf"));
    expect(readFileSync(path, "utf8")).toBe("search default.svc.cluster.local svc.cluster.local cluster.local lan\nnameserver 10.244.1.1\noptions ndots:5\n");
  });
});
