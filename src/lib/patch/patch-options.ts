/**
 * apimachinery's `ValidatePatchOptions`: an apply patch needs a `fieldManager`, `force` belongs to
 * apply alone, and a manager name is at most 128 printable characters. Failures are 422 for
 * `PatchOptions.meta.k8s.io`, as kube-apiserver answers them.
 */
import { ApiError, fieldErrors, type FieldError } from "../errors.js";

export interface PatchOptionsToCheck {
  /** Whether the patch is `application/apply-patch+yaml`. */
  apply: boolean;
  fieldManager?: string;
  force?: boolean;
}

const FIELD_MANAGER_MAX_LENGTH = 128;

export function validatePatchOptions({ apply, fieldManager, force }: PatchOptionsToCheck): void {
  const errs: FieldError[] = [];
  if (!apply && force !== undefined) errs.push(fieldErrors.forbidden("force", "may not be specified for non-apply patch"));
  if (apply && !fieldManager) errs.push(fieldErrors.required("fieldManager", "is required for apply patch"));
  if (fieldManager && fieldManager.length > FIELD_MANAGER_MAX_LENGTH) errs.push(fieldErrors.tooLong("fieldManager", FIELD_MANAGER_MAX_LENGTH));
  if (fieldManager && /[\p{C}\p{Z}]/u.test(fieldManager.replaceAll(" ", ""))) {
    errs.push(fieldErrors.invalid("fieldManager", fieldManager, "must only contain printable characters"));
  }
  if (errs.length === 0) return;
  const list = errs.map((e) => `${e.field}: ${e.message}`);
  throw new ApiError(422, "Invalid", `PatchOptions.meta.k8s.io "" is invalid: ${list.length === 1 ? list[0] : `[${list.join(", ")}]`}`, {
    group: "meta.k8s.io",
    kind: "PatchOptions",
    name: "",
    causes: errs.map((e) => ({ reason: e.type, message: e.message, field: e.field })),
  });
}
