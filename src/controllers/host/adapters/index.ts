/**
 * The controllers the host runs, in the order a round reconciles them: owners before what they
 * own (CronJob → Job, Deployment → ReplicaSet), so a chain advances as far as it can per round.
 */
import type { Controller } from "../controller.js";
import { cronJobController } from "./cronjob.js";
import { daemonSetController } from "./daemonset.js";
import { deploymentController } from "./deployment.js";
import { endpointsController } from "./endpoints.js";
import { eventTTLController } from "./events.js";
import { garbageCollectorController } from "./garbage-collector.js";
import { jobController } from "./job.js";
import { namespaceController } from "./namespace.js";
import { nodeIpamController } from "./node-ipam.js";
import { nodeLifecycleController } from "./node-lifecycle.js";
import { replicaSetController } from "./replicaset.js";
import { schedulerController } from "./scheduler.js";
import { statefulSetController } from "./statefulset.js";

/** A fresh set per host: the scheduler keeps its queue in memory between runs. */
export function createControllers(): Controller[] {
  return [...controllers, schedulerController()];
}

export const controllers: Controller[] = [
  deploymentController,
  replicaSetController,
  statefulSetController,
  daemonSetController,
  cronJobController,
  jobController,
  garbageCollectorController,
  namespaceController,
  nodeLifecycleController,
  endpointsController,
  nodeIpamController,
  eventTTLController,
];
