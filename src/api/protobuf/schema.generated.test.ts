// The committed table (scripts/gen-protobuf.mjs) is whole and says what Kubernetes' protos and
// Go struct tags say for the fields that matter most.
import { describe, expect, it } from "vitest";
import { isScalar } from "./schema.js";
import { SCHEMA } from "./schema.generated.js";
import { WELL_KNOWN } from "./well-known.js";

const CORE = "k8s.io.api.core.v1";
const META = "k8s.io.apimachinery.pkg.apis.meta.v1";

describe("the generated protobuf table", () => {
  it("covers every kind Skiff serves", () => {
    const kinds = Object.keys(SCHEMA.kinds);
    for (const k of ["Namespace", "Node", "Pod", "Service", "Endpoints", "ConfigMap", "Secret", "Event", "ServiceAccount"]) expect(kinds).toContain(`v1/${k}`);
    for (const k of ["Deployment", "ReplicaSet", "StatefulSet", "DaemonSet", "ControllerRevision"]) expect(kinds).toContain(`apps/v1/${k}`);
    expect(kinds).toEqual(expect.arrayContaining(["batch/v1/Job", "batch/v1/CronJob", "coordination.k8s.io/v1/Lease"]));
  });

  it("defines every message it refers to (or the decoder knows it)", () => {
    const known = (type: string) => isScalar(type) || type in SCHEMA.messages || type in WELL_KNOWN;
    for (const message of Object.values(SCHEMA.kinds)) expect(known(message), message).toBe(true);
    for (const [name, fields] of Object.entries(SCHEMA.messages)) {
      for (const [no, f] of Object.entries(fields)) {
        expect(known(f.type), `${name}.${no} → ${f.type}`).toBe(true);
        if (f.mapKey) expect(isScalar(f.mapKey)).toBe(true);
      }
    }
  });

  it("matches Kubernetes' field numbers and JSON rules", () => {
    const meta = SCHEMA.messages[`${META}.ObjectMeta`];
    expect(meta[1]).toEqual({ json: "name", type: "string", omitZero: true });
    expect(meta[11]).toEqual({ json: "labels", type: "string", mapKey: "string" });
    expect(meta[8]).toEqual({ json: "creationTimestamp", type: `${META}.Time` });
    expect(SCHEMA.messages[`${CORE}.Secret`][2]).toEqual({ json: "data", type: "bytes", mapKey: "string" });
    // Volume embeds VolumeSource with json:",inline"; Container.name has no omitempty.
    expect(SCHEMA.messages[`${CORE}.Volume`][2]).toMatchObject({ type: `${CORE}.VolumeSource`, inline: true });
    expect(SCHEMA.messages[`${CORE}.Container`][1]).toEqual({ json: "name", type: "string" });
    // DeploymentSpec.replicas is a *int32: a 0 on the wire is meant, never dropped.
    expect(SCHEMA.messages["k8s.io.api.apps.v1.DeploymentSpec"][1]).toEqual({ json: "replicas", type: "int32" });
    expect(SCHEMA.messages[`${CORE}.ServicePort`][4]).toEqual({ json: "targetPort", type: "k8s.io.apimachinery.pkg.util.intstr.IntOrString" });
  });
});
