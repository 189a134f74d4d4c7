import { describe, expect, it } from "vitest";
import { makeNode, makePod } from "../../testing/builders.js";
import { runFilter } from "../../testing/plugin-harness.js";
import { New } from "./index.js";

const BUSY = "Unschedulable: node(s) didn't have free ports for the requested pod ports";
const withPort = (name: string, port: { hostPort: number; hostIP?: string; protocol?: string }, nodeName?: string) =>
  makePod(name, { nodeName, spec: { containers: [{ name: "c", ports: [{ containerPort: 80, ...port }] }] } });

describe("NodePorts", () => {
  const nodes = [makeNode("a"), makeNode("b")];
  const existing = [withPort("web", { hostPort: 8080 }, "a"), withPort("dns", { hostPort: 53, protocol: "UDP", hostIP: "10.0.0.1" }, "b")];
  it.each([
    { name: "no host ports", port: undefined, want: { a: "Success", b: "Success" } },
    { name: "same port and protocol", port: { hostPort: 8080 }, want: { a: BUSY, b: "Success" } },
    { name: "same port, other protocol", port: { hostPort: 8080, protocol: "UDP" }, want: { a: "Success", b: "Success" } },
    { name: "wildcard against a specific IP", port: { hostPort: 53, protocol: "UDP" }, want: { a: "Success", b: BUSY } },
    {
      name: "two different specific IPs",
      port: { hostPort: 53, protocol: "UDP", hostIP: "10.0.0.2" },
      want: { a: "Success", b: "Success" },
    },
  ])("$name", ({ port, want }) => {
    const pod = port ? withPort("p", port) : makePod("p");
    expect(runFilter(New, pod, nodes, existing).byNode).toEqual(want);
  });
});
