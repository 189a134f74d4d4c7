/**
 * ObjectMeta validation shared by every kind (`apimachinery/pkg/api/validation`
 * `ValidateObjectMetaAccessor`), and the name rules kinds choose from.
 */
import { fieldErrors, type FieldError } from "../lib/errors.js";
import type { ObjectMeta } from "../lib/types.js";
import {
  isDNS1035Label,
  isDNS1123Label,
  isDNS1123Subdomain,
  invalidEach,
  validateAnnotations,
  validateLabels,
  validateNonnegative,
  validateQualifiedName,
} from "../lib/validation.js";

/** Checks a name; `prefix` is true for `generateName`, whose trailing `-` is allowed. */
export type NameValidator = (name: string, prefix: boolean) => string[];

// A generateName prefix may end in "-": the generated suffix makes it valid.
const maskTrailingDash = (name: string) => (name.length > 1 && name.endsWith("-") ? `${name.slice(0, -1)}a` : name);

export const nameIsDNSSubdomain: NameValidator = (name, prefix) => isDNS1123Subdomain(prefix ? maskTrailingDash(name) : name);
export const nameIsDNSLabel: NameValidator = (name, prefix) => isDNS1123Label(prefix ? maskTrailingDash(name) : name);
export const nameIsDNS1035Label: NameValidator = (name, prefix) => isDNS1035Label(prefix ? maskTrailingDash(name) : name);

export interface MetaRules {
  namespaced: boolean;
  name: NameValidator;
}

/**
 * The formats of name (or generateName) and namespace, labels, annotations, owner references and
 * finalizers. Whether a name and a namespace are present at all is the registry's generic check
 * (src/registry/object-meta.ts), as is everything the server sets.
 */
export function validateObjectMeta(meta: ObjectMeta | undefined, rules: MetaRules): FieldError[] {
  const m = meta ?? {};
  const errs: FieldError[] = [];
  if (m.generateName) errs.push(...invalidEach("metadata.generateName", m.generateName, rules.name(m.generateName, true)));
  if (m.name) errs.push(...invalidEach("metadata.name", m.name, rules.name(m.name, false)));
  if (rules.namespaced && m.namespace) errs.push(...invalidEach("metadata.namespace", m.namespace, isDNS1123Label(m.namespace)));
  errs.push(...validateNonnegative(m.generation, "metadata.generation"));
  errs.push(...validateLabels(m.labels, "metadata.labels"));
  errs.push(...validateAnnotations(m.annotations, "metadata.annotations"));
  errs.push(...validateOwnerReferences(m));
  (m.finalizers ?? []).forEach((f, i) => errs.push(...validateQualifiedName(f, `metadata.finalizers[${i}]`)));
  return errs;
}

function validateOwnerReferences(m: ObjectMeta): FieldError[] {
  const errs: FieldError[] = [];
  const controllers: string[] = [];
  for (const ref of m.ownerReferences ?? []) {
    const p = "metadata.ownerReferences";
    if (!ref.apiVersion) errs.push(fieldErrors.invalid(`${p}.apiVersion`, ref.apiVersion ?? "", "version must not be empty"));
    if (!ref.kind) errs.push(fieldErrors.invalid(`${p}.kind`, ref.kind ?? "", "kind must not be empty"));
    if (!ref.name) errs.push(fieldErrors.invalid(`${p}.name`, ref.name ?? "", "name must not be empty"));
    if (!ref.uid) errs.push(fieldErrors.invalid(`${p}.uid`, ref.uid ?? "", "uid must not be empty"));
    if (ref.controller) controllers.push(ref.name);
  }
  if (controllers.length > 1)
    errs.push(
      fieldErrors.invalid(
        "metadata.ownerReferences",
        m.ownerReferences,
        `Only one reference can have Controller set to true. Found "true" in references for ${controllers.join(" and ")}`,
      ),
    );
  return errs;
}
