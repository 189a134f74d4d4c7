/**
 * Services across two nodes (network namespaces, one dockerd and agent each), on the seed
 * manifests: the frontend pod on node-a reaches `webservice` by its cluster IP with every backend
 * on node-b, spread over them; scaled to 0 the call is refused at once (not a hang), scaled back
 * it works; the LoadBalancer Service (a NodePort for now, EXTERNAL-IP <pending>) answers on both
 * nodes' addresses from outside the cluster. Once with the nodes routed to each other (host-gw),
 * once with both unroutable (`--pod-network published`: cross-node traffic goes to the other
 * node's published host ports). On the routed cluster, a rolling update of a 4-replica Deployment
 * with a readiness probe behind a NodePort loses no request of a client loop.
 */
import { execFileSync, spawn } from "node:child_process";
import { request } from "node:http";
import { join } from "node:path";
import { describe, expect, it } from "vitest";
import type { Deployment, Node, Pod, Service } from "../../src/lib/types.js";
import { dockerAvailable, useCluster, type Cluster } from "./cluster/cluster.js";
import { sh } from "./cluster/netns.js";
import { containerStatus, isReady } from "./cluster/pods.js";
import { SEED, create, eventually, getJson, kubectlOk, useControlPlane, type ControlPlane, type List } from "./harness.js";

const pin = (node: string) => JSON.stringify({ spec: { template: { spec: { nodeSelector: { "kubernetes.io/hostname": node } } } } });

async function readyPods(cp: ControlPlane, selector: string): Promise<Pod[]> {
  const list = await getJson<List<Pod>>(cp, ["pods", "-l", selector]);
  return list.items.filter((p) => !p.metadata.deletionTimestamp && isReady(p));
}

/** One HTTP GET with a fresh connection; resolves with the body or rejects with the error. */
function httpGet(url: string, timeoutMs = 5000): Promise<string> {
  return new Promise((resolve, reject) => {
    const req = request(url, { agent: false, timeout: timeoutMs }, (res) => {
      let body = "";
      res.setEncoding("utf8");
      res.on("data", (c: string) => (body += c));
      res.once("end", () => (res.statusCode === 200 ? resolve(body) : reject(new Error(`HTTP ${res.statusCode}`))));
      res.once("error", reject);
    });
    req.once("timeout", () => req.destroy(new Error("timeout")));
    req.once("error", reject);
    req.end();
  });
}

const UDP_ECHO = `const s = require("node:dgram").createSocket("udp4");
s.on("message", (m, r) => s.send("echo: " + m, r.port, r.address));
s.bind(9053);`;

const UDP_ASK = `const [ip, port] = process.argv.slice(1);
const s = require("node:dgram").createSocket("udp4");
s.on("message", (m) => { console.log(String(m)); process.exit(0); });
setTimeout(() => process.exit(1), 1000);
s.send("ping", Number(port), ip);`;

