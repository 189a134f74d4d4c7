/** Endpoints (core/v1): validation as `ValidateEndpoints` and the table's address list. */
import { fieldErrors, type FieldError } from "../lib/errors.js";
import type { Endpoints } from "../lib/types.js";
import {
  invalidEach,
  IP_ADDRESS_ERROR,
  isValidIP,
  isValidPortNum,
  validateDNS1123Label,
  validateDNS1123Subdomain,
} from "../lib/validation.js";
import { nameIsDNSSubdomain, validateObjectMeta } from "./meta.js";
import { PORT_PROTOCOLS } from "./pod-spec-validation.js";
import { age, ageColumn, column, nameColumn } from "./table.js";
import type { ResourceDef } from "./types.js";

type Subset = NonNullable<Endpoints["subsets"]>[number];
type Address = NonNullable<Subset["addresses"]>[number];

const MAX_SHOWN = 3;

function validateAddress(a: Address, path: string): FieldError[] {
  const errs = isValidIP(a.ip) ? [] : [fieldErrors.invalid(`${path}.ip`, a.ip, IP_ADDRESS_ERROR)];
  if (a.hostname) errs.push(...validateDNS1123Label(a.hostname, `${path}.hostname`));
  if (a.nodeName) errs.push(...validateDNS1123Subdomain(a.nodeName, `${path}.nodeName`));
  return errs;
}

function validateSubset(ss: Subset, path: string): FieldError[] {
  const errs: FieldError[] = [];
  if ((ss.addresses ?? []).length === 0 && (ss.notReadyAddresses ?? []).length === 0)
    errs.push(fieldErrors.required(path, "must specify `addresses` or `notReadyAddresses`"));
  (ss.addresses ?? []).forEach((a, i) => errs.push(...validateAddress(a, `${path}.addresses[${i}]`)));
  (ss.notReadyAddresses ?? []).forEach((a, i) => errs.push(...validateAddress(a, `${path}.notReadyAddresses[${i}]`)));
  const ports = ss.ports ?? [];
  ports.forEach((port, i) => {
    const p = `${path}.ports[${i}]`;
    if (ports.length > 1 && !port.name) errs.push(fieldErrors.required(`${p}.name`));
    else if (port.name) errs.push(...validateDNS1123Label(port.name, `${p}.name`));
    errs.push(...invalidEach(`${p}.port`, port.port, isValidPortNum(port.port)));
    if (!port.protocol) errs.push(fieldErrors.required(`${p}.protocol`));
    else if (!PORT_PROTOCOLS.includes(port.protocol)) errs.push(fieldErrors.notSupported(`${p}.protocol`, port.protocol, PORT_PROTOCOLS));
  });
  return errs;
}

/** `formatEndpoints`: up to three `ip:port` entries, then `+ N more...`. */
export function formatEndpoints(ep: Endpoints): string {
  const subsets = ep.subsets ?? [];
  if (subsets.length === 0) return "<none>";
  const list: string[] = [];
  let count = 0;
  const hostPort = (ip: string, port: number) => (ip.includes(":") ? `[${ip}]:${port}` : `${ip}:${port}`);
  for (const ss of subsets) {
    const addresses = ss.addresses ?? [];
    const entries = (ss.ports ?? []).length === 0
      ? addresses.map((a) => a.ip) // headless Services may have no ports
      : (ss.ports ?? []).flatMap((p) => addresses.map((a) => hostPort(a.ip, p.port)));
    count += entries.length;
    list.push(...entries.slice(0, Math.max(0, MAX_SHOWN - list.length)));
  }
  const shown = list.join(",");
  return count > MAX_SHOWN ? `${shown} + ${count - MAX_SHOWN} more...` : shown;
}

export const endpointsDef: ResourceDef<Endpoints> = {
  group: "",
  version: "v1",
  kind: "Endpoints",
  plural: "endpoints",
  singular: "endpoints",
  namespaced: true,
  shortNames: ["ep"],
  hasStatus: false,
  generationPaths: [],

  defaults(ep) {
    for (const ss of ep.subsets ?? []) for (const p of ss.ports ?? []) p.protocol ||= "TCP";
  },
  validate(ep) {
    const errs = validateObjectMeta(ep.metadata, { namespaced: true, name: nameIsDNSSubdomain });
    (ep.subsets ?? []).forEach((ss, i) => errs.push(...validateSubset(ss, `subsets[${i}]`)));
    return errs;
  },

  table: {
    columns: [nameColumn(), column("Endpoints", "The set of all endpoints is the union of all subsets."), ageColumn()],
    cells: (ep, now) => [ep.metadata.name, formatEndpoints(ep), age(ep, now)],
  },
};
