/** ControllerRevision (apps/v1): the revision history of StatefulSets and DaemonSets. */
import { fieldErrors, type FieldError } from "../lib/errors.js";
import type { ControllerRevision } from "../lib/types.js";
import { validateImmutable, validateNonnegative } from "../lib/validation.js";
import { nameIsDNSSubdomain, validateObjectMeta } from "./meta.js";
import { age, ageColumn, column, nameColumn } from "./table.js";
import type { ResourceDef } from "./types.js";

function validateRevision(cr: ControllerRevision): FieldError[] {
  const errs = validateObjectMeta(cr.metadata, { namespaced: true, name: nameIsDNSSubdomain });
  if (cr.data == null) errs.push(fieldErrors.required("data", "data is mandatory"));
  errs.push(...validateNonnegative(cr.revision, "revision"));
  return errs;
}

/** `statefulset.apps/web`: the controller owner as the printers show it. */
function controllerName(cr: ControllerRevision): string {
  const ref = (cr.metadata.ownerReferences ?? []).find((r) => r.controller);
  if (!ref) return "<none>";
  const group = ref.apiVersion.includes("/") ? ref.apiVersion.split("/")[0] : "";
  return `${(group ? `${ref.kind}.${group}` : ref.kind).toLowerCase()}/${ref.name}`;
}

export const controllerRevisionDef: ResourceDef<ControllerRevision> = {
  group: "apps",
  version: "v1",
  kind: "ControllerRevision",
  plural: "controllerrevisions",
  singular: "controllerrevision",
  namespaced: true,
  hasStatus: false,
  generationPaths: [],

  defaults() {},
  validate: validateRevision,
  validateUpdate(cr, old) {
    return [...validateRevision(cr), ...validateImmutable(cr.data, old.data, "data")];
  },

  table: {
    columns: [
      nameColumn(),
      column("Controller", "Controller of the object"),
      column("Revision", "Revision indicates the revision of the state represented by Data."),
      ageColumn(),
    ],
    cells: (cr, now) => [cr.metadata.name, controllerName(cr), cr.revision, age(cr, now)],
  },
};
