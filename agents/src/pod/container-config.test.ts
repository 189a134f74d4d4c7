import { describe, expect, it } from "vitest";
import type { Pod } from "../../../src/lib/types.js";
import { containerConfig, expandVars, type ContainerContext } from "./container-config.js";
import { ConfigError } from "./references.js";

const pod: Pod = {
  metadata: { name: "web", namespace: "shop", uid: "u1", labels: { app: "web" } },
  spec: { containers: [], serviceAccountName: "default" },
};

function ctx(configMaps: Record<string, Record<string, string>> = {}, secrets: Record<string, Record<string, string>> = {}): ContainerContext {
  return {
    pod,
    nodeName: "node-a",
    podIP: "10.244.1.7",
    hostIP: "10.250.0.11",
    volumePaths: new Map([["data", "/var/lib/skiff/pods/u1/volumes/data"]]),
    refs: {
      configMap: async (_ns, name) => (configMaps[name] ? { metadata: { name }, data: configMaps[name] } : undefined),
      secret: async (_ns, name) => (secrets[name] ? { metadata: { name }, data: secrets[name] } : undefined),
    },
  };
}

const meta = { kind: "app" as const, attempt: 0, specHash: "h" };

describe("expandVars", () => {
  it("expands defined $(VAR)s, keeps undefined ones, and unescapes $$", () => {
    expect(expandVars("$(A)-$(B)-$$(A)", { A: "x" })).toBe("x-$(B)-$(A)");
  });
});

describe("containerConfig", () => {
  it("resolves env in order: envFrom, then env with references and field refs", async () => {
    const c = await containerConfig(
      ctx({ cfg: { LEVEL: "debug", greeting: "hi" } }, { sec: { password: Buffer.from("pw").toString("base64") } }),
      {
        name: "app",
        image: "web-app:1.0",
        envFrom: [{ configMapRef: { name: "cfg" }, prefix: "CFG_" }],
        env: [
          { name: "GREETING", valueFrom: { configMapKeyRef: { name: "cfg", key: "greeting" } } },
          { name: "PASSWORD", valueFrom: { secretKeyRef: { name: "sec", key: "password" } } },
          { name: "POD", valueFrom: { fieldRef: { fieldPath: "metadata.name" } } },
          { name: "NS", valueFrom: { fieldRef: { fieldPath: "metadata.namespace" } } },
          { name: "IP", valueFrom: { fieldRef: { fieldPath: "status.podIP" } } },
          { name: "NODE", valueFrom: { fieldRef: { fieldPath: "spec.nodeName" } } },
          { name: "APP", valueFrom: { fieldRef: { fieldPath: "metadata.labels['app']" } } },
          { name: "MSG", value: "$(GREETING) from $(POD)" },
        ],
        command: ["sh", "-c"],
        args: ["echo $(MSG)"],
        resources: { limits: { cpu: "500m", memory: "64Mi" } },
        volumeMounts: [{ name: "data", mountPath: "/data", readOnly: true }],
      },
      meta,
    );
    expect(c.env).toEqual({
      CFG_LEVEL: "debug",
      CFG_greeting: "hi",
      GREETING: "hi",
      PASSWORD: "pw",
      POD: "web",
      NS: "shop",
      IP: "10.244.1.7",
      NODE: "node-a",
      APP: "web",
      MSG: "hi from web",
    });
    expect(c.args).toEqual(["echo hi from web"]);
    expect(c.cpuLimit).toBe(0.5);
    expect(c.memoryLimitBytes).toBe(64 * 1024 * 1024);
    expect(c.mounts).toEqual([{ hostPath: "/var/lib/skiff/pods/u1/volumes/data", containerPath: "/data", readOnly: true }]);
  });

  it("adds the Service variables under the container's own, which may name them", async () => {
    const serviceEnv = { WEBSERVICE_SERVICE_HOST: "10.96.0.20", WEBSERVICE_SERVICE_PORT: "80", DB_SERVICE_HOST: "10.96.0.30" };
    const c = await containerConfig(
      { ...ctx({ cfg: { DB_SERVICE_HOST: "from-config-map" } }), serviceEnv },
      {
        name: "app",
        envFrom: [{ configMapRef: { name: "cfg" } }],
        env: [
          { name: "WEBSERVICE_SERVICE_PORT", value: "8080" },
          { name: "BACKEND", value: "http://$(WEBSERVICE_SERVICE_HOST):$(WEBSERVICE_SERVICE_PORT)" },
        ],
        command: ["echo", "$(WEBSERVICE_SERVICE_HOST)"],
      },
      meta,
    );
    expect(c.env).toEqual({ WEBSERVICE_SERVICE_HOST: "10.96.0.20", WEBSERVICE_SERVICE_PORT: "8080", DB_SERVICE_HOST: "from-config-map", BACKEND: "http://10.96.0.20:8080" });
    expect(c.command).toEqual(["echo", "10.96.0.20"]);
  });

  it("mounts the pod's resolv.conf over /etc/resolv.conf", async () => {
    const c = await containerConfig({ ...ctx(), resolvConf: "/var/lib/skiff/pods/u1/resolv.conf" }, { name: "app" }, meta);
    expect(c.mounts).toEqual([{ hostPath: "/var/lib/skiff/pods/u1/resolv.conf", containerPath: "/etc/resolv.conf", readOnly: false }]);
  });

  it.each([
    [{ configMapKeyRef: { name: "nope", key: "k" } }, 'configmap "nope" not found'],
    [{ configMapKeyRef: { name: "cfg", key: "missing" } }, "couldn't find key missing in ConfigMap shop/cfg"],
    [{ secretKeyRef: { name: "nope", key: "k" } }, 'secret "nope" not found'],
  ])("fails with kubelet's message for %j", async (valueFrom, message) => {
    await expect(containerConfig(ctx({ cfg: {} }), { name: "app", env: [{ name: "X", valueFrom }] }, meta)).rejects.toThrow(new ConfigError(message));
  });

  it("skips optional references that are missing", async () => {
    const c = await containerConfig(ctx(), { name: "app", env: [{ name: "X", valueFrom: { configMapKeyRef: { name: "nope", key: "k", optional: true } } }] }, meta);
    expect(c.env).toEqual({});
  });
});
