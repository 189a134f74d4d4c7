/**
 * Secret (core/v1): `type: Opaque` by default, `stringData` folded into base64 `data` (as the v1
 * conversion does), key and per-type rules, the size limit, and `immutable`.
 */
import { fieldErrors, type FieldError } from "../lib/errors.js";
import type { Secret } from "../lib/types.js";
import { invalidEach, isConfigMapKey, validateImmutable } from "../lib/validation.js";
import { MAX_DATA_SIZE, validateImmutableData } from "./configmap.js";
import { nameIsDNSSubdomain, validateObjectMeta } from "./meta.js";
import { age, ageColumn, column, nameColumn } from "./table.js";
import type { ResourceDef } from "./types.js";
import { utf8ToBase64 } from "../lib/base64.js";

const BASE64_RE = /^(?:[A-Za-z0-9+/]{4})*(?:[A-Za-z0-9+/]{2}==|[A-Za-z0-9+/]{3}=)?$/;

/** Keys each built-in Secret type requires. */
const REQUIRED_KEYS: Record<string, string[]> = {
  "kubernetes.io/dockercfg": [".dockercfg"],
  "kubernetes.io/dockerconfigjson": [".dockerconfigjson"],
  "kubernetes.io/ssh-auth": ["ssh-privatekey"],
  "kubernetes.io/tls": ["tls.crt", "tls.key"],
};

function decodedLength(b64: string): number {
  return Math.floor((b64.length * 3) / 4) - (b64.endsWith("==") ? 2 : b64.endsWith("=") ? 1 : 0);
}

function validateSecret(secret: Secret): FieldError[] {
  const errs = validateObjectMeta(secret.metadata, { namespaced: true, name: nameIsDNSSubdomain });
  const data = secret.data ?? {};
  let size = 0;
  for (const [key, value] of Object.entries(data)) {
    errs.push(...invalidEach(`data[${key}]`, key, isConfigMapKey(key)));
    if (!BASE64_RE.test(value)) errs.push(fieldErrors.invalid(`data[${key}]`, "<secret contents redacted>", "must be base64-encoded"));
    size += decodedLength(value);
  }
  if (size > MAX_DATA_SIZE) errs.push(fieldErrors.tooLong("data", MAX_DATA_SIZE));
  const type = secret.type ?? "";
  for (const key of REQUIRED_KEYS[type] ?? []) if (!(key in data)) errs.push(fieldErrors.required(`data[${key}]`));
  if (type === "kubernetes.io/service-account-token" && !secret.metadata.annotations?.["kubernetes.io/service-account.name"])
    errs.push(fieldErrors.required("metadata.annotations[kubernetes.io/service-account.name]"));
  if (type === "kubernetes.io/basic-auth" && !("username" in data) && !("password" in data))
    errs.push(fieldErrors.required("data[username]", "one of username or password is required"));
  return errs;
}

export const secretDef: ResourceDef<Secret> = {
  group: "",
  version: "v1",
  kind: "Secret",
  plural: "secrets",
  singular: "secret",
  namespaced: true,
  hasStatus: false,
  generationPaths: [],
  fieldSelectors: ["type"],

  defaults(secret) {
    secret.type ||= "Opaque";
    // stringData is write-only: its entries win over data's and it is never stored.
    if (secret.stringData) {
      const data = (secret.data ??= {});
      for (const [k, v] of Object.entries(secret.stringData)) data[k] = utf8ToBase64(v);
      delete secret.stringData;
    }
  },
  validate: validateSecret,
  validateUpdate(secret, old) {
    return [
      ...validateSecret(secret),
      ...validateImmutable(secret.type, old.type, "type"),
      ...validateImmutableData(secret, old, ["data"]),
    ];
  },

  table: {
    columns: [
      nameColumn(),
      column("Type", "Used to facilitate programmatic handling of secret data."),
      column("Data", "Data contains the secret data."),
      ageColumn(),
    ],
    cells: (secret, now) => [secret.metadata.name, secret.type ?? "", Object.keys(secret.data ?? {}).length, age(secret, now)],
  },
};
