/**
 * Namespace (core/v1): the `kubernetes.io/metadata.name` label, the `kubernetes` finalizer and
 * phase Active on create, finalizers that change only through `/finalize`, the phase rules of
 * status updates, and deletion (Terminating until finalized; `default`, `kube-system` and
 * `kube-public` never).
 */
import { fieldErrors, type FieldError } from "../lib/errors.js";
import type { Namespace } from "../lib/types.js";
import { validateQualifiedName } from "../lib/validation.js";
import { nameIsDNSLabel, validateObjectMeta } from "./meta.js";
import { age, ageColumn, column, nameColumn } from "./table.js";
import type { ResourceDef } from "./types.js";

export const NAMESPACE_NAME_LABEL = "kubernetes.io/metadata.name";
export const KUBERNETES_FINALIZER = "kubernetes";
const STANDARD_FINALIZERS = new Set([KUBERNETES_FINALIZER, "orphan", "foregroundDeletion"]);
/** The namespaces the NamespaceLifecycle admission plugin never lets go. */
const IMMORTAL_NAMESPACES = new Set(["default", "kube-system", "kube-public"]);

function validateNamespace(ns: Namespace): FieldError[] {
  const errs = validateObjectMeta(ns.metadata, { namespaced: false, name: nameIsDNSLabel });
  (ns.spec?.finalizers ?? []).forEach((f, i) => {
    const path = `spec.finalizers[${i}]`;
    errs.push(...validateQualifiedName(f, path));
    if (!f.includes("/") && !STANDARD_FINALIZERS.has(f))
      errs.push(fieldErrors.invalid(path, f, "name is neither a standard finalizer name nor is it fully qualified"));
  });
  return errs;
}

export const namespaceDef: ResourceDef<Namespace> = {
  group: "",
  version: "v1",
  kind: "Namespace",
  plural: "namespaces",
  singular: "namespace",
  namespaced: false,
  shortNames: ["ns"],
  subresources: ["status", "finalize"],
  // Namespaces are the one kind here without deletecollection.
  verbs: ["create", "delete", "get", "list", "patch", "update", "watch"],
  hasStatus: true,
  generationPaths: [],
  fieldSelectors: ["status.phase"],

  defaults(ns) {
    if (ns.metadata.name) (ns.metadata.labels ??= {})[NAMESPACE_NAME_LABEL] = ns.metadata.name;
    (ns.status ??= {}).phase ||= "Active";
  },
  prepareForCreate(ns) {
    ns.status = { phase: "Active" };
    // Required on create, but not a default: the namespace controller removes it while deleting.
    const finalizers = ((ns.spec ??= {}).finalizers ??= []);
    if (!finalizers.includes(KUBERNETES_FINALIZER)) finalizers.push(KUBERNETES_FINALIZER);
  },
  prepareForUpdate(ns, old) {
    // spec.finalizers change only through the finalize subresource.
    const finalizers = old.spec?.finalizers;
    if (finalizers) (ns.spec ??= {}).finalizers = finalizers;
    else if (ns.spec) delete ns.spec.finalizers;
  },
  validate: validateNamespace,
  validateStatusUpdate(ns) {
    const phase = ns.status?.phase;
    if (!ns.metadata.deletionTimestamp)
      return phase === "Active" ? [] : [fieldErrors.invalid("status.Phase", phase ?? "", "may only be 'Active' if `deletionTimestamp` is empty")];
    return phase === "Terminating"
      ? []
      : [fieldErrors.invalid("status.Phase", phase ?? "", "may only be 'Terminating' if `deletionTimestamp` is not empty")];
  },

  deletion: {
    forbidden: (ns) => (IMMORTAL_NAMESPACES.has(ns.metadata.name ?? "") ? "this namespace may not be deleted" : undefined),
    // The namespace controller empties the namespace, then removes `kubernetes` through /finalize.
    pendingFinalizers: (ns) => ns.spec?.finalizers ?? [],
    prepareForDelete(ns) {
      (ns.status ??= {}).phase = "Terminating";
    },
  },

  table: {
    columns: [nameColumn(), column("Status", "The status of the namespace"), ageColumn()],
    cells: (ns, now) => [ns.metadata.name, ns.status?.phase ?? "", age(ns, now)],
  },
};
