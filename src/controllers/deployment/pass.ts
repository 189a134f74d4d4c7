/**
 * One reconcile pass over a Deployment: working copies of the Deployment's status and
 * annotations and of the ReplicaSets it owns, mutated by the strategy functions, and turned
 * into a Plan at the end — one write per object, so that two changes to the same ReplicaSet in
 * a pass (clean up unhealthy, then scale down) never conflict with each other.
 */
import type { Deployment, Pod, ReplicaSet, Stored } from "../../lib/types.js";
import { clone, deepEqual } from "../../lib/json.js";
import type { Action, Plan, Requeue } from "../types.js";
import { byCreation, claim, controllerRefOf, controllerKey, type OwnerKind } from "../pod-util.js";
import { REPLICASET_RESOURCE } from "../replicaset.js";
import { REVISION_ANNOTATION, desiredReplicas, maxSurge, setReplicasAnnotations, specReplicas } from "./util.js";

export const DEPLOYMENT_RESOURCE = "deployments.apps";
export const DEPLOYMENT_KIND: OwnerKind = { apiVersion: "apps/v1", kind: "Deployment" };

export interface DeploymentInput {
  deployment: Stored<Deployment>;
  /** ReplicaSets of the Deployment's namespace: its own and orphans it may adopt. */
  replicaSets: Stored<ReplicaSet>[];
  /** Pods of the namespace (Recreate waits for the old ones to be gone). */
  pods: Stored<Pod>[];
  now: Date;
}

export type DeploymentStatus = NonNullable<Deployment["status"]>;
/** A ReplicaSet of this pass: stored, or about to be created (no uid yet). */
export type WorkingSet = ReplicaSet & { metadata: { name: string } };

export class Pass {
  readonly now: Date;
  readonly key: string;
  /** The Deployment as observed, with working annotations and status. */
  readonly deployment: Stored<Deployment>;
  status: DeploymentStatus;
  readonly requeue: Requeue[] = [];

  private readonly original: Stored<Deployment>;
  private readonly sets = new Map<string, WorkingSet>();
  private readonly allSets: Stored<ReplicaSet>[];
  private readonly pods: Stored<Pod>[];
  private readonly released: ReplicaSet[];
  private readonly changed = new Set<string>();
  private createdName?: string;
  private readonly writes: Action[] = [];
  private readonly events: Action[] = [];

  constructor(input: DeploymentInput) {
    this.now = input.now;
    this.original = input.deployment;
    this.deployment = clone(input.deployment);
    this.status = clone(input.deployment.status ?? {});
    this.key = controllerKey(DEPLOYMENT_RESOURCE, input.deployment);
    this.allSets = input.replicaSets;
    this.pods = input.pods;
    const claimed = claim(input.deployment, DEPLOYMENT_KIND, input.deployment.spec?.selector, input.replicaSets);
    for (const rs of claimed.owned) this.sets.set(rs.metadata.name, clone(rs));
    for (const rs of claimed.adopt) this.changed.add(rs.metadata.name);
    this.released = claimed.release;
  }

  get replicas(): number {
    return desiredReplicas(this.deployment);
  }

  /** The ReplicaSets this Deployment owns (working copies), oldest first. */
  owned(): WorkingSet[] {
    return [...this.sets.values()].sort(byCreation);
  }

  /** Any ReplicaSet of the namespace with this name, owned or not (to detect hash collisions). */
  anyNamed(name: string): ReplicaSet | undefined {
    return this.sets.get(name) ?? this.allSets.find((rs) => rs.metadata.name === name);
  }

  /** Pods whose controller is `rs`. */
  podsOf(rs: ReplicaSet): Stored<Pod>[] {
    const uid = rs.metadata.uid;
    return uid ? this.pods.filter((p) => controllerRefOf(p)?.uid === uid) : [];
  }

  create(rs: WorkingSet): void {
    this.sets.set(rs.metadata.name, rs);
    this.createdName = rs.metadata.name;
  }

  touch(rs: WorkingSet): void {
    this.changed.add(rs.metadata.name);
  }

  event(eventType: "Normal" | "Warning", reason: string, message: string): void {
    this.events.push({ type: "event", involvedObject: this.original, eventType, reason, message });
  }

  /**
   * As `scaleReplicaSet`: set the size and the desired / max annotations; an Event when the
   * size changed. Returns whether it did.
   */
  scale(rs: WorkingSet, newScale: number): boolean {
    const old = specReplicas(rs);
    const sizeChanged = old !== newScale;
    const annotationsChanged = setReplicasAnnotations(rs, this.replicas, this.replicas + maxSurge(this.deployment));
    if (!sizeChanged && !annotationsChanged) return false;
    rs.spec = { ...rs.spec!, replicas: newScale };
    this.touch(rs);
    if (sizeChanged) {
      const op = old < newScale ? "up" : "down";
      this.event("Normal", "ScalingReplicaSet", `Scaled ${op} replica set ${rs.metadata.name} from ${old} to ${newScale}`);
    }
    return sizeChanged;
  }

  /** As `scaleReplicaSetAndRecordEvent`: only when the size differs. */
  scaleIfNeeded(rs: WorkingSet, newScale: number): boolean {
    return specReplicas(rs) !== newScale && this.scale(rs, newScale);
  }

  deleteReplicaSet(rs: WorkingSet): void {
    this.writes.push({
      type: "delete",
      resource: REPLICASET_RESOURCE,
      namespace: rs.metadata.namespace!,
      name: rs.metadata.name,
      uid: rs.metadata.uid,
    });
  }

  /** Sets the Deployment's revision annotation; true when it changed. */
  setRevision(revision: string): boolean {
    const annotations = (this.deployment.metadata.annotations ??= {});
    if (annotations[REVISION_ANNOTATION] === revision) return false;
    annotations[REVISION_ANNOTATION] = revision;
    return true;
  }

  /**
   * The plan: ReplicaSet adoptions, releases, creation and updates, then the Events about them,
   * then the Deployment's status (compare-and-swap on what was observed), then its revision
   * annotation as a merge patch (which does not depend on the status write's new version).
   */
  plan(): Plan {
    const ns = this.original.metadata.namespace!;
    const actions: Action[] = [];
    for (const rs of this.released) actions.push({ type: "update", resource: REPLICASET_RESOURCE, namespace: ns, object: rs });
    if (this.createdName) {
      actions.push({ type: "create", resource: REPLICASET_RESOURCE, namespace: ns, object: this.sets.get(this.createdName)! });
    }
    for (const name of this.changed) {
      if (name === this.createdName) continue;
      actions.push({ type: "update", resource: REPLICASET_RESOURCE, namespace: ns, object: this.sets.get(name)! });
    }
    actions.push(...this.writes, ...this.events);
    // As upstream, the revision annotation travels with the status write (the status subresource
    // of a Deployment may change annotations), so it never bumps metadata.generation.
    const revision = this.deployment.metadata.annotations?.[REVISION_ANNOTATION];
    const revisionChanged = revision !== undefined && revision !== this.original.metadata.annotations?.[REVISION_ANNOTATION];
    if (revisionChanged || !deepEqual(this.status, this.original.status ?? {})) {
      const metadata = revisionChanged
        ? { ...this.original.metadata, annotations: { ...this.original.metadata.annotations, [REVISION_ANNOTATION]: revision } }
        : this.original.metadata;
      actions.push({ type: "updateStatus", resource: DEPLOYMENT_RESOURCE, namespace: ns, object: { ...this.original, metadata, status: this.status } });
    }
    return this.requeue.length > 0 ? { actions, requeue: this.requeue } : { actions };
  }
}
