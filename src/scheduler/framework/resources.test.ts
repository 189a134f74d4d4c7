import { describe, expect, it } from "vitest";
import type { Container, Pod } from "../../lib/types.js";
import { DEFAULT_MEMORY_REQUEST, DEFAULT_MILLI_CPU_REQUEST, podRequests } from "./resources.js";

const c = (cpu?: string, memory?: string, restartPolicy?: string): Container => ({
  name: "c",
  restartPolicy,
  resources: { requests: { ...(cpu ? { cpu } : {}), ...(memory ? { memory } : {}) } },
});
const pod = (containers: Container[], initContainers: Container[] = [], overhead?: Record<string, string>): Pod => ({
  metadata: { name: "p" },
  spec: { containers, initContainers, overhead },
});
const Mi = 1024 * 1024;

describe("podRequests", () => {
  it.each([
    { name: "sums app containers", pod: pod([c("100m", "64Mi"), c("250m", "128Mi")]), cpu: 350, mem: 192 * Mi },
    { name: "takes a larger init container instead", pod: pod([c("100m", "64Mi")], [c("2", "32Mi")]), cpu: 2000, mem: 64 * Mi },
    {
      name: "adds sidecars to the sum and to later init containers",
      pod: pod([c("500m", "100Mi")], [c("200m", "50Mi", "Always"), c("1", "10Mi")]),
      cpu: 1200, // max(500+200, 200+1000)
      mem: 150 * Mi, // max(100+50, 50+10)
    },
    { name: "adds the overhead", pod: pod([c("1", "1Gi")], [], { cpu: "250m", memory: "120Mi" }), cpu: 1250, mem: 1144 * Mi },
    { name: "requests nothing without requests", pod: pod([c(), c()]), cpu: 0, mem: 0 },
  ])("$name", ({ pod, cpu, mem }) => {
    const r = podRequests(pod);
    expect([r.milliCpu, r.memory]).toEqual([cpu, mem]);
  });

  it("fills in upstream's defaults per container when asked (non-zero requests, for scoring)", () => {
    const r = podRequests(pod([c(), c("1")]), true);
    expect(r.milliCpu).toBe(DEFAULT_MILLI_CPU_REQUEST + 1000);
    expect(r.memory).toBe(2 * DEFAULT_MEMORY_REQUEST);
  });

  it("keeps extended resources apart", () => {
    const p = pod([{ name: "gpu", resources: { requests: { "nvidia.com/gpu": "2" } } }]);
    expect(podRequests(p).scalar.get("nvidia.com/gpu")).toBe(2);
  });
});

describe("quantities the scheduler reads", () => {
  it("parses cpu in millicores and memory in bytes, rounding up", () => {
    const r = podRequests(pod([c("0.1", "128Mi"), c("1m", "1G")]));
    expect([r.milliCpu, r.memory]).toEqual([101, 128 * Mi + 1e9]);
  });

  it("counts an unparsable quantity as nothing rather than failing", () => {
    expect(podRequests(pod([c("lots", "1Gi")])).milliCpu).toBe(0);
  });
});
