import { describe, expect, it } from "vitest";
import type { Pod, Service } from "../../../src/lib/types.js";
import { serviceEnv, serviceVariables } from "./service-env.js";

function svc(ns: string, name: string, clusterIP: string | undefined, ports: Array<{ port: number; name?: string; protocol?: string }>, type?: string): Service {
  return { apiVersion: "v1", kind: "Service", metadata: { namespace: ns, name }, spec: { clusterIP, ports, type } } as Service;
}
function pod(ns: string, enableServiceLinks?: boolean): Pod {
  return { metadata: { namespace: ns, name: "p" }, spec: { containers: [], enableServiceLinks } } as Pod;
}

const kubernetes = svc("default", "kubernetes", "10.96.0.1", [{ name: "https", port: 443, protocol: "TCP" }]);
// What `env` prints in any pod of a kubeadm cluster.
const KUBERNETES_ENV = {
  KUBERNETES_SERVICE_HOST: "10.96.0.1",
  KUBERNETES_SERVICE_PORT: "443",
  KUBERNETES_SERVICE_PORT_HTTPS: "443",
  KUBERNETES_PORT: "tcp://10.96.0.1:443",
  KUBERNETES_PORT_443_TCP: "tcp://10.96.0.1:443",
  KUBERNETES_PORT_443_TCP_PROTO: "tcp",
  KUBERNETES_PORT_443_TCP_PORT: "443",
  KUBERNETES_PORT_443_TCP_ADDR: "10.96.0.1",
};

describe("serviceVariables", () => {
  it("gives the master service's variables as kubelet does", () => {
    expect(Object.fromEntries(serviceVariables(kubernetes))).toEqual(KUBERNETES_ENV);
  });

  it("names the first port _SERVICE_PORT and _PORT, every named port its own, UDP in lower case", () => {
    const s = svc("ns", "my-dns", "10.0.0.10", [
      { port: 53, protocol: "UDP" },
      { name: "dns-tcp", port: 53, protocol: "TCP" },
      { name: "metrics", port: 9153 },
    ]);
    expect(serviceVariables(s)).toEqual([
      ["MY_DNS_SERVICE_HOST", "10.0.0.10"],
      ["MY_DNS_SERVICE_PORT", "53"],
      ["MY_DNS_SERVICE_PORT_DNS_TCP", "53"],
      ["MY_DNS_SERVICE_PORT_METRICS", "9153"],
      ["MY_DNS_PORT", "udp://10.0.0.10:53"],
      ["MY_DNS_PORT_53_UDP", "udp://10.0.0.10:53"],
      ["MY_DNS_PORT_53_UDP_PROTO", "udp"],
      ["MY_DNS_PORT_53_UDP_PORT", "53"],
      ["MY_DNS_PORT_53_UDP_ADDR", "10.0.0.10"],
      ["MY_DNS_PORT_53_TCP", "tcp://10.0.0.10:53"],
      ["MY_DNS_PORT_53_TCP_PROTO", "tcp"],
      ["MY_DNS_PORT_53_TCP_PORT", "53"],
      ["MY_DNS_PORT_53_TCP_ADDR", "10.0.0.10"],
      ["MY_DNS_PORT_9153_TCP", "tcp://10.0.0.10:9153"],
      ["MY_DNS_PORT_9153_TCP_PROTO", "tcp"],
      ["MY_DNS_PORT_9153_TCP_PORT", "9153"],
      ["MY_DNS_PORT_9153_TCP_ADDR", "10.0.0.10"],
    ]);
  });

  it("brackets an IPv6 cluster IP in the URLs only", () => {
    const env = Object.fromEntries(serviceVariables(svc("ns", "v6", "fd00::1", [{ port: 80 }])));
    expect(env.V6_PORT).toBe("tcp://[fd00::1]:80");
    expect(env.V6_PORT_80_TCP_ADDR).toBe("fd00::1");
  });

  it.each([
    ["headless", svc("ns", "h", "None", [{ port: 80 }])],
    ["ExternalName", svc("ns", "db1", undefined, [], "ExternalName")],
    ["no cluster IP yet", svc("ns", "x", "", [{ port: 80 }])],
  ])("gives nothing for a %s service", (_, s) => {
    expect(serviceVariables(s)).toEqual([]);
  });
});

describe("serviceEnv", () => {
  const web = svc("default", "webservice", "10.96.0.20", [{ port: 80, protocol: "TCP" }]);
  const other = svc("other", "api", "10.96.0.30", [{ port: 8080 }]);

  it.each<[string, Pod, Service[], string[]]>([
    ["the pod's namespace and the master service", pod("default"), [kubernetes, web, other], ["KUBERNETES", "WEBSERVICE"]],
    ["no other namespace's services", pod("other"), [kubernetes, web, other], ["API", "KUBERNETES"]],
    ["only the master service without service links", pod("other", false), [kubernetes, web, other], ["KUBERNETES"]],
    ["only the master service without service links, in default too", pod("default", false), [kubernetes, web], ["KUBERNETES"]],
    ["nothing when there is no master service and no links", pod("other", false), [other], []],
  ])("takes %s", (_, p, services, prefixes) => {
    const env = serviceEnv(p, services);
    expect([...new Set(Object.keys(env).map((k) => k.split(/_SERVICE_|_PORT/)[0]))].sort()).toEqual(prefixes);
  });

  it("lets a service of the pod's namespace named kubernetes shadow the master one, whatever the order", () => {
    const local = svc("other", "kubernetes", "10.96.9.9", [{ port: 443 }]);
    expect(serviceEnv(pod("other"), [kubernetes, local]).KUBERNETES_SERVICE_HOST).toBe("10.96.9.9");
    expect(serviceEnv(pod("other"), [local, kubernetes]).KUBERNETES_SERVICE_HOST).toBe("10.96.9.9");
  });

  it("gives the seed's webservice the variables kubelet gives it", () => {
    expect(serviceEnv(pod("default"), [web])).toEqual({
      WEBSERVICE_SERVICE_HOST: "10.96.0.20",
      WEBSERVICE_SERVICE_PORT: "80",
      WEBSERVICE_PORT: "tcp://10.96.0.20:80",
      WEBSERVICE_PORT_80_TCP: "tcp://10.96.0.20:80",
      WEBSERVICE_PORT_80_TCP_PROTO: "tcp",
      WEBSERVICE_PORT_80_TCP_PORT: "80",
      WEBSERVICE_PORT_80_TCP_ADDR: "10.96.0.20",
    });
  });
});
