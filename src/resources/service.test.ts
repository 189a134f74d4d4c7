import { describe, expect, it } from "vitest";
import type { Service } from "../lib/types.js";
import { serviceDef } from "./service.js";

const now = new Date("2024-05-01T12:00:00Z");
const ctx = { now };

function svc(spec: NonNullable<Service["spec"]>, name = "web"): Service {
  return {
    apiVersion: "v1",
    kind: "Service",
    metadata: { name, namespace: "default", creationTimestamp: "2024-05-01T11:58:00Z" },
    spec,
  };
}

function admitted(s: Service): Service {
  serviceDef.defaults(s, ctx);
  serviceDef.prepareForCreate?.(s, ctx);
  return s;
}

const errors = (s: Service) => serviceDef.validate(admitted(s)).map((e) => `${e.field}: ${e.message}`);

describe("service defaults", () => {
  it("defaults a ClusterIP Service", () => {
    const s = admitted(svc({ selector: { app: "web" }, ports: [{ port: 80 }] }));
    expect(s.spec).toEqual({
      selector: { app: "web" },
      ports: [{ port: 80, protocol: "TCP", targetPort: 80 }],
      type: "ClusterIP",
      sessionAffinity: "None",
      internalTrafficPolicy: "Cluster",
      ipFamilyPolicy: "SingleStack",
      ipFamilies: ["IPv4"],
    });
    expect(s.status).toEqual({ loadBalancer: {} });
  });

  it("defaults externalTrafficPolicy for externally reachable Services", () => {
    expect(admitted(svc({ type: "NodePort", ports: [{ port: 80 }] })).spec?.externalTrafficPolicy).toBe("Cluster");
    expect(admitted(svc({ ports: [{ port: 80 }], externalIPs: ["70.34.1.23"] })).spec?.externalTrafficPolicy).toBe("Cluster");
    expect(admitted(svc({ ports: [{ port: 80 }] })).spec?.externalTrafficPolicy).toBeUndefined();
  });

  it("defaults ClientIP affinity's timeout", () => {
    const s = admitted(svc({ ports: [{ port: 80 }], sessionAffinity: "ClientIP" }));
    expect(s.spec?.sessionAffinityConfig).toEqual({ clientIP: { timeoutSeconds: 10800 } });
  });
});

describe("service validation", () => {
  it.each<[string, NonNullable<Service["spec"]>, string[]]>([
    ["a valid Service", { ports: [{ port: 80 }] }, []],
    ["a headless Service without ports", { clusterIP: "None", selector: { app: "db" } }, []],
    ["an ExternalName Service", { type: "ExternalName", externalName: "db.example.com." }, []],
    ["no ports", {}, ["spec.ports: Required value"]],
    ["no externalName", { type: "ExternalName" }, ["spec.externalName: Required value"]],
    ["an unknown type", { type: "Magic", ports: [{ port: 80 }] }, ['spec.type: Unsupported value: "Magic": supported values: "ClusterIP", "ExternalName", "LoadBalancer", "NodePort"']],
    [
      "unnamed ports",
      { ports: [{ port: 80 }, { port: 443 }] },
      ["spec.ports[0].name: Required value", "spec.ports[1].name: Required value"],
    ],
    [
      "duplicate ports",
      { ports: [{ name: "a", port: 80 }, { name: "b", port: 80 }] },
      ['spec.ports[1]: Duplicate value: {"port":80,"protocol":"TCP"}'],
    ],
    [
      "duplicate port names",
      { ports: [{ name: "a", port: 80 }, { name: "a", port: 81 }] },
      ['spec.ports[1].name: Duplicate value: "a"'],
    ],
    ["port 0", { ports: [{ port: 0, targetPort: 80 }] }, ["spec.ports[0].port: Invalid value: 0: must be between 1 and 65535, inclusive"]],
    [
      "nodePort on ClusterIP",
      { ports: [{ port: 80, nodePort: 30080 }] },
      ["spec.ports[0].nodePort: Forbidden: may not be used when `type` is 'ClusterIP'"],
    ],
    [
      "duplicate nodePorts",
      { type: "NodePort", ports: [{ name: "a", port: 80, nodePort: 30080 }, { name: "b", port: 81, nodePort: 30080 }] },
      ["spec.ports[1].nodePort: Duplicate value: 30080"],
    ],
    ["a bad external IP", { ports: [{ port: 80 }], externalIPs: ["not-an-ip"] }, ['spec.externalIPs[0]: Invalid value: "not-an-ip": must be a valid IP address, (e.g. 10.9.8.7 or 2001:db8::ffff)']],
    ["a bad cluster IP", { ports: [{ port: 80 }], clusterIP: "10.96.0.300" }, ['spec.clusterIPs[0]: Invalid value: "10.96.0.300": must be a valid IP address, (e.g. 10.9.8.7 or 2001:db8::ffff)']],
    [
      "a bad target port name",
      { ports: [{ port: 80, targetPort: "HTTP_PORT" }] },
      [
        'spec.ports[0].targetPort: Invalid value: "HTTP_PORT": must contain only alpha-numeric characters (a-z, 0-9), and hyphens (-)',
        'spec.ports[0].targetPort: Invalid value: "HTTP_PORT": must contain at least one letter (a-z)',
      ],
    ],
  ])("%s", (_, spec, want) => {
    expect(errors(svc(spec))).toEqual(want);
  });

  it("names Services as DNS-1035 labels", () => {
    expect(errors(svc({ ports: [{ port: 80 }] }, "1web"))[0]).toMatch(/^metadata.name: Invalid value: "1web": a DNS-1035 label/);
  });
});

