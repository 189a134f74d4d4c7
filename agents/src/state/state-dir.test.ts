import { mkdtempSync, readdirSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterEach, describe, expect, it } from "vitest";
import type { Pod } from "../../../src/lib/types.js";
import { StateDir } from "./state-dir.js";

const dirs: string[] = [];
afterEach(() => {
  for (const d of dirs.splice(0)) rmSync(d, { recursive: true, force: true });
});

const pod = (version: number): Pod => ({ apiVersion: "v1", kind: "Pod", metadata: { name: "web", namespace: "default", uid: "u1", resourceVersion: String(version) }, spec: { containers: [] } });

describe("StateDir", () => {
  it("takes concurrent saves of one pod without error, and keeps the newest", async () => {
    const root = mkdtempSync(join(tmpdir(), "skiff-state-"));
    dirs.push(root);
    const state = new StateDir(root);
    await state.init();
    await Promise.all(Array.from({ length: 20 }, (_, i) => state.saveAssignment(pod(i))));
    const [saved] = await state.loadAssignments();
    expect(saved?.metadata.resourceVersion).toBe("19");
    expect(readdirSync(join(root, "assignments"))).toEqual(["u1.json"]);
  });
});
