// Objects survive a restart of the dev server on the same state directory: same uid, same
// resourceVersion, same allocations; the revision counter and the allocators carry on.
import { describe, expect, it } from "vitest";
import type { ConfigMap, Deployment, Namespace, Service } from "../../src/lib/types.js";
import type { List } from "./harness.js";
import { api, create, getJson, objects, useControlPlane } from "./harness.js";

const cp = useControlPlane();
const NS = "durable";

interface Snapshot {
  uid?: string;
  resourceVersion?: string;
  generation?: number;
}
const identity = (o: { metadata: Snapshot }): Snapshot => ({
  uid: o.metadata.uid,
  resourceVersion: o.metadata.resourceVersion,
  generation: o.metadata.generation,
});

describe("a restart of wrangler dev on the same state directory", () => {
  it("keeps every object as it was, and the revision counter and IP allocator carry on", async () => {
    await create(cp, undefined, objects.namespace(NS));
    await create(
      cp,
      NS,
      objects.configMap("settings", { mode: "durable" }),
      objects.deployment("web", "nginx:1.27", 2),
      objects.service("web", "ClusterIP", 80, 8080),
      objects.service("edge", "NodePort", 443, 8443),
    );

    const before = {
      cm: await getJson<ConfigMap>(cp, ["cm", "settings", "-n", NS]),
      deploy: await getJson<Deployment>(cp, ["deploy", "web", "-n", NS]),
      svc: await getJson<Service>(cp, ["svc", "web", "-n", NS]),
      edge: await getJson<Service>(cp, ["svc", "edge", "-n", NS]),
    };
    // kubectl's -o json List has an empty resourceVersion; the API's list has the current revision.
    const beforeList = (await api(cp, "GET", `/api/v1/namespaces/${NS}/configmaps`)).json<List>();
    expect(beforeList.metadata.resourceVersion).toMatch(/^\d+$/);

    await cp.restart();

    const cm = await getJson<ConfigMap>(cp, ["cm", "settings", "-n", NS]);
    expect(identity(cm)).toEqual(identity(before.cm));
    expect(cm.data).toEqual({ mode: "durable" });
    const svc = await getJson<Service>(cp, ["svc", "web", "-n", NS]);
    expect(identity(svc)).toEqual(identity(before.svc));
    expect(svc.spec?.clusterIP).toBe(before.svc.spec?.clusterIP);
    const edge = await getJson<Service>(cp, ["svc", "edge", "-n", NS]);
    expect(edge.spec?.ports?.[0].nodePort).toBe(before.edge.spec?.ports?.[0].nodePort);
    // A controller may have written the Deployment's status since; its identity and spec stay.
    const deploy = await getJson<Deployment>(cp, ["deploy", "web", "-n", NS]);
    expect(deploy.metadata.uid).toBe(before.deploy.metadata.uid);
    expect(deploy.metadata.generation).toBe(before.deploy.metadata.generation);
    expect(deploy.spec).toEqual(before.deploy.spec);

    const namespaces = await getJson<List<Namespace>>(cp, ["namespaces"]);
    expect(namespaces.items.map((n) => n.metadata.name)).toEqual(
      expect.arrayContaining(["default", "kube-system", "kube-public", "kube-node-lease", NS]),
    );

    // New writes continue the revision sequence and the allocators remember what they gave out.
    await create(cp, NS, objects.configMap("after-restart", { a: "1" }));
    const after = await getJson<ConfigMap>(cp, ["cm", "after-restart", "-n", NS]);
    expect(Number(after.metadata.resourceVersion)).toBeGreaterThan(Number(beforeList.metadata.resourceVersion));
    await create(cp, NS, objects.service("second", "ClusterIP", 80, 8080));
    const second = await getJson<Service>(cp, ["svc", "second", "-n", NS]);
    expect(second.spec?.clusterIP).not.toBe(svc.spec?.clusterIP);
  });
});