function servicesScenario(mode: "routed" | "published"): void {
  const cp = useControlPlane();
  const cluster = useCluster(cp, { nodes: ["node-a", "node-b"], agentArgs: ["--pod-network", mode] });
  let clusterIP = "";

  /**
   * An HTTP GET from inside the frontend container (busybox `nc`: the static busybox's `wget`
   * crashes resolving names); the body, or the error text.
   */
  async function fromFrontend(ip: string, port: number, path = "/"): Promise<{ ok: boolean; out: string }> {
    const [pod] = await readyPods(cp, "app=frontend");
    if (!pod) throw new Error("no ready frontend pod");
    const node = cluster.get().node(pod.spec!.nodeName!);
    const script = `printf 'GET ${path} HTTP/1.0\\r\\n\\r\\n' | nc -w 10 ${ip} ${port}`;
    try {
      const response = node.docker(["exec", containerStatus(pod)!.containerID!.slice(9), "sh", "-c", script]);
      const [head, body = ""] = response.split("\r\n\r\n");
      return head.startsWith("HTTP/1.1 200") ? { ok: true, out: body.trim() } : { ok: false, out: head };
    } catch (err) {
      return { ok: false, out: String((err as Error).message) };
    }
  }

  /** The body the frontend gets from `ip:port` once it gets a 200, polled for up to `timeoutMs`. */
  function servedToFrontend(what: string, ip: string, port: number, timeoutMs: number): Promise<string> {
    return eventually(what, async () => {
      const r = await fromFrontend(ip, port);
      return r.ok && r.out;
    }, { timeoutMs });
  }

  it("puts the frontend on node-a and the webapp backends on node-b", async () => {
    for (const f of ["webapp-deployment.yaml", "webapp-service.yaml", "frontend-deployment.yaml", "frontend-service.yaml"]) await kubectlOk(cp, ["apply", "-f", join(SEED, f)]);
    await kubectlOk(cp, ["patch", "deployment", "webapp-deployment", "-p", pin("node-b")]);
    await kubectlOk(cp, ["patch", "deployment", "frontend-deployment", "-p", pin("node-a")]);
    await kubectlOk(cp, ["scale", "deployment", "webapp-deployment", "--replicas=3"]);
    await kubectlOk(cp, ["rollout", "status", "deployment/webapp-deployment", "--timeout=120s"], { timeoutMs: 130_000 });
    await kubectlOk(cp, ["rollout", "status", "deployment/frontend-deployment", "--timeout=120s"], { timeoutMs: 130_000 });
    const backends = await eventually("3 ready backends", async () => {
      const pods = await readyPods(cp, "app=webapp");
      return pods.length === 3 && pods;
    }, { timeoutMs: 60_000 });
    expect(backends.every((p) => p.spec?.nodeName === "node-b")).toBe(true);
    clusterIP = (await getJson<Service>(cp, ["service", "webservice"])).spec!.clusterIP!;
    expect(clusterIP).toMatch(/^10\.(9[6-9]|10[0-9]|11[01])\./);
  });

  it(`reaches webservice by cluster IP, name and FQDN from the frontend pod on the other node (${mode}), spread over the backends`, async () => {
    const c = cluster.get();
    // Each backend says who it is at /who, so that the spread shows.
    for (const pod of await readyPods(cp, "app=webapp")) {
      c.node("node-b").docker(["exec", containerStatus(pod)!.containerID!.slice(9), "sh", "-c", `echo ${pod.metadata.name} > /www/who`]);
    }
    const first = await servedToFrontend("webservice answers through its cluster IP", clusterIP, 80, 30_000);
    expect(first).toBe("web-app v1");
    for (const name of ["webservice", "webservice.default.svc.cluster.local"]) {
      const byName = await servedToFrontend(`webservice answers as ${name}`, name, 80, 30_000);
      expect(byName).toBe("web-app v1");
    }
    const seen = new Set<string>();
    for (let i = 0; i < 30 && seen.size < 3; i++) {
      const r = await fromFrontend(clusterIP, 80, "/who");
      expect(r.ok, r.out).toBe(true);
      seen.add(r.out);
    }
    expect(seen.size).toBeGreaterThan(1);
  });

  it("lets a pod reach itself through its own Service (hairpin, same node)", async () => {
    const ip = (await getJson<Service>(cp, ["service", "frontendservice"])).spec!.clusterIP!;
    const body = await servedToFrontend("frontendservice answers the frontend", ip, 80, 30_000);
    expect(body).toBe("frontend v1");
  });

  it("keeps Services working while node-a's agent is down, and after it restarts", async () => {
    const a = cluster.get().node("node-a");
    await a.stopAgent();
    try {
      expect(await fromFrontend(clusterIP, 80)).toEqual({ ok: true, out: "web-app v1" });
    } finally {
      await a.startAgent();
    }
    await eventually("the restarted agent's first sync", async () => (await fetch(`${a.metricsUrl}/metrics`).then((r) => r.text()).catch(() => "")).match(/skiff_agent_network_syncs_total [1-9]/), { timeoutMs: 60_000 });
    expect(await fromFrontend(clusterIP, 80)).toEqual({ ok: true, out: "web-app v1" });
  });

  it("carries UDP through a cluster IP to a pod on the other node", async () => {
    const c = cluster.get();
    // A pod on node-b declaring UDP 9053 (declared, so that an unroutable node publishes it), with
    // a UDP echo server run in its network namespace (busybox has no UDP server).
    const labels = { app: "udp-echo" };
    await create(
      cp,
      undefined,
      <Pod>{
        apiVersion: "v1",
        kind: "Pod",
        metadata: { name: "udp-echo", labels },
        spec: { nodeName: "node-b", containers: [{ name: "echo", image: "web-app:1.0", imagePullPolicy: "Never", ports: [{ containerPort: 9053, protocol: "UDP" }] }] },
      },
      <Service>{ apiVersion: "v1", kind: "Service", metadata: { name: "udp-echo" }, spec: { selector: labels, ports: [{ port: 53, targetPort: 9053, protocol: "UDP" }] } },
    );
    const backend = await eventually("udp-echo ready", async () => (await readyPods(cp, "app=udp-echo"))[0], { timeoutMs: 60_000 });
    const [frontend] = await readyPods(cp, "app=frontend");
    const pidOf = (pod: Pod) => c.node(pod.spec!.nodeName!).docker(["inspect", "-f", "{{.State.Pid}}", containerStatus(pod)!.containerID!.slice(9)]).trim();
    const echo = spawn("nsenter", [`--net=/proc/${pidOf(backend)}/ns/net`, process.execPath, "-e", UDP_ECHO], { stdio: "ignore" });
    try {
      const ip = (await getJson<Service>(cp, ["service", "udp-echo"])).spec!.clusterIP!;
      const answer = await eventually("a UDP answer through the cluster IP", () => {
        try {
          return execFileSync("nsenter", [`--net=/proc/${pidOf(frontend)}/ns/net`, process.execPath, "-e", UDP_ASK, ip, "53"], { encoding: "utf8", timeout: 5000 }).trim();
        } catch {
          return undefined;
        }
      }, { timeoutMs: 30_000 });
      expect(answer).toBe("echo: ping");
    } finally {
      echo.kill();
    }
  });

  if (mode === "routed") {
    it("routes each node's pod CIDR to the other (host-gw)", async () => {
      const nodes = await getJson<List<Node>>(cp, ["nodes"]);
      const b = nodes.items.find((n) => n.metadata.name === "node-b")!;
      const a = cluster.get().node("node-a");
      const routes = sh("ip", ["-n", a.net.netns, "route", "show", b.spec!.podCIDR!]);
      expect(routes).toContain(`via ${cluster.get().node("node-b").ip}`);
    });
  } else {
    it("installs no pod routes and publishes node-b's pod ports on its Node", async () => {
      const a = cluster.get().node("node-a");
      expect(sh("ip", ["-n", a.net.netns, "route", "show", "proto", "201"]).trim()).toBe("");
      const b = await getJson<Node>(cp, ["node", "node-b"]);
      expect(b.metadata.annotations?.["skiff.io/pod-network"]).toBe("published");
      const published = JSON.parse(b.metadata.annotations?.["skiff.io/published-ports"] ?? "{}") as Record<string, number>;
      for (const pod of await readyPods(cp, "app=webapp")) expect(published[`${pod.status!.podIP}:5000/TCP`]).toBeGreaterThanOrEqual(20000);
    });
  }

  it("refuses calls at once when webapp-deployment is scaled to 0, and serves again when scaled back", async () => {
    await kubectlOk(cp, ["scale", "deployment", "webapp-deployment", "--replicas=0"]);
    const refused = await eventually("the call refused", async () => {
      const r = await fromFrontend(clusterIP, 80);
      return !r.ok && r.out;
    }, { timeoutMs: 60_000 });
    expect(refused).toMatch(/refused/i);
    await kubectlOk(cp, ["scale", "deployment", "webapp-deployment", "--replicas=2"]);
    const back = await servedToFrontend("served again", clusterIP, 80, 90_000);
    expect(back).toBe("web-app v1");
  });

  it("answers the LoadBalancer Service's nodePort on both nodes' addresses (EXTERNAL-IP <pending>)", async () => {
    await kubectlOk(cp, ["apply", "-f", join(SEED, "webapp-service-loadbalancer.yaml")]);
    const svc = await getJson<Service>(cp, ["service", "webservice"]);
    const nodePort = svc.spec!.ports![0].nodePort!;
    expect(nodePort).toBeGreaterThanOrEqual(30000);
    const table = await kubectlOk(cp, ["get", "service", "webservice"]);
    expect(table.stdout).toMatch(/webservice\s+LoadBalancer\s+\S+\s+<pending>\s+80:\d+\/TCP/);
    for (const node of cluster.get().nodes) {
      const body = await eventually(`nodePort on ${node.name}`, () => httpGet(`http://${node.ip}:${nodePort}/`).catch(() => undefined), { timeoutMs: 30_000 });
      expect(body.trim()).toBe("web-app v1");
    }
  });

  if (mode === "routed") {
    it("loses no request of a client loop through a NodePort during a rolling update with a readiness probe", async () => {
      await rollingUpdateUnderLoad(cp, cluster.get());
    });
  }
}

