/** The agent's command line (`util.parseArgs`), checked and defaulted. Pure. */
import { hostname } from "node:os";
import { parseArgs } from "node:util";

export interface AgentConfig {
  server: string;
  token: string;
  /** PEM file of the CA that signed the control plane's certificate. */
  certificateAuthority?: string;
  /** Name to verify the control plane's certificate against (when reached by another address). */
  tlsServerName?: string;
  name: string;
  labels: Record<string, string>;
  nodeIP?: string;
  runtime: "docker" | "process";
  dockerHost: string;
  pauseImage: string;
  stateDir: string;
  /** 0 disables the metrics server. */
  metricsPort: number;
  metricsHost: string;
  logLevel: "debug" | "info" | "warn" | "error";
  /** Runs the heartbeat and poll periods this many times faster (benchmarks compress an hour). */
  timeScale: number;
  /** How other nodes reach this node's pods: host-gw routes, or ports published on the host. */
  podNetwork: "routed" | "published";
  /** The host's resolver configuration: the DNS server's upstreams, `dnsPolicy: Default` pods' (kubelet's --resolv-conf). */
  resolvConf: string;
  /** The cluster's DNS domain (kubelet's --cluster-domain). */
  clusterDomain: string;
}

export const USAGE = `Usage: skiff-agent --server URL --token TOKEN [options]

  --server URL           the control plane (required)
  --token TOKEN          a join token or bearer token (required; or SKIFF_TOKEN)
  --certificate-authority FILE  CA (PEM) of the control plane's certificate
  --tls-server-name NAME the name its certificate is checked against
  --name NAME            the node's name (default: the hostname)
  --labels k=v,...       extra node labels
  --node-ip IP           the node's InternalIP (default: the first non-loopback IPv4)
  --runtime R            docker (default) or process
  --docker-host PATH     Docker Engine socket (default /var/run/docker.sock; unix:// accepted)
  --pause-image IMAGE    sandbox image (default registry.k8s.io/pause:3.10)
  --state-dir DIR        where assignments are kept (default /var/lib/skiff-agent)
  --metrics-port N       /healthz and /metrics port (default 10248; 0 disables)
  --metrics-host H       address for the metrics server (default 127.0.0.1)
  --log-level L          debug, info (default), warn, error
  --time-scale N         for benchmarks: heartbeat and poll periods N times faster (default 1)
  --pod-network MODE     routed (default: other nodes route to this node's pod CIDR) or
                         published (unroutable: pods' container ports are published on the host)
  --resolv-conf FILE     the host's resolvers, for names outside the cluster (default /etc/resolv.conf)
  --cluster-domain D     the cluster's DNS domain (default cluster.local)
  --cleanup-network      remove the service proxy's iptables rules and the pod routes, and exit
                         (they are otherwise left in place when the agent stops or restarts)
`;

export class UsageError extends Error {}

export function parseLabels(text: string): Record<string, string> {
  const out: Record<string, string> = {};
  for (const part of text.split(",").map((s) => s.trim()).filter(Boolean)) {
    const eq = part.indexOf("=");
    if (eq <= 0) throw new UsageError(`--labels: "${part}" is not key=value`);
    out[part.slice(0, eq)] = part.slice(eq + 1);
  }
  return out;
}

export function parseConfig(argv: string[], env: Record<string, string | undefined> = {}): AgentConfig {
  const { values } = parseArgs({
    args: argv,
    options: {
      server: { type: "string" },
      token: { type: "string" },
      "certificate-authority": { type: "string" },
      "tls-server-name": { type: "string" },
      name: { type: "string" },
      labels: { type: "string" },
      "node-ip": { type: "string" },
      runtime: { type: "string" },
      "docker-host": { type: "string" },
      "pause-image": { type: "string" },
      "state-dir": { type: "string" },
      "metrics-port": { type: "string" },
      "metrics-host": { type: "string" },
      "log-level": { type: "string" },
      "time-scale": { type: "string" },
      "pod-network": { type: "string" },
      "resolv-conf": { type: "string" },
      "cluster-domain": { type: "string" },
    },
    strict: true,
  });
  const server = values.server;
  const token = values.token ?? env.SKIFF_TOKEN;
  if (!server) throw new UsageError("--server is required");
  if (!token) throw new UsageError("--token is required");
  const runtime = values.runtime ?? "docker";
  if (runtime !== "docker" && runtime !== "process") throw new UsageError(`--runtime must be docker or process, not ${runtime}`);
  const port = Number(values["metrics-port"] ?? 10248);
  if (!Number.isInteger(port) || port < 0 || port > 65535) throw new UsageError(`--metrics-port: ${values["metrics-port"]} is not a port`);
  const level = values["log-level"] ?? "info";
  if (!["debug", "info", "warn", "error"].includes(level)) throw new UsageError(`--log-level: ${level}`);
  const timeScale = Number(values["time-scale"] ?? 1);
  if (!(timeScale >= 1)) throw new UsageError(`--time-scale: ${values["time-scale"]} is not a number of at least 1`);
  const podNetwork = values["pod-network"] ?? "routed";
  if (podNetwork !== "routed" && podNetwork !== "published") throw new UsageError(`--pod-network must be routed or published, not ${podNetwork}`);
  const name = (values.name ?? hostname()).toLowerCase();
  return {
    server: server.replace(/\/+$/, ""),
    token,
    certificateAuthority: values["certificate-authority"],
    tlsServerName: values["tls-server-name"],
    name,
    labels: values.labels ? parseLabels(values.labels) : {},
    nodeIP: values["node-ip"],
    runtime,
    dockerHost: (values["docker-host"] ?? "/var/run/docker.sock").replace(/^unix:\/\//, ""),
    pauseImage: values["pause-image"] ?? "registry.k8s.io/pause:3.10",
    stateDir: values["state-dir"] ?? "/var/lib/skiff-agent",
    metricsPort: port,
    metricsHost: values["metrics-host"] ?? "127.0.0.1",
    logLevel: level as AgentConfig["logLevel"],
    timeScale,
    podNetwork,
    resolvConf: values["resolv-conf"] ?? "/etc/resolv.conf",
    clusterDomain: (values["cluster-domain"] ?? "cluster.local").replace(/^\.+|\.+$/g, "").toLowerCase(),
  };
}
