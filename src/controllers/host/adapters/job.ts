/**
 * Wires the Job controller's pure core (src/controllers/job.ts) into the host. The core only
 * asks whether expectations are satisfied; the adapter records them from the plan it returns
 * (creations and deletions of pods), as upstream's `manageJob` does before its requests.
 */
import type { Job, Pod, Stored } from "../../../lib/types.js";
import { expect, expiresAt, forget, satisfied, type ExpectationTable } from "../../expectations.js";
import { JOB_RESOURCE, reconcileJob } from "../../job.js";
import { slowStartBatches } from "../../replicaset.js";
import type { Requeue } from "../../types.js";
import type { Controller } from "../controller.js";
import { objectKey, parseKey } from "../keys.js";
import { controlledBy, observePod, podActionFailed } from "./owned-pods.js";

const wiring = { resource: JOB_RESOURCE, kind: "Job" };

export const jobController: Controller = {
  name: "job",
  resources: [JOB_RESOURCE, "pods"],
  keysFor(resource, obj, previous) {
    if (resource === JOB_RESOURCE) return [objectKey(resource, obj)];
    // Jobs adopt no orphans: only pods they control concern them.
    return controlledBy(wiring, obj, previous);
  },
  observe(resource, type, obj, _previous, state) {
    return resource === "pods" ? observePod(wiring, type, obj, state) : state;
  },
  allKeys: (cache) => cache.list(JOB_RESOURCE).map((j) => objectKey(JOB_RESOURCE, j)),
  reconcile(key, ctx) {
    const { namespace, name } = parseKey(key);
    let expectations = (ctx.state as ExpectationTable | undefined) ?? {};
    const job = ctx.cache.get<Stored<Job>>(JOB_RESOURCE, namespace, name);
    if (!job) return { actions: [], state: forget(expectations, key) };
    const ok = satisfied(expectations, key, ctx.now);
    const plan = reconcileJob({
      job,
      pods: ctx.cache.list<Stored<Pod>>("pods", namespace),
      now: ctx.now,
      expectationsSatisfied: ok,
      randomSuffix: ctx.randomSuffix,
    });
    const requeue: Requeue[] = [...(plan.requeue ?? [])];
    const creates = plan.actions.filter((a) => a.type === "create" && a.resource === "pods").length;
    const deletes = plan.actions.flatMap((a) => (a.type === "delete" && a.resource === "pods" && a.uid ? [a.uid] : []));
    if (ok && (creates || deletes.length)) expectations = expect(expectations, key, creates, deletes, ctx.now);
    else if (!ok) {
      const at = expiresAt(expectations, key, ctx.now);
      if (at !== undefined) requeue.push({ key, at });
    }
    return { actions: plan.actions, requeue, state: expectations, createBatches: slowStartBatches(creates) };
  },
  actionFailed: (action, state) => podActionFailed(wiring, action, state),
};
