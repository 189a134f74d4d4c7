/**
 * The cluster's names for pods, on one node (its own network namespace, dockerd and agent), on
 * the seed manifests: inside the frontend pod, `webservice` answers HTTP by name, FQDN and cluster IP;
 * busybox `nslookup` gets `webservice` (through the
 * search path) and its FQDN answered with the cluster IP, `db1` (ExternalName) with its CNAME,
 * a headless Service with its ready pods, a Service created later within moments; other names
 * are forwarded to the host's resolver, which here is one the test runs on the host's bridge
 * address and names in the file given to the agent's `--resolv-conf`. The pod's resolv.conf is
 * Kubernetes' for ClusterFirst, and its environment has the Service variables.
 */
import { execFile } from "node:child_process";
import { mkdtempSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterAll, describe, expect, it } from "vitest";
import type { Node, Pod, Service } from "../../src/lib/types.js";
import { startFakeUpstream, type FakeUpstream } from "../../agents/src/dns/fake-upstream.js";
import { dockerAvailable, useCluster } from "./cluster/cluster.js";
import { containerStatus, isReady } from "./cluster/pods.js";
import { SEED, create, eventually, getJson, kubectlOk, useControlPlane, type List } from "./harness.js";

const dir = mkdtempSync(join(tmpdir(), "skiff-dns-e2e-"));
const RESOLV_CONF = join(dir, "resolv.conf");
// Until the upstream below is up, the host has no resolvers.
writeFileSync(RESOLV_CONF, "");
afterAll(() => rmSync(dir, { recursive: true, force: true }));

/** The outside world's DNS, as far as this test is concerned. */
const OUTSIDE: Record<string, string> = { "outside.test.example": "192.0.2.7", "mysql01.database.test.com": "192.0.2.8" };

