/** ServiceAccount (core/v1). */
import type { ServiceAccount } from "../lib/types.js";
import { validateDNS1123Subdomain } from "../lib/validation.js";
import { nameIsDNSSubdomain, validateObjectMeta } from "./meta.js";
import { age, ageColumn, column, nameColumn } from "./table.js";
import type { ResourceDef } from "./types.js";

export const serviceAccountDef: ResourceDef<ServiceAccount> = {
  group: "",
  version: "v1",
  kind: "ServiceAccount",
  plural: "serviceaccounts",
  singular: "serviceaccount",
  namespaced: true,
  shortNames: ["sa"],
  hasStatus: false,
  generationPaths: [],

  defaults() {},
  validate(sa) {
    const errs = validateObjectMeta(sa.metadata, { namespaced: true, name: nameIsDNSSubdomain });
    (sa.imagePullSecrets ?? []).forEach((s, i) => {
      if (s.name) errs.push(...validateDNS1123Subdomain(s.name, `imagePullSecrets[${i}].name`));
    });
    return errs;
  },

  table: {
    columns: [nameColumn(), column("Secrets", "Secrets is a list of the secrets in the same namespace that pods running using this ServiceAccount are allowed to use."), ageColumn()],
    cells: (sa, now) => [sa.metadata.name, (sa.secrets ?? []).length, age(sa, now)],
  },
};
