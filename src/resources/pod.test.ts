import { describe, expect, it } from "vitest";
import type { Pod } from "../lib/types.js";
import { podDef, podQOSClass } from "./pod.js";
import { defaultPullPolicy } from "./pod-spec.js";

const now = new Date("2024-05-01T12:00:00Z");
const ctx = { now };

function pod(spec: Partial<NonNullable<Pod["spec"]>> = {}, extra: Partial<Pod> = {}): Pod {
  return {
    apiVersion: "v1",
    kind: "Pod",
    metadata: { name: "web", namespace: "default", creationTimestamp: "2024-05-01T11:00:00Z" },
    spec: { containers: [{ name: "web", image: "nginx:1.27" }], ...spec },
    ...extra,
  };
}

function admitted(p: Pod): Pod {
  podDef.defaults(p, ctx);
  podDef.prepareForCreate?.(p, ctx);
  return p;
}

describe("pod defaults", () => {
  it("fills in the spec, containers and admission fields", () => {
    const p = admitted(pod());
    expect(p.spec).toMatchObject({
      restartPolicy: "Always",
      dnsPolicy: "ClusterFirst",
      terminationGracePeriodSeconds: 30,
      schedulerName: "default-scheduler",
      securityContext: {},
      enableServiceLinks: true,
      serviceAccountName: "default",
      serviceAccount: "default",
      priority: 0,
      preemptionPolicy: "PreemptLowerPriority",
      tolerations: [
        { key: "node.kubernetes.io/not-ready", operator: "Exists", effect: "NoExecute", tolerationSeconds: 300 },
        { key: "node.kubernetes.io/unreachable", operator: "Exists", effect: "NoExecute", tolerationSeconds: 300 },
      ],
    });
    expect(p.spec?.containers[0]).toEqual({
      name: "web",
      image: "nginx:1.27",
      imagePullPolicy: "IfNotPresent",
      terminationMessagePath: "/dev/termination-log",
      terminationMessagePolicy: "File",
      resources: {},
    });
    expect(p.status).toEqual({ phase: "Pending", qosClass: "BestEffort" });
  });

  it("is idempotent", () => {
    const once = admitted(pod());
    const twice = structuredClone(once);
    podDef.defaults(twice, ctx);
    expect(twice).toEqual(once);
  });

  it("keeps a toleration that already covers a taint", () => {
    const p = admitted(pod({ tolerations: [{ key: "node.kubernetes.io/unreachable", operator: "Exists", effect: "NoExecute", tolerationSeconds: 10 }] }));
    expect(p.spec?.tolerations?.map((t) => [t.key, t.tolerationSeconds])).toEqual([
      ["node.kubernetes.io/unreachable", 10],
      ["node.kubernetes.io/not-ready", 300],
    ]);
    const all = admitted(pod({ tolerations: [{ operator: "Exists" }] }));
    expect(all.spec?.tolerations).toEqual([{ operator: "Exists" }]);
  });

  it.each([
    ["nginx", "Always"],
    ["nginx:latest", "Always"],
    ["nginx:1.27", "IfNotPresent"],
    ["localhost:5000/nginx", "Always"],
    ["localhost:5000/nginx:1", "IfNotPresent"],
    ["nginx@sha256:abcd", "IfNotPresent"],
  ])("pull policy for %s is %s", (image, want) => {
    expect(defaultPullPolicy(image)).toBe(want);
  });

  it("defaults probes, ports, requests from limits and volumes", () => {
    const p = admitted(
      pod({
        volumes: [{ name: "scratch" }, { name: "cfg", configMap: { name: "cfg" } }],
        containers: [
          {
            name: "web",
            image: "web:1",
            ports: [{ containerPort: 80 }],
            livenessProbe: { tcpSocket: { port: 80 } },
            resources: { limits: { cpu: "500m", memory: "128Mi" } },
            env: [{ name: "NODE", valueFrom: { fieldRef: { fieldPath: "spec.nodeName" } } }],
          },
        ],
      }),
    );
    const c = p.spec!.containers[0];
    expect(c.ports).toEqual([{ containerPort: 80, protocol: "TCP" }]);
    expect(c.livenessProbe).toEqual({ tcpSocket: { port: 80 }, timeoutSeconds: 1, periodSeconds: 10, successThreshold: 1, failureThreshold: 3 });
    expect(c.resources?.requests).toEqual({ cpu: "500m", memory: "128Mi" });
    expect(c.env?.[0].valueFrom?.fieldRef?.apiVersion).toBe("v1");
    expect(p.spec?.volumes).toEqual([
      { name: "scratch", emptyDir: {} },
      { name: "cfg", configMap: { name: "cfg", defaultMode: 420 } },
    ]);
    expect(p.status?.qosClass).toBe("Guaranteed");
  });

  it("mirrors podIP and podIPs", () => {
    const p = pod({}, { status: { podIP: "10.244.1.5" } });
    podDef.defaults(p, ctx);
    expect(p.status?.podIPs).toEqual([{ ip: "10.244.1.5" }]);
  });

  it("marks a gated pod's scheduling condition", () => {
    const p = admitted(pod({ schedulingGates: [{ name: "example.com/gate" }] }));
    expect(p.status?.conditions?.[0]).toMatchObject({ type: "PodScheduled", status: "False", reason: "SchedulingGated" });
  });
});

