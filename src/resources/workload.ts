/**
 * Rules shared by the pod-owning workloads (ReplicaSet, Deployment, StatefulSet, DaemonSet): the
 * selector/template checks of `ValidatePodTemplateSpecForReplicaSet` and friends, the `/scale`
 * subresource mapping, and status clearing on create.
 */
import { fieldErrors, type FieldError } from "../lib/errors.js";
import type { KubeObject, LabelSelector, PodTemplateSpec } from "../lib/types.js";
import { validateImmutable, validateLabelSelector, validateNonnegative } from "../lib/validation.js";
import { isEmptySelector, selectorMatches, selectorString } from "./label-selector.js";
import { validatePodTemplateSpec } from "./pod-spec-validation.js";
import type { ScaleDef } from "./types.js";

/** The spec fields every workload has. */
export interface WorkloadSpec {
  replicas?: number;
  selector?: LabelSelector;
  template?: PodTemplateSpec;
  minReadySeconds?: number;
  revisionHistoryLimit?: number;
}

type Workload = KubeObject & { spec?: WorkloadSpec; status?: { replicas?: number } };

/**
 * The selector is present, valid and non-empty, the template is valid, and the selector matches the
 * template's labels. `kindName` words the empty-selector message (`empty selector is invalid for deployment`).
 */
export function validateSelectorAndTemplate(spec: WorkloadSpec, kindName: string): FieldError[] {
  const errs: FieldError[] = [];
  const selector = spec.selector;
  if (!selector) errs.push(fieldErrors.required("spec.selector"));
  else {
    errs.push(...validateLabelSelector(selector, "spec.selector"));
    if (isEmptySelector(selector)) errs.push(fieldErrors.invalid("spec.selector", selector, `empty selector is invalid for ${kindName}`));
  }
  if (!spec.template) return [...errs, fieldErrors.required("spec.template")];
  const validSelector = selector && selectorString(selector) !== null;
  if (validSelector && !isEmptySelector(selector) && !selectorMatches(selector, spec.template.metadata?.labels))
    errs.push(
      fieldErrors.invalid("spec.template.metadata.labels", spec.template.metadata?.labels ?? {}, "`selector` does not match template `labels`"),
    );
  errs.push(...validatePodTemplateSpec(spec.template, "spec.template"));
  return errs;
}

/**
 * Pods of long-running workloads restart always and have no deadline. `owner` words the message:
 * `activeDeadlineSeconds in ReplicaSet is not Supported`.
 */
export function validateLongRunningTemplate(template: PodTemplateSpec | undefined, owner: string): FieldError[] {
  const spec = template?.spec;
  if (!spec) return [];
  const errs: FieldError[] = [];
  if (spec.restartPolicy && spec.restartPolicy !== "Always")
    errs.push(fieldErrors.notSupported("spec.template.spec.restartPolicy", spec.restartPolicy, ["Always"]));
  if (spec.activeDeadlineSeconds != null)
    errs.push(fieldErrors.forbidden("spec.template.spec.activeDeadlineSeconds", `activeDeadlineSeconds in ${owner} is not Supported`));
  return errs;
}

/** replicas, minReadySeconds and revisionHistoryLimit are non-negative. */
export function validateCounts(spec: WorkloadSpec): FieldError[] {
  return [
    ...validateNonnegative(spec.replicas, "spec.replicas"),
    ...validateNonnegative(spec.minReadySeconds, "spec.minReadySeconds"),
    ...validateNonnegative(spec.revisionHistoryLimit, "spec.revisionHistoryLimit"),
  ];
}

/** `spec.selector` may not change once set (apps/v1). */
export function validateSelectorUpdate(next: WorkloadSpec | undefined, old: WorkloadSpec | undefined): FieldError[] {
  return validateImmutable(next?.selector, old?.selector, "spec.selector");
}

/**
 * On create a workload's status is the controller's to fill. `initial` holds the counters the
 * kind's status always serializes (Go fields without `omitempty`), e.g. `{ replicas: 0 }`.
 */
export function resetStatus(initial: Record<string, number> = {}): (obj: KubeObject) => void {
  return (obj) => {
    obj.status = { ...initial };
  };
}

/** `/scale` for kinds with `spec.replicas`, `status.replicas` and `spec.selector`. */
export function replicasScale<T extends Workload>(): ScaleDef<T> {
  return {
    specReplicas: (obj) => obj.spec?.replicas ?? 0,
    setSpecReplicas: (obj, replicas) => {
      (obj.spec ??= {}).replicas = replicas;
    },
    statusReplicas: (obj) => obj.status?.replicas ?? 0,
    selector: (obj) => selectorString(obj.spec?.selector) ?? "",
  };
}