describe.skipIf(!dockerAvailable())("cluster DNS and Service variables", () => {
  const cp = useControlPlane();
  const cluster = useCluster(cp, { nodes: ["node-a"], agentArgs: ["--resolv-conf", RESOLV_CONF] });
  let upstream: FakeUpstream | undefined;
  afterAll(() => upstream?.socket.close());

  async function frontend(): Promise<{ pod: Pod; exec: (script: string) => Promise<string> }> {
    const list = await getJson<List<Pod>>(cp, ["pods", "-l", "app=frontend"]);
    const pod = list.items.find((p) => !p.metadata.deletionTimestamp && isReady(p));
    if (!pod) throw new Error("no ready frontend pod");
    const id = containerStatus(pod)!.containerID!.slice("docker://".length);
    const node = cluster.get().node(pod.spec!.nodeName!);
    // Not the cluster's synchronous `docker()`: the upstream resolver answers from this process.
    const exec = (script: string) =>
      new Promise<string>((resolve) => {
        // nslookup exits 1 when any of the search domains is NXDOMAIN: its output still tells.
        execFile("docker", ["-H", node.daemon.host, "exec", id, "sh", "-c", `${script} 2>&1`], { timeout: 30_000 }, (err, stdout) => resolve(stdout || String(err?.message)));
      });
    return { pod, exec };
  }
  const nslookup = async (name: string) => (await frontend()).exec(`/bin/busybox nslookup ${name}`);

  it("runs the seed's webservice, db1 and frontend, the Services first", async () => {
    // The host's resolver: on the host's address on the nodes' bridge, which the agent reaches.
    const hostIP = cluster.get().node("node-a").ip.replace(/\.\d+$/, ".1");
    upstream = await startFakeUpstream(OUTSIDE, hostIP, 53);
    writeFileSync(RESOLV_CONF, `nameserver ${hostIP}\nsearch test.example\noptions timeout:1\n`);
    for (const f of ["webapp-service.yaml", "database-external-name.yaml", "webapp-deployment.yaml", "frontend-deployment.yaml"]) await kubectlOk(cp, ["apply", "-f", join(SEED, f)]);
    for (const d of ["webapp-deployment", "frontend-deployment"]) await kubectlOk(cp, ["rollout", "status", `deployment/${d}`, "--timeout=120s"], { timeoutMs: 130_000 });
    await eventually("a ready frontend", () => frontend().then(() => true), { timeoutMs: 60_000 });
  });

  it("gives the pod Kubernetes' resolv.conf for ClusterFirst, with the node's pod gateway as its nameserver", async () => {
    const { pod, exec } = await frontend();
    const podCIDR = (await getJson<Node>(cp, ["node", pod.spec!.nodeName!])).spec!.podCIDR!;
    const gateway = podCIDR.replace(/\.0\/\d+$/, ".1");
    expect(await exec("cat /etc/resolv.conf")).toBe(`search default.svc.cluster.local svc.cluster.local cluster.local test.example\nnameserver ${gateway}\noptions ndots:5\n`);
  });

  it("answers webservice by its short name and by its FQDN with the cluster IP", async () => {
    const clusterIP = (await getJson<Service>(cp, ["service", "webservice"])).spec!.clusterIP!;
    const short = await nslookup("webservice");
    expect(short).toContain("Name:\twebservice.default.svc.cluster.local");
    expect(short).toContain(`Address: ${clusterIP}`);
    const fqdn = await nslookup("webservice.default.svc.cluster.local");
    expect(fqdn).toContain(`Address: ${clusterIP}`);
    expect(fqdn).not.toContain("can't find webservice.default.svc.cluster.local");
  });

  it("reaches webservice over HTTP by its short name, by its FQDN and by its cluster IP", async () => {
    const { exec } = await frontend();
    const clusterIP = (await getJson<Service>(cp, ["service", "webservice"])).spec!.clusterIP!;
    for (const target of ["webservice", "webservice.default.svc.cluster.local", clusterIP]) {
      const out = await exec(`printf 'GET / HTTP/1.0\\r\\n\\r\\n' | nc -w 10 ${target} 80`);
      expect(out, target).toContain("web-app v1");
    }
  });

  it("answers the ExternalName db1 with its CNAME, and the target's address from upstream", async () => {
    const out = await nslookup("db1.default.svc.cluster.local");
    expect(out).toContain("db1.default.svc.cluster.local\tcanonical name = mysql01.database.test.com");
    expect(out).toContain("Address: 192.0.2.8");
  });

  it("forwards other names to the host's resolver, its answers and its NXDOMAIN", async () => {
    expect(await nslookup("outside.test.example")).toContain("Address: 192.0.2.7");
    expect(await nslookup("nosuch.invalid")).toContain("can't find nosuch.invalid: NXDOMAIN");
    expect(upstream!.asked).toEqual(expect.arrayContaining(["outside.test.example", "nosuch.invalid"]));
  });

  it("answers a headless Service with its ready pods, and a new Service within moments", async () => {
    await create(cp, "default", {
      apiVersion: "v1",
      kind: "Service",
      metadata: { name: "webapp-pods" },
      spec: { clusterIP: "None", selector: { app: "webapp" }, ports: [{ name: "http", port: 5000 }] },
    } as Service);
    const pods = (await getJson<List<Pod>>(cp, ["pods", "-l", "app=webapp"])).items.filter(isReady);
    expect(pods.length).toBeGreaterThan(0);
    await eventually("the headless Service's pod addresses", async () => {
      const out = await nslookup("webapp-pods.default.svc.cluster.local");
      return pods.every((p) => out.includes(`Address: ${p.status!.podIP}`));
    }, { timeoutMs: 15_000 });
    await kubectlOk(cp, ["create", "service", "clusterip", "late", "--tcp=80"]);
    const ip = (await getJson<Service>(cp, ["service", "late"])).spec!.clusterIP!;
    await eventually("the new Service's name", async () => (await nslookup("late.default.svc.cluster.local")).includes(`Address: ${ip}`), { timeoutMs: 15_000 });
  });

  it("gives the frontend the variables of the Services that existed when it started", async () => {
    const { exec } = await frontend();
    const env = Object.fromEntries((await exec("env")).trim().split("\n").map((l) => [l.slice(0, l.indexOf("=")), l.slice(l.indexOf("=") + 1)]));
    const ip = (await getJson<Service>(cp, ["service", "webservice"])).spec!.clusterIP!;
    expect(env).toMatchObject({
      WEBSERVICE_SERVICE_HOST: ip,
      WEBSERVICE_SERVICE_PORT: "80",
      WEBSERVICE_PORT: `tcp://${ip}:80`,
      WEBSERVICE_PORT_80_TCP: `tcp://${ip}:80`,
      WEBSERVICE_PORT_80_TCP_PROTO: "tcp",
      WEBSERVICE_PORT_80_TCP_PORT: "80",
      WEBSERVICE_PORT_80_TCP_ADDR: ip,
    });
    // ExternalName has no cluster IP; `late` came after the pod.
    expect(Object.keys(env).filter((k) => k.startsWith("DB1_") || k.startsWith("LATE_"))).toEqual([]);
  });
});
