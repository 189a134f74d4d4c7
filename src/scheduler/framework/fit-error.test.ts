import { describe, expect, it } from "vitest";
import { fitErrorMessage, newDiagnosis, truncateMessage } from "./fit-error.js";
import { unresolvable, unschedulable } from "./status.js";

describe("fitErrorMessage", () => {
  it("counts nodes per reason, sorted as strings, as upstream's FitError.Error()", () => {
    const d = newDiagnosis();
    d.nodeToStatus.set("small", unschedulable("Insufficient memory"));
    d.nodeToStatus.set("cp1", unresolvable("node(s) had untolerated taint {node-role.kubernetes.io/control-plane: }"));
    d.nodeToStatus.set("cp2", unresolvable("node(s) had untolerated taint {node-role.kubernetes.io/control-plane: }"));
    expect(fitErrorMessage(3, d)).toBe(
      "0/3 nodes are available: 1 Insufficient memory, 2 node(s) had untolerated taint {node-role.kubernetes.io/control-plane: }.",
    );
  });

  it("counts every reason of a node, and sorts counts as strings (10 before 2)", () => {
    const d = newDiagnosis();
    for (let i = 0; i < 10; i++) d.nodeToStatus.set(`x${i}`, unschedulable("Too many pods"));
    d.nodeToStatus.set("y1", unschedulable("Insufficient cpu", "Insufficient memory"));
    d.nodeToStatus.set("y2", unschedulable("Insufficient cpu"));
    expect(fitErrorMessage(12, d)).toBe(
      "0/12 nodes are available: 1 Insufficient memory, 10 Too many pods, 2 Insufficient cpu.",
    );
  });

  it("counts nodes a PreFilter left out under the absent nodes' status", () => {
    const d = newDiagnosis();
    d.nodeToStatus.set("target", unschedulable("Insufficient cpu"));
    d.absentNodesStatus = unresolvable("node(s) didn't satisfy plugin(s) [NodeAffinity]");
    expect(fitErrorMessage(3, d)).toBe(
      "0/3 nodes are available: 1 Insufficient cpu, 2 node(s) didn't satisfy plugin(s) [NodeAffinity].",
    );
  });

  it("uses only the PreFilter message when a PreFilter rejected the pod", () => {
    const d = newDiagnosis();
    d.preFilterMsg = "pod affinity terms conflict";
    expect(fitErrorMessage(5, d)).toBe("0/5 nodes are available: pod affinity terms conflict.");
  });

  it("says just that with no nodes", () => {
    expect(fitErrorMessage(0, newDiagnosis())).toBe("0/0 nodes are available:");
  });
});

describe("truncateMessage", () => {
  it("keeps short messages and cuts long ones to 1024 with ' ...'", () => {
    expect(truncateMessage("short")).toBe("short");
    const long = truncateMessage("x".repeat(2000));
    expect(long).toHaveLength(1024);
    expect(long.endsWith(" ...")).toBe(true);
  });
});