describe("QoS class", () => {
  const c = (resources: object) => ({ name: "c", image: "i", resources });
  it.each([
    [[c({})], "BestEffort"],
    [[c({ requests: { cpu: "100m" } })], "Burstable"],
    [[c({ limits: { cpu: "1", memory: "1Gi" }, requests: { cpu: "1", memory: "1Gi" } })], "Guaranteed"],
    [[c({ limits: { cpu: "1", memory: "1Gi" }, requests: { cpu: "500m", memory: "1Gi" } })], "Burstable"],
    [[c({ limits: { cpu: "1", memory: "1Gi" }, requests: { cpu: "1", memory: "1Gi" } }), c({})], "Burstable"],
    [[c({ requests: { cpu: "0" } })], "BestEffort"],
  ])("%j → %s", (containers, want) => {
    expect(podQOSClass({ containers })).toBe(want);
  });
});

describe("pod validation", () => {
  const errors = (p: Pod) => podDef.validate(admitted(p)).map((e) => `${e.field}: ${e.message}`);

  it("accepts a defaulted pod", () => {
    expect(errors(pod())).toEqual([]);
  });

  it.each<[string, Partial<NonNullable<Pod["spec"]>>, string[]]>([
    ["no containers", { containers: [] }, ["spec.containers: Required value"]],
    ["no image", { containers: [{ name: "web" }] }, ["spec.containers[0].image: Required value"]],
    [
      "duplicate names",
      { containers: [{ name: "a", image: "x" }, { name: "a", image: "y" }] },
      ['spec.containers[1].name: Duplicate value: "a"'],
    ],
    [
      "bad container name",
      { containers: [{ name: "Web", image: "x" }] },
      [
        "spec.containers[0].name: Invalid value: \"Web\": a lowercase RFC 1123 label must consist of lower case alphanumeric characters or '-', and must start and end with an alphanumeric character (e.g. 'my-name',  or '123-abc', regex used for validation is '[a-z0-9]([-a-z0-9]*[a-z0-9])?')",
      ],
    ],
    [
      "port out of range",
      { containers: [{ name: "a", image: "x", ports: [{ containerPort: 70000 }] }] },
      ["spec.containers[0].ports[0].containerPort: Invalid value: 70000: must be between 1 and 65535, inclusive"],
    ],
    [
      "bad restart policy",
      { restartPolicy: "Sometimes" },
      ['spec.restartPolicy: Unsupported value: "Sometimes": supported values: "Always", "OnFailure", "Never"'],
    ],
    [
      "requests over limits",
      { containers: [{ name: "a", image: "x", resources: { limits: { cpu: "500m" }, requests: { cpu: "1" } } }] },
      ['spec.containers[0].resources.requests: Invalid value: "1": must be less than or equal to cpu limit of 500m'],
    ],
    [
      "mount of a missing volume",
      { containers: [{ name: "a", image: "x", volumeMounts: [{ name: "data", mountPath: "/data" }] }] },
      ['spec.containers[0].volumeMounts[0].name: Not found: "data"'],
    ],
    [
      "probe without a handler",
      { containers: [{ name: "a", image: "x", readinessProbe: {} }] },
      ["spec.containers[0].readinessProbe: Required value: must specify a handler type"],
    ],
    [
      "liveness success threshold",
      { containers: [{ name: "a", image: "x", livenessProbe: { exec: { command: ["true"] }, successThreshold: 2 } }] },
      ["spec.containers[0].livenessProbe.successThreshold: Invalid value: 2: must be 1"],
    ],
  ])("%s", (_, spec, want) => {
    expect(errors(pod(spec))).toEqual(want);
  });

  it("checks the formats of name, generateName and namespace", () => {
    const p = pod();
    p.metadata = { name: "Web", namespace: "Bad_NS" };
    expect(errors(p).map((e) => e.split(":")[0])).toEqual(["metadata.name", "metadata.namespace"]);
    const generated = pod();
    generated.metadata = { generateName: "web-", namespace: "default" };
    expect(errors(generated)).toEqual([]);
  });
});