async function rollingUpdateUnderLoad(cp: ControlPlane, c: Cluster): Promise<void> {
  const labels = { app: "rollme" };
  const container = (image: string) => ({
    name: "web",
    image,
    imagePullPolicy: "Never",
    ports: [{ containerPort: 5000 }],
    readinessProbe: { httpGet: { path: "/health", port: 5000 }, periodSeconds: 1 },
    // The user's part, as in Kubernetes: keep serving while the proxies forget the pod.
    lifecycle: { preStop: { exec: { command: ["sleep", "3"] } } },
  });
  await create(
    cp,
    undefined,
    <Deployment>{
      apiVersion: "apps/v1",
      kind: "Deployment",
      metadata: { name: "rollme" },
      spec: {
        replicas: 4,
        selector: { matchLabels: labels },
        template: { metadata: { labels }, spec: { terminationGracePeriodSeconds: 10, containers: [container("web-app:1.0")] } },
      },
    },
    <Service>{ apiVersion: "v1", kind: "Service", metadata: { name: "rollme" }, spec: { type: "NodePort", selector: labels, ports: [{ port: 80, targetPort: 5000 }] } },
  );
  await kubectlOk(cp, ["rollout", "status", "deployment/rollme", "--timeout=120s"], { timeoutMs: 130_000 });
  const nodePort = (await getJson<Service>(cp, ["service", "rollme"])).spec!.ports![0].nodePort!;
  const url = `http://${c.node("node-a").ip}:${nodePort}/`;
  await eventually("rollme answers", () => httpGet(url).catch(() => undefined), { timeoutMs: 30_000 });

  let stop = false;
  const failures: string[] = [];
  const answers = new Map<string, number>();
  const loop = (async () => {
    while (!stop) {
      try {
        const body = (await httpGet(url)).trim();
        answers.set(body, (answers.get(body) ?? 0) + 1);
      } catch (err) {
        failures.push(String((err as Error).message));
      }
    }
  })();
  await kubectlOk(cp, ["set", "image", "deployment/rollme", "web=web-app:2.0"]);
  await kubectlOk(cp, ["rollout", "status", "deployment/rollme", "--timeout=180s"], { timeoutMs: 190_000 });
  // Old pods finish terminating after the rollout reports done.
  await eventually("old pods gone", async () => (await getJson<List<Pod>>(cp, ["pods", "-l", "app=rollme"])).items.every((p) => p.spec?.containers[0].image === "web-app:2.0"), { timeoutMs: 60_000 });
  stop = true;
  await loop;
  expect(failures).toEqual([]);
  expect(answers.get("web-app v1")).toBeGreaterThan(0);
  expect(answers.get("web-app v2")).toBeGreaterThan(0);
}

describe.skipIf(!dockerAvailable())("Services on two routed nodes (host-gw)", () => {
  servicesScenario("routed");
});

describe.skipIf(!dockerAvailable())("Services on two unroutable nodes (published ports)", () => {
  servicesScenario("published");
});
