/** StatefulSet (apps/v1): defaults, validation (most of spec immutable) and table. */
import { fieldErrors, type FieldError } from "../lib/errors.js";
import type { StatefulSet } from "../lib/types.js";
import { deepEqual, validateIntOrPercent, validateNonnegative } from "../lib/validation.js";
import { nameIsDNSSubdomain, validateObjectMeta } from "./meta.js";
import { defaultPodTemplate } from "./pod-spec.js";
import { age, ageColumn, column, containerCells, containerColumns, nameColumn } from "./table.js";
import type { ResourceDef } from "./types.js";
import {
  resetStatus,
  replicasScale,
  validateCounts,
  validateLongRunningTemplate,
  validateSelectorAndTemplate,
} from "./workload.js";

type Spec = NonNullable<StatefulSet["spec"]>;

const UPDATE_FORBIDDEN =
  "updates to statefulset spec for fields other than 'replicas', 'ordinals', 'template', 'updateStrategy', 'revisionHistoryLimit', 'persistentVolumeClaimRetentionPolicy' and 'minReadySeconds' are forbidden";

function validateStrategies(spec: Spec): FieldError[] {
  const errs: FieldError[] = [];
  const policy = spec.podManagementPolicy;
  if (!policy) errs.push(fieldErrors.required("spec.podManagementPolicy"));
  else if (policy !== "OrderedReady" && policy !== "Parallel")
    errs.push(fieldErrors.invalid("spec.podManagementPolicy", policy, "must be 'OrderedReady' or 'Parallel'"));
  const strategy = spec.updateStrategy ?? {};
  const ru = strategy.rollingUpdate;
  switch (strategy.type ?? "") {
    case "":
      errs.push(fieldErrors.required("spec.updateStrategy"));
      break;
    case "OnDelete":
      if (ru) errs.push(fieldErrors.invalid("spec.updateStrategy.rollingUpdate", ru, "only allowed for updateStrategy 'RollingUpdate'"));
      break;
    case "RollingUpdate":
      if (ru) {
        errs.push(...validateNonnegative(ru.partition, "spec.updateStrategy.rollingUpdate.partition"));
        errs.push(...validateIntOrPercent(ru.maxUnavailable, "spec.updateStrategy.rollingUpdate.maxUnavailable"));
      }
      break;
    default:
      errs.push(fieldErrors.invalid("spec.updateStrategy", strategy, "must be 'RollingUpdate' or 'OnDelete'"));
  }
  const retention = spec.persistentVolumeClaimRetentionPolicy;
  for (const k of ["whenDeleted", "whenScaled"] as const) {
    const v = retention?.[k];
    if (v && v !== "Retain" && v !== "Delete")
      errs.push(fieldErrors.notSupported(`spec.persistentVolumeClaimRetentionPolicy.${k}`, v, ["Retain", "Delete"]));
  }
  if (spec.ordinals) errs.push(...validateNonnegative(spec.ordinals.start, "spec.ordinals.start"));
  return errs;
}

function validateStatefulSet(sts: StatefulSet): FieldError[] {
  const errs = validateObjectMeta(sts.metadata, { namespaced: true, name: nameIsDNSSubdomain });
  if (!sts.spec) return [...errs, fieldErrors.required("spec")];
  return [
    ...errs,
    ...validateStrategies(sts.spec),
    ...validateCounts(sts.spec),
    ...validateSelectorAndTemplate(sts.spec, "statefulset"),
    ...validateLongRunningTemplate(sts.spec.template, "StatefulSet"),
  ];
}

export const statefulSetDef: ResourceDef<StatefulSet> = {
  group: "apps",
  version: "v1",
  kind: "StatefulSet",
  plural: "statefulsets",
  singular: "statefulset",
  namespaced: true,
  shortNames: ["sts"],
  categories: ["all"],
  subresources: ["status", "scale"],
  hasStatus: true,

  defaults(sts) {
    const spec = sts.spec;
    if (!spec) return;
    spec.podManagementPolicy ||= "OrderedReady";
    const strategy = (spec.updateStrategy ??= {});
    if (!strategy.type) {
      strategy.type = "RollingUpdate";
      strategy.rollingUpdate ??= {};
    }
    if (strategy.type === "RollingUpdate" && strategy.rollingUpdate) strategy.rollingUpdate.partition ??= 0;
    const retention = (spec.persistentVolumeClaimRetentionPolicy ??= {});
    retention.whenDeleted ||= "Retain";
    retention.whenScaled ||= "Retain";
    spec.replicas ??= 1;
    spec.revisionHistoryLimit ??= 10;
    defaultPodTemplate(spec.template);
    for (const claim of spec.volumeClaimTemplates ?? []) {
      claim.apiVersion ??= "v1";
      claim.kind ??= "PersistentVolumeClaim";
      if (claim.spec) claim.spec.volumeMode ||= "Filesystem";
      (claim.status ??= {}).phase ||= "Pending";
    }
  },
  prepareForCreate: resetStatus({ replicas: 0, availableReplicas: 0 }),
  validate: validateStatefulSet,
  validateUpdate(sts, old) {
    const errs = validateStatefulSet(sts);
    const mutable = ["replicas", "ordinals", "template", "updateStrategy", "revisionHistoryLimit", "persistentVolumeClaimRetentionPolicy", "minReadySeconds"];
    const rest = (spec: Spec | undefined) =>
      Object.fromEntries(Object.entries(spec ?? {}).filter(([k]) => !mutable.includes(k)));
    if (!deepEqual(rest(sts.spec), rest(old.spec))) errs.push(fieldErrors.forbidden("spec", UPDATE_FORBIDDEN));
    return errs;
  },

  table: {
    columns: [nameColumn(), column("Ready", "Number of the pod with ready state"), ageColumn(), ...containerColumns()],
    cells(sts, now) {
      const [names, images] = containerCells(sts.spec?.template?.spec?.containers);
      return [sts.metadata.name, `${sts.status?.readyReplicas ?? 0}/${sts.spec?.replicas ?? 0}`, age(sts, now), names, images];
    },
  },
  scale: replicasScale<StatefulSet>(),
};