describe("pod updates", () => {
  const base = () => admitted(pod());
  it("may change images, add tolerations and shorten the deadline", () => {
    const old = base();
    const next = structuredClone(old);
    next.spec!.containers[0].image = "nginx:1.28";
    next.spec!.tolerations!.push({ key: "gpu", operator: "Exists", effect: "NoSchedule" });
    next.spec!.activeDeadlineSeconds = 60;
    expect(podDef.validateUpdate!(next, old)).toEqual([]);
  });

  it("may not change anything else", () => {
    const old = base();
    const next = structuredClone(old);
    next.spec!.restartPolicy = "Never";
    const errs = podDef.validateUpdate!(next, old);
    expect(errs).toHaveLength(1);
    expect(errs[0].field).toBe("spec");
    expect(errs[0].message).toMatch(/^Forbidden: pod updates may not change fields other than `spec.containers\[\*\].image`/);
  });

  it("may not remove tolerations or containers", () => {
    const old = base();
    const fewer = structuredClone(old);
    fewer.spec!.tolerations = [];
    expect(podDef.validateUpdate!(fewer, old).map((e) => e.message)).toContain(
      "Forbidden: existing toleration can not be modified except its tolerationSeconds",
    );
    const more = structuredClone(old);
    more.spec!.containers.push({ ...more.spec!.containers[0], name: "b" });
    expect(podDef.validateUpdate!(more, old)).toEqual([
      { type: "FieldValueForbidden", field: "spec.containers", message: "Forbidden: pod updates may not add or remove containers" },
    ]);
  });
});

describe("pod deletion", () => {
  const grace = (p: Pod, requested?: number) => podDef.deletion!.gracePeriodSeconds!(p, requested);
  it.each<[string, Partial<NonNullable<Pod["spec"]>>, NonNullable<Pod["status"]>, number | undefined, number]>([
    ["an unbound pod goes at once", { terminationGracePeriodSeconds: 30 }, { phase: "Pending" }, undefined, 0],
    ["a bound pod gets its own grace", { nodeName: "nuc", terminationGracePeriodSeconds: 30 }, { phase: "Running" }, undefined, 30],
    ["a requested grace wins", { nodeName: "nuc", terminationGracePeriodSeconds: 30 }, { phase: "Running" }, 5, 5],
    ["the node's zero-grace confirmation", { nodeName: "nuc", terminationGracePeriodSeconds: 30 }, { phase: "Running" }, 0, 0],
    ["a finished pod goes at once", { nodeName: "nuc", terminationGracePeriodSeconds: 30 }, { phase: "Succeeded" }, undefined, 0],
    ["a negative grace is 1 s", { nodeName: "nuc" }, { phase: "Running" }, -5, 1],
  ])("%s", (_, spec, status, requested, want) => {
    expect(grace(pod(spec, { status }), requested)).toBe(want);
  });
});

