import { describe, expect, it } from "vitest";
import { ApiError } from "../lib/errors.js";
import type { KubeObject } from "../lib/types.js";
import { validateFields } from "./field-validation.js";
import type { WriteOptions } from "./types.js";

const deployment = (spec: Record<string, unknown>, extra: Record<string, unknown> = {}): KubeObject => ({
  apiVersion: "apps/v1",
  kind: "Deployment",
  metadata: { name: "web", labels: { "any/key": "x" }, annotations: { "free.form": "y" } },
  spec: {
    selector: { matchLabels: { app: "web" } },
    template: {
      metadata: { labels: { app: "web" } },
      spec: { containers: [{ name: "web", image: "nginx", ports: [{ containerPort: 80 }], resources: { limits: { cpu: "1" } } }] },
    },
    strategy: { rollingUpdate: { maxSurge: "25%", maxUnavailable: 1 } },
    ...spec,
  },
  ...extra,
});

function run(obj: KubeObject, options: WriteOptions, apiVersion = "apps/v1", kind = "Deployment") {
  try {
    validateFields(apiVersion, kind, obj, options);
    return undefined;
  } catch (e) {
    if (e instanceof ApiError) return e;
    throw e;
  }
}

describe("validateFields", () => {
  it("accepts a valid object with free-form maps, IntOrString and quantities untouched", () => {
    const obj = deployment({ replicas: 2 }, { status: { replicas: 1, conditions: [{ type: "Available", status: "True" }] } });
    const before = structuredClone(obj);
    expect(run(obj, { fieldValidation: "Strict" })).toBeUndefined();
    expect(obj).toEqual(before);
  });

  it.each([
    [{ replica: 2 }, 'Deployment in version "v1" cannot be handled as a Deployment: strict decoding error: unknown field "spec.replica"'],
    [
      { replica: 2, template: { metadata: {}, spec: { containers: [{ name: "a", imagee: "x" }] } } },
      // Document order: `template` sits before `replica` in the spec built above.
      'Deployment in version "v1" cannot be handled as a Deployment: strict decoding error: unknown field "spec.template.spec.containers[0].imagee", unknown field "spec.replica"',
    ],
  ])("Strict refuses unknown fields with 400, naming each (%j)", (spec, message) => {
    const e = run(deployment(spec), { fieldValidation: "Strict" });
    expect(e?.code).toBe(400);
    expect(e?.reason).toBe("BadRequest");
    expect(e?.message).toBe(message);
  });

  it("finds unknown fields in metadata, status and top level", () => {
    const obj = deployment({}, { metadata: { name: "x", labelz: {} }, status: { replicaz: 1 }, extra: true });
    expect(run(obj, { fieldValidation: "Strict" })?.message).toMatch(
      /: strict decoding error: unknown field "metadata.labelz", unknown field "status.replicaz", unknown field "extra"$/,
    );
  });

  it("names no kind when the result of a patch is checked", () => {
    const e = (() => {
      try {
        validateFields("apps/v1", "Deployment", deployment({ replica: 2 }), { fieldValidation: "Strict" }, "patch");
      } catch (err) {
        return err as ApiError;
      }
    })();
    expect(e?.message).toBe('strict decoding error: unknown field "spec.replica"');
  });

  it("Warn drops them and adds one warning per field", () => {
    const obj = deployment({ replica: 2 });
    const warnings: string[] = [];
    expect(run(obj, { fieldValidation: "Warn", warnings })).toBeUndefined();
    expect(warnings).toEqual(['unknown field "spec.replica"']);
    expect(obj.spec).not.toHaveProperty("replica");
  });

  it("Ignore drops them silently; no directive means Warn", () => {
    const ignored = deployment({ replica: 2 });
    const warnings: string[] = [];
    run(ignored, { fieldValidation: "Ignore", warnings });
    expect(ignored.spec).not.toHaveProperty("replica");
    expect(warnings).toEqual([]);
    run(deployment({ replica: 2 }), { warnings });
    expect(warnings).toEqual(['unknown field "spec.replica"']);
  });

  it("knows core kinds: Secret data keys are free, its other fields are not", () => {
    const secret: KubeObject = { apiVersion: "v1", kind: "Secret", metadata: { name: "s" }, data: { "any.key": "eA==" }, typ: "Opaque" };
    expect(run(secret, { fieldValidation: "Strict" }, "v1", "Secret")?.message).toBe(
      'Secret in version "v1" cannot be handled as a Secret: strict decoding error: unknown field "typ"',
    );
  });

  it("leaves kinds without a schema alone", () => {
    expect(run({ metadata: {}, anything: 1 }, { fieldValidation: "Strict" }, "example.com/v1", "Widget")).toBeUndefined();
  });
});
