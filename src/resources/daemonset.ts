/** DaemonSet (apps/v1): defaults, validation, the template-generation annotation, and table. */
import { fieldErrors, type FieldError } from "../lib/errors.js";
import type { DaemonSet } from "../lib/types.js";
import { deepEqual, validateIntOrPercent, validateNotMoreThan100Percent } from "../lib/validation.js";
import { formatLabelSelector, formatLabels } from "./label-selector.js";
import { nameIsDNSSubdomain, validateObjectMeta } from "./meta.js";
import { defaultPodTemplate } from "./pod-spec.js";
import { age, ageColumn, column, containerCells, containerColumns, nameColumn, wide } from "./table.js";
import type { ResourceDef } from "./types.js";
import {
  resetStatus,
  validateCounts,
  validateLongRunningTemplate,
  validateSelectorAndTemplate,
  validateSelectorUpdate,
} from "./workload.js";

/** apps/v1 keeps the internal `spec.templateGeneration` in this annotation. */
export const TEMPLATE_GENERATION_ANNOTATION = "deprecated.daemonset.template.generation";

type Strategy = NonNullable<NonNullable<DaemonSet["spec"]>["updateStrategy"]>;

function validateUpdateStrategy(strategy: Strategy | undefined): FieldError[] {
  const path = "spec.updateStrategy";
  switch (strategy?.type) {
    case "OnDelete":
      return [];
    case "RollingUpdate": {
      const ru = strategy.rollingUpdate;
      if (!ru) return [fieldErrors.required(`${path}.rollingUpdate`)];
      const p = `${path}.rollingUpdate`;
      const errs = [
        ...validateIntOrPercent(ru.maxUnavailable, `${p}.maxUnavailable`),
        ...validateIntOrPercent(ru.maxSurge, `${p}.maxSurge`),
        ...validateNotMoreThan100Percent(ru.maxUnavailable, `${p}.maxUnavailable`),
        ...validateNotMoreThan100Percent(ru.maxSurge, `${p}.maxSurge`),
      ];
      const nonZero = (v: number | string | undefined) => v != null && Number.parseInt(String(v), 10) !== 0;
      const hasUnavailable = nonZero(ru.maxUnavailable);
      const hasSurge = nonZero(ru.maxSurge);
      if (hasUnavailable && hasSurge)
        errs.push(fieldErrors.invalid(`${p}.maxSurge`, ru.maxSurge, "may not be set when maxUnavailable is non-zero"));
      else if (!hasUnavailable && !hasSurge) errs.push(fieldErrors.required(`${p}.maxUnavailable`, "cannot be 0 when maxSurge is 0"));
      return errs;
    }
    default:
      return [fieldErrors.notSupported(path, strategy ?? null, ["RollingUpdate", "OnDelete"])];
  }
}

function validateDaemonSet(ds: DaemonSet): FieldError[] {
  const errs = validateObjectMeta(ds.metadata, { namespaced: true, name: nameIsDNSSubdomain });
  if (!ds.spec) return [...errs, fieldErrors.required("spec")];
  return [
    ...errs,
    ...validateSelectorAndTemplate(ds.spec, "daemonset"),
    ...validateLongRunningTemplate(ds.spec.template, "DaemonSet"),
    ...validateCounts(ds.spec),
    ...validateUpdateStrategy(ds.spec.updateStrategy),
  ];
}

const resetDaemonSetStatus = resetStatus({
  currentNumberScheduled: 0,
  desiredNumberScheduled: 0,
  numberMisscheduled: 0,
  numberReady: 0,
});

function templateGeneration(ds: DaemonSet): number {
  return Number.parseInt(ds.metadata.annotations?.[TEMPLATE_GENERATION_ANNOTATION] ?? "", 10) || 1;
}

function setTemplateGeneration(ds: DaemonSet, generation: number): void {
  (ds.metadata.annotations ??= {})[TEMPLATE_GENERATION_ANNOTATION] = String(generation);
}

export const daemonSetDef: ResourceDef<DaemonSet> = {
  group: "apps",
  version: "v1",
  kind: "DaemonSet",
  plural: "daemonsets",
  singular: "daemonset",
  namespaced: true,
  shortNames: ["ds"],
  categories: ["all"],
  subresources: ["status"],
  hasStatus: true,

  defaults(ds) {
    const spec = ds.spec;
    if (!spec) return;
    const strategy = (spec.updateStrategy ??= {});
    strategy.type ||= "RollingUpdate";
    if (strategy.type === "RollingUpdate") {
      const ru = (strategy.rollingUpdate ??= {});
      ru.maxUnavailable ??= 1;
      ru.maxSurge ??= 0;
    }
    spec.revisionHistoryLimit ??= 10;
    defaultPodTemplate(spec.template);
  },
  prepareForCreate(ds) {
    resetDaemonSetStatus(ds);
    setTemplateGeneration(ds, 1);
  },
  prepareForUpdate(ds, old) {
    // Clients may not set the template generation; it counts template changes.
    const changed = !deepEqual(ds.spec?.template, old.spec?.template);
    setTemplateGeneration(ds, templateGeneration(old) + (changed ? 1 : 0));
  },
  validate: validateDaemonSet,
  validateUpdate(ds, old) {
    return [...validateDaemonSet(ds), ...validateSelectorUpdate(ds.spec, old.spec)];
  },

  table: {
    columns: [
      nameColumn(),
      column("Desired", "The total number of nodes that should be running the daemon pod (including nodes correctly running the daemon pod).", { type: "integer" }),
      column("Current", "The number of nodes that are running at least 1 daemon pod and are supposed to run the daemon pod.", { type: "integer" }),
      column("Ready", "The number of nodes that should be running the daemon pod and have one or more of the daemon pod running and ready.", { type: "integer" }),
      column("Up-to-date", "The total number of nodes that are running updated daemon pod", { type: "integer" }),
      column("Available", "The number of nodes that should be running the daemon pod and have one or more of the daemon pod running and available (ready for at least spec.minReadySeconds)", { type: "integer" }),
      column("Node Selector", "NodeSelector is a selector which must be true for the pod to fit on a node."),
      ageColumn(),
      ...containerColumns(),
      wide("Selector", "A label query over pods that are managed by the daemon set."),
    ],
    cells(ds, now) {
      const status = ds.status;
      const [names, images] = containerCells(ds.spec?.template?.spec?.containers);
      return [
        ds.metadata.name,
        status?.desiredNumberScheduled ?? 0,
        status?.currentNumberScheduled ?? 0,
        status?.numberReady ?? 0,
        status?.updatedNumberScheduled ?? 0,
        status?.numberAvailable ?? 0,
        formatLabels(ds.spec?.template?.spec?.nodeSelector),
        age(ds, now),
        names,
        images,
        formatLabelSelector(ds.spec?.selector),
      ];
    },
  },
};
