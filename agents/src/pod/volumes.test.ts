import { mkdtemp, readFile, readdir, stat, writeFile } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { describe, expect, it } from "vitest";
import type { ConfigMap, Pod, Secret } from "../../../src/lib/types.js";
import type { ReferenceSource } from "./references.js";
import { MountError, setUpVolumes } from "./volumes.js";

function refs(configMaps: Record<string, ConfigMap["data"]>, secrets: Record<string, Secret["data"]> = {}): ReferenceSource {
  return {
    configMap: async (_ns, name) => (configMaps[name] ? { metadata: { name }, data: configMaps[name] } : undefined),
    secret: async (_ns, name) => (secrets[name] ? { metadata: { name }, data: secrets[name] } : undefined),
  };
}

const pod = (volumes: NonNullable<Pod["spec"]>["volumes"]): Pod => ({ metadata: { name: "p", namespace: "default", uid: "u1" }, spec: { containers: [], volumes } });

describe("setUpVolumes", () => {
  it("writes configMap keys and secret items with their modes, and an emptyDir", async () => {
    const dir = await mkdtemp(join(tmpdir(), "skiff-vol-"));
    const paths = await setUpVolumes(
      pod([
        { name: "cfg", configMap: { name: "c" } },
        { name: "sec", secret: { secretName: "s", items: [{ key: "pw", path: "nested/password", mode: 0o400 }] } },
        { name: "scratch", emptyDir: {} },
      ]),
      dir,
      refs({ c: { a: "1", b: "2" } }, { s: { pw: Buffer.from("hunter2").toString("base64"), other: "eA==" } }),
    );
    expect((await readdir(paths.get("cfg")!)).sort()).toEqual(["a", "b"]);
    const pw = join(paths.get("sec")!, "nested/password");
    expect(await readFile(pw, "utf8")).toBe("hunter2");
    expect((await stat(pw)).mode & 0o777).toBe(0o400);
    expect((await stat(paths.get("scratch")!)).isDirectory()).toBe(true);
  });

  it("writes a Secret's binary values byte for byte", async () => {
    const dir = await mkdtemp(join(tmpdir(), "skiff-vol-"));
    const bytes = Buffer.from([0xff, 0x00, 0x80, 0xfe]);
    const paths = await setUpVolumes(pod([{ name: "sec", secret: { secretName: "s" } }]), dir, refs({}, { s: { der: bytes.toString("base64") } }));
    expect(await readFile(join(paths.get("sec")!, "der"))).toEqual(bytes);
  });

  it("updates files in place, keeping the directory containers have mounted", async () => {
    const dir = await mkdtemp(join(tmpdir(), "skiff-vol-"));
    const first = await setUpVolumes(pod([{ name: "cfg", configMap: { name: "c" } }]), dir, refs({ c: { a: "1", b: "2" } }));
    const inode = (await stat(first.get("cfg")!)).ino;
    await writeFile(join(first.get("cfg")!, "stray"), "x");
    const second = await setUpVolumes(pod([{ name: "cfg", configMap: { name: "c" } }]), dir, refs({ c: { a: "3" } }));
    expect((await stat(second.get("cfg")!)).ino).toBe(inode);
    expect(await readdir(second.get("cfg")!)).toEqual(["a"]);
    expect(await readFile(join(second.get("cfg")!, "a"), "utf8")).toBe("3");
  });

  it("fails a mount whose ConfigMap is missing unless it is optional, and unsupported volume types", async () => {
    const dir = await mkdtemp(join(tmpdir(), "skiff-vol-"));
    await expect(setUpVolumes(pod([{ name: "cfg", configMap: { name: "nope" } }]), dir, refs({}))).rejects.toThrow(
      new MountError('MountVolume.SetUp failed for volume "cfg" : configmap "nope" not found'),
    );
    await expect(setUpVolumes(pod([{ name: "cfg", configMap: { name: "nope", optional: true } }]), dir, refs({}))).resolves.toBeDefined();
    await expect(setUpVolumes(pod([{ name: "pvc", persistentVolumeClaim: { claimName: "x" } }]), dir, refs({}))).rejects.toThrow(/persistentVolumeClaim volumes are not supported/);
  });
});
