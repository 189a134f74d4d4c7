/**
 * Wires the CronJob controller's pure core (src/controllers/cronjob.ts) into the host. The
 * core's requeue at the next schedule time is a due time on the host's (injectable) clock.
 */
import type { CronJob, Job, Stored } from "../../../lib/types.js";
import { CRONJOB_RESOURCE, reconcileCronJob } from "../../cronjob.js";
import { JOB_RESOURCE } from "../../job.js";
import type { Controller } from "../controller.js";
import { objectKey, parseKey } from "../keys.js";
import { controlledBy } from "./owned-pods.js";

const wiring = { resource: CRONJOB_RESOURCE, kind: "CronJob" };

export const cronJobController: Controller = {
  name: "cronjob",
  resources: [CRONJOB_RESOURCE, JOB_RESOURCE],
  keysFor(resource, obj, previous) {
    if (resource === CRONJOB_RESOURCE) return [objectKey(resource, obj)];
    return controlledBy(wiring, obj, previous);
  },
  allKeys: (cache) => cache.list(CRONJOB_RESOURCE).map((c) => objectKey(CRONJOB_RESOURCE, c)),
  reconcile(key, ctx) {
    const { namespace, name } = parseKey(key);
    const cronJob = ctx.cache.get<Stored<CronJob>>(CRONJOB_RESOURCE, namespace, name);
    if (!cronJob) return { actions: [] };
    return reconcileCronJob({ cronJob, jobs: ctx.cache.list<Stored<Job>>(JOB_RESOURCE, namespace), now: ctx.now });
  },
};
