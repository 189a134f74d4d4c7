/**
 * The vocabulary of controllers: a pure core plans `Action`s from desired and observed state,
 * a thin shell (the controller host, src/controllers/host.ts) applies them through the registry.
 * Keep cores free of I/O and of `Date.now()`: time is `now`, passed in.
 */
import type { KubeObject } from "../lib/types.js";

/** Identifies a kind for actions: the store key (`pods`, `replicasets.apps`). */
export type ResourceName = string;

export type Action =
  | { type: "create"; resource: ResourceName; namespace: string; object: KubeObject }
  | {
      type: "update";
      resource: ResourceName;
      namespace: string;
      /** Full object with `metadata.resourceVersion` of what was observed (compare-and-swap). */
      object: KubeObject;
      /** `finalize`: only the Namespace's `spec.finalizers` change, as kube's finalize subresource. */
      subresource?: "finalize";
    }
  | {
      type: "updateStatus";
      resource: ResourceName;
      namespace: string;
      object: KubeObject;
    }
  | {
      type: "patch";
      resource: ResourceName;
      namespace: string;
      name: string;
      /** JSON merge patch. */
      patch: Record<string, unknown>;
      subresource?: "status";
    }
  | {
      type: "delete";
      resource: ResourceName;
      namespace: string;
      name: string;
      /** Precondition, so that a controller never deletes a replacement of what it saw. */
      uid?: string;
      propagationPolicy?: "Background" | "Foreground" | "Orphan";
      gracePeriodSeconds?: number;
    }
  | {
      /** `pods/binding`: the scheduler's decision. Consecutive binds are written in batches. */
      type: "bind";
      namespace: string;
      name: string;
      uid: string;
      node: string;
    }
  | {
      type: "event";
      /** The object the event is about. */
      involvedObject: KubeObject;
      eventType: "Normal" | "Warning";
      reason: string;
      message: string;
    };

/** A request to be run again at `at` (epoch ms): back-offs, deadlines, cron times. */
export interface Requeue {
  key: string;
  at: number;
}

/** What a reconcile pass returns: actions to apply now, and when to look again. */
export interface Plan {
  actions: Action[];
  requeue?: Requeue[];
}
