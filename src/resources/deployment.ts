/** Deployment (apps/v1): defaults, validation and table as kube-apiserver's deployment strategy. */
import { fieldErrors, type FieldError } from "../lib/errors.js";
import type { Deployment } from "../lib/types.js";
import { validateIntOrPercent, validateNonnegative, validateNotMoreThan100Percent } from "../lib/validation.js";
import { selectorString } from "./label-selector.js";
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

type Strategy = NonNullable<NonNullable<Deployment["spec"]>["strategy"]>;

function validateStrategy(strategy: Strategy | undefined): FieldError[] {
  const path = "spec.strategy";
  const type = strategy?.type;
  if (!type) return [fieldErrors.required(`${path}.type`)];
  if (type !== "Recreate" && type !== "RollingUpdate")
    return [fieldErrors.notSupported(`${path}.type`, type, ["Recreate", "RollingUpdate"])];
  const ru = strategy.rollingUpdate;
  if (type === "Recreate")
    return ru ? [fieldErrors.forbidden(`${path}.rollingUpdate`, "may not be specified when strategy `type` is 'Recreate'")] : [];
  if (!ru) return [fieldErrors.required(`${path}.rollingUpdate`, "this should be defaulted and never be nil")];
  const p = `${path}.rollingUpdate`;
  const errs = [
    ...validateIntOrPercent(ru.maxUnavailable, `${p}.maxUnavailable`),
    ...validateIntOrPercent(ru.maxSurge, `${p}.maxSurge`),
  ];
  const isZero = (v: number | string | undefined) => v === 0 || v === "0%";
  if (isZero(ru.maxUnavailable) && isZero(ru.maxSurge))
    errs.push(fieldErrors.invalid(`${p}.maxUnavailable`, ru.maxUnavailable, "may not be 0 when `maxSurge` is 0"));
  errs.push(...validateNotMoreThan100Percent(ru.maxUnavailable, `${p}.maxUnavailable`));
  return errs;
}

function validateDeployment(d: Deployment): FieldError[] {
  const errs = validateObjectMeta(d.metadata, { namespaced: true, name: nameIsDNSSubdomain });
  const spec = d.spec;
  if (!spec) return [...errs, fieldErrors.required("spec")];
  errs.push(...validateCounts(spec));
  errs.push(...validateSelectorAndTemplate(spec, "deployment"));
  errs.push(...validateLongRunningTemplate(spec.template, "ReplicaSet"));
  errs.push(...validateStrategy(spec.strategy));
  if (spec.progressDeadlineSeconds != null) {
    errs.push(...validateNonnegative(spec.progressDeadlineSeconds, "spec.progressDeadlineSeconds"));
    if (spec.progressDeadlineSeconds <= (spec.minReadySeconds ?? 0))
      errs.push(fieldErrors.invalid("spec.progressDeadlineSeconds", spec.progressDeadlineSeconds, "must be greater than minReadySeconds"));
  }
  return errs;
}

export const deploymentDef: ResourceDef<Deployment> = {
  group: "apps",
  version: "v1",
  kind: "Deployment",
  plural: "deployments",
  singular: "deployment",
  namespaced: true,
  shortNames: ["deploy"],
  categories: ["all"],
  subresources: ["status", "scale"],
  hasStatus: true,
  statusWritesAnnotations: true,
  // Annotations bump generation too: the controller copies them to ReplicaSets.
  generationPaths: ["spec", "metadata.annotations"],

  defaults(d) {
    const spec = d.spec;
    if (!spec) return;
    spec.replicas ??= 1;
    const strategy = (spec.strategy ??= {});
    strategy.type ||= "RollingUpdate";
    if (strategy.type === "RollingUpdate") {
      const ru = (strategy.rollingUpdate ??= {});
      ru.maxUnavailable ??= "25%";
      ru.maxSurge ??= "25%";
    }
    spec.revisionHistoryLimit ??= 10;
    spec.progressDeadlineSeconds ??= 600;
    defaultPodTemplate(spec.template);
  },
  prepareForCreate: resetStatus(),
  validate: validateDeployment,
  validateUpdate(d, old) {
    return [...validateDeployment(d), ...validateSelectorUpdate(d.spec, old.spec)];
  },

  table: {
    columns: [
      nameColumn(),
      column("Ready", "Number of the pod with ready state"),
      column("Up-to-date", "Total number of non-terminated pods targeted by this deployment that have the desired template spec."),
      column("Available", "Total number of available pods (ready for at least minReadySeconds) targeted by this deployment."),
      ageColumn(),
      ...containerColumns(),
      wide("Selector", "Label selector for pods. Existing ReplicaSets whose pods are selected by this will be the ones affected by this deployment."),
    ],
    cells(d, now) {
      const [names, images] = containerCells(d.spec?.template?.spec?.containers);
      const status = d.status ?? {};
      return [
        d.metadata.name,
        `${status.readyReplicas ?? 0}/${d.spec?.replicas ?? 0}`,
        status.updatedReplicas ?? 0,
        status.availableReplicas ?? 0,
        age(d, now),
        names,
        images,
        selectorString(d.spec?.selector) ?? "<invalid>",
      ];
    },
  },
  scale: replicasScale<Deployment>(),
};