describe("pods table", () => {
  const row = (p: Pod) => podDef.table.cells(p, now);
  const running = (name: string, extra: object = {}) => ({
    name,
    image: "x",
    imageID: "",
    ready: true,
    restartCount: 0,
    state: { running: { startedAt: "2024-05-01T11:00:00Z" } },
    ...extra,
  });

  it("has kubectl's columns", () => {
    expect(podDef.table.columns.map((c) => [c.name, c.priority])).toEqual([
      ["Name", 0],
      ["Ready", 0],
      ["Status", 0],
      ["Restarts", 0],
      ["Age", 0],
      ["IP", 1],
      ["Node", 1],
      ["Nominated Node", 1],
      ["Readiness Gates", 1],
    ]);
    expect(podDef.table.columns[0].format).toBe("name");
  });

  it("shows a pending pod", () => {
    expect(row(admitted(pod()))).toEqual(["web", "0/1", "Pending", "0", "60m", "<none>", "<none>", "<none>", "<none>"]);
  });

  it("shows a running pod", () => {
    const p = pod({ nodeName: "nuc" }, { status: { phase: "Running", podIPs: [{ ip: "10.244.1.5" }], containerStatuses: [running("web")] } });
    expect(row(p)).toEqual(["web", "1/1", "Running", "0", "60m", "10.244.1.5", "nuc", "<none>", "<none>"]);
  });

  it("shows CrashLoopBackOff with restarts and when the last was", () => {
    const p = pod(
      {},
      {
        status: {
          phase: "Running",
          containerStatuses: [
            {
              name: "web",
              image: "x",
              imageID: "",
              ready: false,
              restartCount: 5,
              state: { waiting: { reason: "CrashLoopBackOff", message: "back-off 2m40s" } },
              lastState: { terminated: { exitCode: 1, reason: "Error", finishedAt: "2024-05-01T11:57:00Z" } },
            },
          ],
        },
      },
    );
    expect(row(p).slice(0, 4)).toEqual(["web", "0/1", "CrashLoopBackOff", "5 (3m ago)"]);
  });

  it.each<[string, NonNullable<Pod["status"]>, string]>([
    ["completed", { phase: "Succeeded", containerStatuses: [{ ...running("web"), ready: false, state: { terminated: { exitCode: 0, reason: "Completed" } } }] }, "Completed"],
    ["exit code", { phase: "Failed", containerStatuses: [{ ...running("web"), ready: false, state: { terminated: { exitCode: 2 } } }] }, "ExitCode:2"],
    ["signal", { phase: "Failed", containerStatuses: [{ ...running("web"), ready: false, state: { terminated: { exitCode: 137, signal: 9 } } }] }, "Signal:9"],
    ["image pull", { phase: "Pending", containerStatuses: [{ ...running("web"), ready: false, state: { waiting: { reason: "ErrImagePull" } } }] }, "ErrImagePull"],
    ["evicted", { phase: "Failed", reason: "Evicted" }, "Evicted"],
  ])("status %s", (_, status, want) => {
    expect(row(pod({}, { status }))[2]).toBe(want);
  });

  it("shows init containers' progress", () => {
    const p = pod(
      { initContainers: [{ name: "init", image: "busybox" }] },
      {
        status: {
          phase: "Pending",
          initContainerStatuses: [{ ...running("init"), ready: false }],
          containerStatuses: [{ ...running("web"), ready: false, state: { waiting: { reason: "PodInitializing" } } }],
        },
      },
    );
    expect(row(p)[2]).toBe("Init:0/1");
    p.status!.initContainerStatuses![0].state = { waiting: { reason: "CrashLoopBackOff" } };
    expect(row(p)[2]).toBe("Init:CrashLoopBackOff");
  });

  it("shows Terminating and NotReady", () => {
    const deleting = pod({}, { status: { phase: "Running", containerStatuses: [running("web")] } });
    deleting.metadata.deletionTimestamp = "2024-05-01T11:59:00Z";
    expect(row(deleting)[2]).toBe("Terminating");

    const partly = pod(
      { containers: [{ name: "a", image: "x" }, { name: "b", image: "x" }] },
      {
        status: {
          phase: "Running",
          containerStatuses: [{ ...running("a"), ready: false, state: { terminated: { exitCode: 0, reason: "Completed" } } }, running("b")],
        },
      },
    );
    expect(row(partly).slice(1, 3)).toEqual(["1/2", "NotReady"]);
  });

  it("counts readiness gates", () => {
    const p = pod({ readinessGates: [{ conditionType: "example.com/lb" }] }, { status: { conditions: [{ type: "example.com/lb", status: "True" }] } });
    expect(row(p)[8]).toBe("1/1");
  });
});
