// ENABLED_CONTROLLERS chooses the controllers as kube-controller-manager's --controllers does:
// with `*,-scheduler` the ReplicaSet controller still makes pods but nothing binds them; after a
// restart with `*`, the scheduler places them.
import { describe, expect, it } from "vitest";
import type { Event, Pod } from "../../src/lib/types.js";
import type { List } from "./harness.js";
import { create, eventually, getJson, objects, useControlPlane } from "./harness.js";

const cp = useControlPlane({ env: { ENABLED_CONTROLLERS: "*,-scheduler" } });
const NS = "own-scheduler";

const now = () => new Date().toISOString().replace(/\.\d+Z$/, "Z");
const node = {
  apiVersion: "v1",
  kind: "Node",
  metadata: { name: "solo", labels: { "kubernetes.io/hostname": "solo" } },
  status: {
    allocatable: { cpu: "4", memory: "8Gi", pods: "110" },
    capacity: { cpu: "4", memory: "8Gi", pods: "110" },
    conditions: [{ type: "Ready", status: "True", reason: "KubeletReady", lastHeartbeatTime: now(), lastTransitionTime: now() }],
  },
};
// Renewed an hour ahead, so the lifecycle controller keeps the node Ready without an agent.
const lease = {
  apiVersion: "coordination.k8s.io/v1",
  kind: "Lease",
  metadata: { name: "solo", namespace: "kube-node-lease" },
  spec: { holderIdentity: "solo", leaseDurationSeconds: 40, renewTime: new Date(Date.now() + 3600_000).toISOString().replace(/Z$/, "000Z") },
};

describe("ENABLED_CONTROLLERS", () => {
  it("runs every controller but the scheduler with *,-scheduler, and the scheduler again with *", async () => {
    await create(cp, undefined, node, objects.namespace(NS));
    await create(cp, "kube-node-lease", lease);
    await create(cp, NS, objects.deployment("web", "nginx:1.27", 2));

    const pods = async () => (await getJson<List<Pod>>(cp, ["pods", "-n", NS])).items;
    await eventually("the ReplicaSet controller to create 2 pods", async () => (await pods()).length === 2);
    // Long enough for a running scheduler to have bound them several times over.
    await new Promise((r) => setTimeout(r, 3000));
    expect((await pods()).map((p) => p.spec?.nodeName ?? "")).toEqual(["", ""]);
    const events = await getJson<List<Event>>(cp, ["events", "-n", NS]);
    expect(events.items.filter((e) => e.source?.component === "default-scheduler")).toEqual([]);

    await cp.restart({ env: { ENABLED_CONTROLLERS: "*" } });
    // Any write wakes the controller host after the restart.
    await create(cp, NS, objects.configMap("wake", {}));
    const bound = await eventually("both pods bound", async () => {
      const now = await pods();
      return now.every((p) => p.spec?.nodeName) && now;
    });
    expect(bound.map((p) => p.spec?.nodeName)).toEqual(["solo", "solo"]);
  });
});
