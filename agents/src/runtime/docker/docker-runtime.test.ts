import { existsSync } from "node:fs";
import { describe } from "vitest";
import { buildTestImages, PAUSE_IMAGE } from "../../../../test/fixtures/images/build.mjs";
import { runtimeContract } from "../runtime-contract.js";
import { DockerRuntime } from "./docker-runtime.js";
import { DockerEngine } from "./engine.js";

// The host's Docker; under CI a missing engine fails rather than skips.
const SOCKET = "/var/run/docker.sock";
const available = existsSync(SOCKET) || process.env.CI === "true";

// Real containers: generous per-test time, since the unit project runs files in parallel on 2 cores.
describe.skipIf(!available)("DockerRuntime", { timeout: 60_000 }, () => {
  buildTestImages();
  const engine = new DockerEngine(SOCKET);
  runtimeContract({
    image: "web-app:1.0",
    newRuntime: (nodeName) => new DockerRuntime({ engine, nodeName, pauseImage: PAUSE_IMAGE, network: () => "bridge" }),
  });
});
