import { describe, expect, it } from "vitest";
import { ApiError } from "../errors.js";
import { applyJsonPatch } from "./json-patch.js";

const deployment = () => ({
  apiVersion: "apps/v1",
  kind: "Deployment",
  metadata: { name: "web", annotations: { "deployment.kubernetes.io/revision": "3" } },
  spec: { replicas: 2, template: { metadata: { labels: { app: "web" } }, spec: { containers: [{ name: "a", image: "a:3" }] } } },
});

function thrown(f: () => unknown): ApiError {
  try {
    f();
  } catch (e) {
    if (e instanceof ApiError) return e;
    throw e;
  }
  throw new Error("expected an ApiError");
}

describe("JSON patch", () => {
  it("applies rollout undo's patch (template and annotations replaced)", () => {
    const live = deployment();
    const template = { metadata: { labels: { app: "web" } }, spec: { containers: [{ name: "a", image: "a:2" }] } };
    const annotations = { "deployment.kubernetes.io/revision": "2" };
    const out = applyJsonPatch(live, [
      { op: "replace", path: "/spec/template", value: template },
      { op: "replace", path: "/metadata/annotations", value: annotations },
    ]);
    expect(out.spec.template).toEqual(template);
    expect(out.metadata.annotations).toEqual(annotations);
    expect(live.spec.template.spec.containers[0].image).toBe("a:3");
  });

  it("applies add, remove, move, copy and a passing test, with ~1 escapes", () => {
    const out = applyJsonPatch(deployment(), [
      { op: "test", path: "/spec/replicas", value: 2 },
      { op: "add", path: "/metadata/labels", value: { "app.kubernetes.io/name": "web" } },
      { op: "copy", from: "/metadata/labels", path: "/spec/template/metadata/labels" },
      { op: "move", from: "/spec/replicas", path: "/spec/paused" },
      { op: "remove", path: "/metadata/annotations/deployment.kubernetes.io~1revision" },
      { op: "add", path: "/spec/template/spec/containers/-", value: { name: "b", image: "b" } },
    ]);
    expect(out.metadata).toEqual({ name: "web", annotations: {}, labels: { "app.kubernetes.io/name": "web" } });
    expect(out.spec).toMatchObject({ paused: 2, template: { metadata: { labels: { "app.kubernetes.io/name": "web" } } } });
    expect(out.spec.template.spec.containers.map((x) => x.name)).toEqual(["a", "b"]);
  });

  it.each([
    ["a failed test", [{ op: "test", path: "/spec/replicas", value: 5 }]],
    ["a missing path", [{ op: "replace", path: "/spec/nothing/here", value: 1 }]],
    ["removing what is not there", [{ op: "remove", path: "/metadata/labels" }]],
    ["an unknown op", [{ op: "frobnicate", path: "/spec" }]],
    ["an op without its value", [{ op: "add", path: "/spec/x" }]],
  ])("answers 422 Invalid for %s", (_, ops) => {
    const e = thrown(() => applyJsonPatch(deployment(), ops));
    expect(e.code).toBe(422);
    expect(e.reason).toBe("Invalid");
    expect(e.message).toBe("the server rejected our request due to an error in our request");
  });

  it.each([
    ["an object", { op: "add" }],
    ["a list of non-objects", ["add"]],
    ["text that is not JSON", "[{"],
  ])("answers 400 BadRequest for %s", (_, body) => {
    const e = thrown(() => applyJsonPatch(deployment(), body));
    expect(e.code).toBe(400);
    expect(e.reason).toBe("BadRequest");
  });

  it("answers 413 beyond 10000 operations", () => {
    const ops = Array.from({ length: 10001 }, () => ({ op: "test", path: "/spec/replicas", value: 2 }));
    expect(thrown(() => applyJsonPatch(deployment(), ops)).code).toBe(413);
  });
});
