import { DurableObject } from "cloudflare:workers";
import type { Env } from "../env.js";

/** Placeholder; replaced by the real store. */
export class ClusterStore extends DurableObject<Env> {
  async currentRevision(): Promise<number> {
    return 0;
  }
}
