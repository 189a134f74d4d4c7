import { describe, expect, it } from "vitest";
import { parseConfig, UsageError } from "./config.js";

describe("parseConfig", () => {
  it("defaults everything but the server and token", () => {
    const c = parseConfig(["--server", "http://cp:8787/", "--token", "t", "--name", "Node-A"]);
    expect(c).toMatchObject({
      server: "http://cp:8787",
      token: "t",
      name: "node-a",
      runtime: "docker",
      dockerHost: "/var/run/docker.sock",
      pauseImage: "registry.k8s.io/pause:3.10",
      metricsPort: 10248,
      labels: {},
      podNetwork: "routed",
      resolvConf: "/etc/resolv.conf",
      clusterDomain: "cluster.local",
    });
  });

  it("takes the host's resolv.conf and the cluster domain as kubelet does", () => {
    const c = parseConfig(["--server", "http://x", "--token", "t", "--resolv-conf", "/run/systemd/resolve/resolv.conf", "--cluster-domain", "Corp.Internal."]);
    expect(c).toMatchObject({ resolvConf: "/run/systemd/resolve/resolv.conf", clusterDomain: "corp.internal" });
  });

  it("parses labels, a unix:// docker host and a token from the environment", () => {
    const c = parseConfig(["--server", "http://x", "--labels", "zone=attic, disk=ssd", "--docker-host", "unix:///run/d.sock"], { SKIFF_TOKEN: "env" });
    expect(c.labels).toEqual({ zone: "attic", disk: "ssd" });
    expect(c.dockerHost).toBe("/run/d.sock");
    expect(c.token).toBe("env");
  });

  it.each([
    [["--token", "t"], "--server is required"],
    [["--server", "http://x"], "--token is required"],
    [["--server", "http://x", "--token", "t", "--runtime", "rkt"], "--runtime must be docker or process"],
    [["--server", "http://x", "--token", "t", "--labels", "novalue"], "is not key=value"],
    [["--server", "http://x", "--token", "t", "--pod-network", "overlay"], "--pod-network must be routed or published"],
  ])("rejects %j", (argv, message) => {
    expect(() => parseConfig(argv)).toThrow(UsageError);
    expect(() => parseConfig(argv)).toThrow(message);
  });
});