describe("service updates", () => {
  const allocated = () => {
    const s = admitted(svc({ type: "NodePort", ports: [{ name: "http", port: 80 }] }));
    s.spec!.clusterIP = "10.96.0.10";
    s.spec!.clusterIPs = ["10.96.0.10"];
    s.spec!.ports![0].nodePort = 30080;
    return s;
  };

  it("accepts an update that keeps the allocated values", () => {
    const old = allocated();
    const next = structuredClone(old);
    next.spec!.ports![0].port = 8080;
    serviceDef.defaults(next, ctx);
    serviceDef.prepareForUpdate?.(next, old, ctx);
    expect(next.spec?.ports?.[0].nodePort).toBe(30080);
    expect(serviceDef.validateUpdate!(next, old)).toEqual([]);
  });

  it("keeps clusterIP immutable", () => {
    const old = allocated();
    const next = structuredClone(old);
    next.spec!.clusterIP = "10.96.0.11";
    next.spec!.clusterIPs = ["10.96.0.11"];
    expect(serviceDef.validateUpdate!(next, old).map((e) => `${e.field}: ${e.message}`)).toEqual([
      'spec.clusterIPs[0]: Invalid value: ["10.96.0.11"]: may not change once set',
    ]);
  });

  it("drops what a new type does not need", () => {
    const old = allocated();
    const next = structuredClone(old);
    next.spec!.type = "ExternalName";
    next.spec!.externalName = "db.example.com";
    serviceDef.prepareForUpdate?.(next, old, ctx);
    expect(next.spec?.clusterIP).toBeUndefined();
    expect(next.spec?.ipFamilies).toBeUndefined();
    expect(next.spec?.ports?.[0].nodePort).toBeUndefined();
    expect(next.spec?.externalTrafficPolicy).toBeUndefined();
    expect(serviceDef.validateUpdate!(next, old)).toEqual([]);
  });
});

describe("services table", () => {
  const row = (s: Service) => serviceDef.table.cells(s, now);
  it("has kubectl's columns", () => {
    expect(serviceDef.table.columns.map((c) => c.name)).toEqual(["Name", "Type", "Cluster-IP", "External-IP", "Port(s)", "Age", "Selector"]);
  });

  it.each<[string, NonNullable<Service["spec"]>, NonNullable<Service["status"]>, unknown[]]>([
    ["ClusterIP", { type: "ClusterIP", clusterIPs: ["10.96.0.10"], ports: [{ port: 80, protocol: "TCP" }], selector: { app: "web" } }, {}, ["ClusterIP", "10.96.0.10", "<none>", "80/TCP", "2m", "app=web"]],
    ["NodePort", { type: "NodePort", clusterIPs: ["10.96.0.11"], ports: [{ port: 80, nodePort: 30080, protocol: "TCP" }] }, {}, ["NodePort", "10.96.0.11", "<none>", "80:30080/TCP", "2m", "<none>"]],
    ["pending LoadBalancer", { type: "LoadBalancer", clusterIPs: ["10.96.0.12"], ports: [{ port: 80, nodePort: 31000, protocol: "TCP" }] }, { loadBalancer: {} }, ["LoadBalancer", "10.96.0.12", "<pending>", "80:31000/TCP", "2m", "<none>"]],
    ["LoadBalancer with ingress", { type: "LoadBalancer", clusterIPs: ["10.96.0.12"], ports: [] }, { loadBalancer: { ingress: [{ ip: "192.168.1.240" }] } }, ["LoadBalancer", "10.96.0.12", "192.168.1.240", "<none>", "2m", "<none>"]],
    ["external IPs", { type: "ClusterIP", clusterIPs: ["10.96.0.13"], externalIPs: ["70.34.1.23"], ports: [{ port: 80, protocol: "TCP" }] }, {}, ["ClusterIP", "10.96.0.13", "70.34.1.23", "80/TCP", "2m", "<none>"]],
    ["headless", { type: "ClusterIP", clusterIPs: ["None"] }, {}, ["ClusterIP", "None", "<none>", "<none>", "2m", "<none>"]],
  ])("%s", (_, spec, status, want) => {
    const s = svc(spec);
    s.status = status;
    expect(row(s).slice(1)).toEqual(want);
  });
});
