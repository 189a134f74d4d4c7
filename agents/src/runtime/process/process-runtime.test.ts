import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterAll, describe } from "vitest";
import { createLogger } from "../../log.js";
import { runtimeContract } from "../runtime-contract.js";
import { ProcessRuntime } from "./process-runtime.js";

// The contract polls up to 10 s for a container to end; the test must outlive its own polls.
describe("ProcessRuntime", { timeout: 30_000 }, () => {
  const stateDir = mkdtempSync(join(tmpdir(), "skiff-process-runtime-"));
  // Registered first, so it runs after the contract's own clean-up.
  afterAll(() => rmSync(stateDir, { recursive: true, force: true }));
  runtimeContract({
    image: "none",
    newRuntime: (nodeName) => new ProcessRuntime({ nodeName, stateDir, hostIP: () => "127.0.0.1", log: createLogger("error") }),
  });
});
