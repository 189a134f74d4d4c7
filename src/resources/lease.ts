/** Lease (coordination.k8s.io/v1): node heartbeats and leader election. */
import { fieldErrors, type FieldError } from "../lib/errors.js";
import type { Lease } from "../lib/types.js";
import { validateNonnegative } from "../lib/validation.js";
import { nameIsDNSSubdomain, validateObjectMeta } from "./meta.js";
import { age, ageColumn, column, nameColumn } from "./table.js";
import type { ResourceDef } from "./types.js";

function validateLease(lease: Lease): FieldError[] {
  const errs = validateObjectMeta(lease.metadata, { namespaced: true, name: nameIsDNSSubdomain });
  const duration = lease.spec?.leaseDurationSeconds;
  if (duration != null && duration <= 0) errs.push(fieldErrors.invalid("spec.leaseDurationSeconds", duration, "must be greater than 0"));
  errs.push(...validateNonnegative(lease.spec?.leaseTransitions, "spec.leaseTransitions"));
  return errs;
}

export const leaseDef: ResourceDef<Lease> = {
  group: "coordination.k8s.io",
  version: "v1",
  kind: "Lease",
  plural: "leases",
  singular: "lease",
  namespaced: true,
  hasStatus: false,
  generationPaths: [],

  defaults() {},
  validate: validateLease,

  table: {
    columns: [nameColumn(), column("Holder", "holderIdentity contains the identity of the holder of a current lease."), ageColumn()],
    cells: (lease, now) => [lease.metadata.name, lease.spec?.holderIdentity ?? "", age(lease, now)],
  },
};
