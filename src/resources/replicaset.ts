/** ReplicaSet (apps/v1): defaults, validation and table as kube-apiserver's replicaset strategy. */
import { fieldErrors, type FieldError } from "../lib/errors.js";
import type { ReplicaSet } from "../lib/types.js";
import { formatLabelSelector } from "./label-selector.js";
import { nameIsDNSSubdomain, validateObjectMeta } from "./meta.js";
import { defaultPodTemplate } from "./pod-spec.js";
import { age, ageColumn, column, containerCells, containerColumns, nameColumn, wide } from "./table.js";
import type { ResourceDef } from "./types.js";
import {
  resetStatus,
  replicasScale,
  validateCounts,
  validateLongRunningTemplate,
  validateSelectorAndTemplate,
  validateSelectorUpdate,
} from "./workload.js";

function validateReplicaSet(rs: ReplicaSet): FieldError[] {
  const errs = validateObjectMeta(rs.metadata, { namespaced: true, name: nameIsDNSSubdomain });
  if (!rs.spec) return [...errs, fieldErrors.required("spec")];
  // Upstream words the empty-selector message for ReplicaSets as for Deployments.
  return [
    ...errs,
    ...validateCounts(rs.spec),
    ...validateSelectorAndTemplate(rs.spec, "deployment"),
    ...validateLongRunningTemplate(rs.spec.template, "ReplicaSet"),
  ];
}

export const replicaSetDef: ResourceDef<ReplicaSet> = {
  group: "apps",
  version: "v1",
  kind: "ReplicaSet",
  plural: "replicasets",
  singular: "replicaset",
  namespaced: true,
  shortNames: ["rs"],
  categories: ["all"],
  subresources: ["status", "scale"],
  hasStatus: true,
  fieldSelectors: ["status.replicas"],

  defaults(rs) {
    if (!rs.spec) return;
    rs.spec.replicas ??= 1;
    defaultPodTemplate(rs.spec.template);
  },
  prepareForCreate: resetStatus({ replicas: 0 }),
  validate: validateReplicaSet,
  validateUpdate(rs, old) {
    return [...validateReplicaSet(rs), ...validateSelectorUpdate(rs.spec, old.spec)];
  },

  table: {
    columns: [
      nameColumn(),
      column("Desired", "Replicas is the number of desired pods.", { type: "integer" }),
      column("Current", "Replicas is the most recently observed number of replicas.", { type: "integer" }),
      column("Ready", "The number of ready replicas for this replica set.", { type: "integer" }),
      ageColumn(),
      ...containerColumns(),
      wide("Selector", "Selector is a label query over pods that should match the replica count."),
    ],
    cells(rs, now) {
      const [names, images] = containerCells(rs.spec?.template?.spec?.containers);
      return [
        rs.metadata.name,
        rs.spec?.replicas ?? 0,
        rs.status?.replicas ?? 0,
        rs.status?.readyReplicas ?? 0,
        age(rs, now),
        names,
        images,
        formatLabelSelector(rs.spec?.selector),
      ];
    },
  },
  scale: replicasScale<ReplicaSet>(),
};
