/**
 * Controller and scheduler metrics, counted inside the ControllerManager Durable Object (one per
 * cluster), so they are cluster-wide. The controller host reports each reconcile (`onReconciled`);
 * the scheduler's attempts are read from what its reconcile returns: one `Scheduled` or
 * `FailedScheduling` Event per attempt, as kube-scheduler records them.
 */
import type { Action } from "../controllers/types.js";
import type { KubeObject } from "../lib/types.js";
import { CounterVec, HistogramVec } from "./collectors.js";
import type { MetricFamily } from "./exposition.js";

/** Seconds; a run covers every controller's reconciles and their writes. */
const RUN_BUCKETS: readonly number[] = [0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10, 30, 60];
const PROFILE = "default-scheduler";
const CLUSTER_WIDE = "Counted in the ControllerManager Durable Object: cluster-wide, since it last started.";

export type ScheduleResult = "scheduled" | "unschedulable" | "error";

type PodCondition = { type?: string; reason?: string };

function podScheduledReason(conditions: readonly PodCondition[] | undefined): string | undefined {
  return conditions?.find((c) => c.type === "PodScheduled")?.reason;
}

/**
 * The scheduling attempts in one scheduler reconcile's actions. A failed attempt is an error when
 * its PodScheduled reason is `SchedulerError`: from the status patch, or, when the scheduler left
 * an unchanged condition alone, from the pod's current condition.
 */
export function scheduleAttempts(actions: readonly Action[]): ScheduleResult[] {
  const patched = new Map<string, string | undefined>();
  for (const a of actions) {
    if (a.type !== "patch" || a.resource !== "pods" || a.subresource !== "status") continue;
    const status = a.patch.status as { conditions?: PodCondition[] } | undefined;
    patched.set(`${a.namespace}/${a.name}`, podScheduledReason(status?.conditions));
  }
  const results: ScheduleResult[] = [];
  for (const a of actions) {
    if (a.type !== "event") continue;
    if (a.reason === "Scheduled") results.push("scheduled");
    else if (a.reason === "FailedScheduling") {
      const pod = a.involvedObject as KubeObject & { status?: { conditions?: PodCondition[] } };
      const key = `${pod.metadata.namespace ?? "default"}/${pod.metadata.name}`;
      const reason = patched.has(key) ? patched.get(key) : podScheduledReason(pod.status?.conditions);
      results.push(reason === "SchedulerError" ? "error" : "unschedulable");
    }
  }
  return results;
}

export class ControllerMetrics {
  private readonly reconciles = new CounterVec<"controller">(
    "skiff_controller_reconciles_total",
    `Reconciles of one key, by controller. ${CLUSTER_WIDE}`,
    ["controller"],
  );
  private readonly actions = new CounterVec<"controller" | "action">(
    "skiff_controller_actions_total",
    `Actions (create, update, patch, delete, bind, event, ...) the reconciles asked for, by controller. ${CLUSTER_WIDE}`,
    ["controller", "action"],
  );
  private readonly runs = new HistogramVec<never>(
    "skiff_controller_run_duration_seconds",
    `Wall time of one controller-manager run (catching up on changes, every reconcile and its writes). ${CLUSTER_WIDE}`,
    [],
    RUN_BUCKETS,
  );
  private readonly reconcileDurations = new HistogramVec<"controller">(
    "skiff_controller_reconcile_duration_seconds",
    `Wall time of one key's reconcile and its writes, by controller (workerd's clock moves only across I/O, so mostly the writes). ${CLUSTER_WIDE}`,
    ["controller"],
    RUN_BUCKETS,
  );
  private readonly attempts = new CounterVec<"result" | "profile">(
    "skiff_scheduler_schedule_attempts_total",
    `Scheduling attempts by result (scheduled, unschedulable, error), as kube-scheduler's scheduler_schedule_attempts_total. ${CLUSTER_WIDE}`,
    ["result", "profile"],
  );

  /** One key's reconcile: the actions it asked for and the wall time of it and its writes. */
  reconciled(controller: string, actions: readonly Action[], seconds: number): void {
    this.reconciles.inc({ controller });
    this.reconcileDurations.observe({ controller }, seconds);
    for (const a of actions) this.actions.inc({ controller, action: a.type });
    if (controller === "scheduler") {
      for (const result of scheduleAttempts(actions)) this.attempts.inc({ result, profile: PROFILE });
    }
  }

  observeRun(seconds: number): void {
    this.runs.observe({}, seconds);
  }

  families(): MetricFamily[] {
    return [this.reconciles.collect(), this.actions.collect(), this.reconcileDurations.collect(), this.runs.collect(), this.attempts.collect()];
  }
}
