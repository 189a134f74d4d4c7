import { describe, expect, it } from "vitest";
import type { Pod } from "../lib/types.js";
import { podReferences, referencedBy } from "./pod-references.js";

const pod: Pod = {
  metadata: { name: "web", namespace: "default" },
  spec: {
    nodeName: "n1",
    imagePullSecrets: [{ name: "pull" }],
    initContainers: [{ name: "init", env: [{ name: "A", valueFrom: { secretKeyRef: { name: "init-secret", key: "k" } } }] }],
    containers: [
      {
        name: "app",
        env: [{ name: "B", valueFrom: { configMapKeyRef: { name: "env-cm", key: "k" } } }],
        envFrom: [{ configMapRef: { name: "from-cm" } }, { secretRef: { name: "from-secret" } }],
      },
    ],
    volumes: [
      { name: "s", secret: { secretName: "vol-secret" } },
      { name: "c", configMap: { name: "vol-cm" } },
      { name: "p", projected: { sources: [{ secret: { name: "proj-secret" } }, { configMap: { name: "proj-cm" } }] } },
    ],
  },
};

describe("podReferences", () => {
  it("finds every Secret and ConfigMap a pod names", () => {
    const refs = podReferences(pod);
    expect([...refs.secrets].sort()).toEqual(["from-secret", "init-secret", "proj-secret", "pull", "vol-secret"]);
    expect([...refs.configMaps].sort()).toEqual(["env-cm", "from-cm", "proj-cm", "vol-cm"]);
  });

  it.each<["secrets" | "configmaps", string, string, boolean]>([
    ["secrets", "default", "vol-secret", true],
    ["configmaps", "default", "from-cm", true],
    ["secrets", "default", "from-cm", false],
    ["secrets", "other", "vol-secret", false],
    ["secrets", "default", "unrelated", false],
  ])("referencedBy %s %s/%s = %s", (resource, namespace, name, expected) => {
    expect(referencedBy([pod], resource, namespace, name)).toBe(expected);
  });
});
