/**
 * Every kind Skiff serves, in discovery order, with the lookups the API server, registry and
 * controllers use: by group and plural (URLs), by group and kind (bodies, owner references), by
 * store key (`deployments.apps`, controllers' actions).
 */
import { configMapDef } from "./configmap.js";
import { controllerRevisionDef } from "./controllerrevision.js";
import { cronJobDef } from "./cronjob.js";
import { daemonSetDef } from "./daemonset.js";
import { deploymentDef } from "./deployment.js";
import { endpointsDef } from "./endpoints.js";
import { eventDef } from "./event.js";
import { jobDef } from "./job.js";
import { leaseDef } from "./lease.js";
import { namespaceDef } from "./namespace.js";
import { nodeDef } from "./node.js";
import { podDef } from "./pod.js";
import { replicaSetDef } from "./replicaset.js";
import { secretDef } from "./secret.js";
import { serviceDef } from "./service.js";
import { serviceAccountDef } from "./serviceaccount.js";
import { statefulSetDef } from "./statefulset.js";
import { resourceKey, type ResourceDef } from "./types.js";

/** All kinds, grouped as discovery lists them: core, apps, batch, coordination.k8s.io. */
export const resources: readonly ResourceDef[] = [
  namespaceDef,
  nodeDef,
  podDef,
  serviceDef,
  endpointsDef,
  configMapDef,
  secretDef,
  eventDef,
  serviceAccountDef,
  deploymentDef,
  replicaSetDef,
  statefulSetDef,
  daemonSetDef,
  controllerRevisionDef,
  jobDef,
  cronJobDef,
  leaseDef,
];

const byPlural = new Map(resources.map((d) => [`${d.group}/${d.plural}`, d]));
const byKind = new Map(resources.map((d) => [`${d.group}/${d.kind}`, d]));
const byKey = new Map(resources.map((d) => [resourceKey(d), d]));

/** The kind served at `/apis/<group>/v1/.../<plural>` (`""` for the core group). */
export function resourceByPlural(group: string, plural: string): ResourceDef | undefined {
  return byPlural.get(`${group}/${plural}`);
}

/** The kind named by `apiVersion` + `kind` in a body (group `""` for `v1`). */
export function resourceByKind(group: string, kind: string): ResourceDef | undefined {
  return byKind.get(`${group}/${kind}`);
}

/** The kind stored under a store key (`pods`, `deployments.apps`); throws for a key no kind has. */
export function resourceByKey(key: string): ResourceDef {
  const def = byKey.get(key);
  if (!def) throw new Error(`no resource is stored as ${JSON.stringify(key)}`);
  return def;
}

/** The kinds of one group, for `/api/v1` and `/apis/<group>/<version>` discovery. */
export function resourcesInGroup(group: string): ResourceDef[] {
  return resources.filter((d) => d.group === group);
}

/** The groups served, core first. */
export function groups(): string[] {
  return [...new Set(resources.map((d) => d.group))];
}

export {
  configMapDef,
  controllerRevisionDef,
  cronJobDef,
  daemonSetDef,
  deploymentDef,
  endpointsDef,
  eventDef,
  jobDef,
  leaseDef,
  namespaceDef,
  nodeDef,
  podDef,
  replicaSetDef,
  secretDef,
  serviceDef,
  serviceAccountDef,
  statefulSetDef,
};
