/** Node (core/v1): validation of taints and pod CIDRs, their update rules, and the nodes table. */
import { fieldErrors, type FieldError } from "../lib/errors.js";
import type { Node } from "../lib/types.js";
import { CIDR_ERROR, isValidCIDR, isValidLabelValue, validateQualifiedName } from "../lib/validation.js";
import { nameIsDNSSubdomain, validateObjectMeta } from "./meta.js";
import { TAINT_EFFECTS } from "./pod-spec-validation.js";
import { age, ageColumn, column, nameColumn, wide } from "./table.js";
import type { ResourceDef } from "./types.js";

type Taint = NonNullable<NonNullable<Node["spec"]>["taints"]>[number];

const NODE_ROLE_PREFIX = "node-role.kubernetes.io/";
const NODE_ROLE_LABEL = "kubernetes.io/role";
const POD_CIDR_UPDATE = 'node updates may not change podCIDR except from "" to valid';

function validateTaints(taints: Taint[] | undefined): FieldError[] {
  const errs: FieldError[] = [];
  const seen = new Set<string>();
  (taints ?? []).forEach((t, i) => {
    const p = `spec.taints[${i}]`;
    errs.push(...validateQualifiedName(t.key, `${p}.key`));
    const valueErrs = isValidLabelValue(t.value ?? "");
    if (valueErrs.length > 0) errs.push(fieldErrors.invalid(`${p}.value`, t.value ?? "", valueErrs.join(";")));
    if (!t.effect) errs.push(fieldErrors.required(`${p}.effect`));
    else if (!TAINT_EFFECTS.includes(t.effect)) errs.push(fieldErrors.notSupported(`${p}.effect`, t.effect, TAINT_EFFECTS));
    const key = `${t.effect}\u0000${t.key}`;
    if (seen.has(key))
      errs.push({
        type: "FieldValueDuplicate",
        field: p,
        message: `Duplicate value: ${JSON.stringify(t)}: taints must be unique by key and effect pair`,
      });
    seen.add(key);
  });
  return errs;
}

function validateNode(node: Node): FieldError[] {
  const errs = validateObjectMeta(node.metadata, { namespaced: false, name: nameIsDNSSubdomain });
  const cidrs = node.spec?.podCIDRs ?? [];
  cidrs.forEach((c, i) => {
    if (!isValidCIDR(c)) errs.push(fieldErrors.invalid(`spec.podCIDRs[${i}]`, c, CIDR_ERROR));
  });
  if (cidrs.length > 2) errs.push(fieldErrors.invalid("spec.podCIDRs", cidrs, "may specify no more than one CIDR for each IP family"));
  errs.push(...validateTaints(node.spec?.taints));
  return errs;
}

/** Ready / NotReady / Unknown, then SchedulingDisabled. */
function nodeStatus(node: Node): string {
  const ready = (node.status?.conditions ?? []).find((c) => c.type === "Ready");
  const status = [ready ? (ready.status === "True" ? "Ready" : "NotReady") : "Unknown"];
  if (node.spec?.unschedulable) status.push("SchedulingDisabled");
  return status.join(",");
}

/** Roles from `node-role.kubernetes.io/<role>` keys and the `kubernetes.io/role` value. */
function nodeRoles(node: Node): string {
  const roles = new Set<string>();
  for (const [k, v] of Object.entries(node.metadata.labels ?? {})) {
    if (k.startsWith(NODE_ROLE_PREFIX) && k.length > NODE_ROLE_PREFIX.length) roles.add(k.slice(NODE_ROLE_PREFIX.length));
    else if (k === NODE_ROLE_LABEL && v) roles.add(v);
  }
  return roles.size === 0 ? "<none>" : [...roles].sort().join(",");
}

function address(node: Node, type: string): string {
  return (node.status?.addresses ?? []).find((a) => a.type === type)?.address ?? "<none>";
}

export const nodeDef: ResourceDef<Node> = {
  group: "",
  version: "v1",
  kind: "Node",
  plural: "nodes",
  singular: "node",
  namespaced: false,
  shortNames: ["no"],
  subresources: ["status"],
  hasStatus: true,
  generationPaths: [],
  fieldSelectors: ["spec.unschedulable"],

  defaults(node) {
    const spec = node.spec;
    // v1 keeps podCIDR as a mirror of podCIDRs[0].
    if (spec?.podCIDR && !(spec.podCIDRs ?? []).length) spec.podCIDRs = [spec.podCIDR];
    if (spec && !spec.podCIDR && spec.podCIDRs?.length) spec.podCIDR = spec.podCIDRs[0];
    const status = node.status;
    if (status?.capacity && !status.allocatable) status.allocatable = { ...status.capacity };
  },
  validate: validateNode,
  validateUpdate(node, old) {
    const errs = validateNode(node);
    const prev = old.spec?.podCIDRs ?? [];
    const next = node.spec?.podCIDRs ?? [];
    if (prev.length > 0 && (prev.length !== next.length || prev.some((c, i) => c !== next[i])))
      errs.push(fieldErrors.forbidden("spec.podCIDRs", POD_CIDR_UPDATE));
    const providerID = old.spec?.providerID;
    if (providerID && providerID !== node.spec?.providerID)
      errs.push(fieldErrors.forbidden("spec.providerID", 'node updates may not change providerID except from "" to valid'));
    return errs;
  },

  table: {
    columns: [
      nameColumn(),
      column("Status", "The status of the node"),
      column("Roles", "The roles of the node"),
      ageColumn(),
      column("Version", "Kubelet Version reported by the node."),
      wide("Internal-IP", "List of addresses reachable to the node."),
      wide("External-IP", "List of addresses reachable to the node."),
      wide("OS-Image", "OS Image reported by the node from /etc/os-release (e.g. Debian GNU/Linux 7 (wheezy))."),
      wide("Kernel-Version", "Kernel Version reported by the node from 'uname -r' (e.g. 3.16.0-0.bpo.4-amd64)."),
      wide("Container-Runtime", "ContainerRuntime Version reported by the node through runtime remote API (e.g. containerd://1.4.2)."),
    ],
    cells(node, now) {
      const info = node.status?.nodeInfo;
      return [
        node.metadata.name,
        nodeStatus(node),
        nodeRoles(node),
        age(node, now),
        info?.kubeletVersion ?? "",
        address(node, "InternalIP"),
        address(node, "ExternalIP"),
        info?.osImage || "<unknown>",
        info?.kernelVersion || "<unknown>",
        info?.containerRuntimeVersion || "<unknown>",
      ];
    },
  },
};
