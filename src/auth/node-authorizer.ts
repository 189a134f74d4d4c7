/**
 * The Node authorizer, for users `system:node:<name>` in `system:nodes`, as kube-apiserver's
 * (plugin/pkg/auth/authorizer/node) with `AuthorizeNodeWithSelectors`. A node may:
 *
 * - read its own pods: get one bound to it; list/watch only with `fieldSelector=spec.nodeName=<self>`;
 * - read the Secrets and ConfigMaps that pods bound to it name (get, or list/watch of one name);
 * - read Services, Endpoints and Nodes in every namespace (its proxy and routes need them all);
 * - create, update and patch Nodes and `nodes/status`, update/patch `pods/status`, delete pods,
 *   create Events and update/patch them — whose target must be its own is then checked by
 *   node-restriction.ts, which sees bodies and objects, as NodeRestriction admission does;
 * - create, get, update and patch its own Lease in `kube-node-lease`;
 * - read the discovery documents (upstream's `system:discovery` role).
 *
 * Anything else: no opinion, so the request is denied with the reason given. `nodeRule` is the
 * pure core; it names the lookup a decision needs, and `nodeAuthorizer` does it.
 */
import type { Authorizer, Attributes, Decision } from "../api/authz.js";
import type { Pod } from "../lib/types.js";
import { parseFieldSelector } from "../lib/selectors.js";
import { podDef } from "../resources/pod.js";
import { getOptional, type RegistryFor } from "./lookup.js";
import { nodeNameOf } from "./node-credential.js";
import { referencedBy } from "./pod-references.js";

export const NODE_LEASE_NAMESPACE = "kube-node-lease";

export type NodeRule =
  | { check: "allow" }
  | { check: "deny"; reason: string }
  /** Allowed if the pod exists and is bound to the node. */
  | { check: "podOnNode"; namespace: string; name: string }
  /** Allowed if a pod bound to the node, in that namespace, names the object. */
  | { check: "referenced"; resource: "secrets" | "configmaps"; namespace: string; name: string };

const ALLOW: NodeRule = { check: "allow" };
const deny = (reason = ""): NodeRule => ({ check: "deny", reason });
const READ = new Set(["get", "list", "watch"]);

/** Discovery and OpenAPI, which kubectl and client libraries read before anything else. */
const DISCOVERY_PATH = /^\/(api|apis|openapi)(\/.*)?$|^\/version$/;

export const noRelationship = (node: string) => `no relationship found between node '${node}' and this object`;

/** The `=`/`==` requirements of a field selector; an unparseable one selects nothing we allow. */
function selectedEquals(selector: string | undefined, field: string): string | undefined {
  if (!selector) return undefined;
  try {
    return parseFieldSelector(selector).requirements.find((r) => r.field === field && r.operator !== "!=")?.value;
  } catch {
    return undefined;
  }
}

/** The object a request names: in the path, or for list/watch a `metadata.name=` selector. */
function objectName(a: Attributes): string {
  if (a.name) return a.name;
  return a.verb === "list" || a.verb === "watch" ? (selectedEquals(a.fieldSelector, "metadata.name") ?? "") : "";
}

function podRule(node: string, a: Attributes): NodeRule {
  if (a.subresource === "status") return a.verb === "update" || a.verb === "patch" ? ALLOW : deny();
  if (a.subresource) return deny();
  switch (a.verb) {
    case "get":
      return a.namespace && a.name ? { check: "podOnNode", namespace: a.namespace, name: a.name } : deny();
    case "list":
    case "watch": {
      if (selectedEquals(a.fieldSelector, "spec.nodeName") === node) return ALLOW;
      const name = objectName(a);
      if (name && a.namespace) return { check: "podOnNode", namespace: a.namespace, name };
      return deny("can only list/watch pods with spec.nodeName field selector");
    }
    case "delete":
      return ALLOW;
    default:
      return deny();
  }
}

function referencedRule(resource: "secrets" | "configmaps", a: Attributes): NodeRule {
  if (!READ.has(a.verb)) return deny("can only read resources of this type");
  if (a.subresource) return deny("cannot read subresource");
  if (!a.namespace) return deny("can only read namespaced object of this type");
  const name = objectName(a);
  if (!name) return deny("No Object name found");
  return { check: "referenced", resource, namespace: a.namespace, name };
}

function leaseRule(node: string, a: Attributes): NodeRule {
  if (!["get", "create", "update", "patch"].includes(a.verb)) return deny("can only get, create, update, or patch a node lease");
  if (a.namespace !== NODE_LEASE_NAMESPACE) return deny(`can only access leases in the "${NODE_LEASE_NAMESPACE}" system namespace`);
  // The name of a create is in its body: node-restriction.ts checks it.
  if (a.verb !== "create" && a.name !== node) return deny("can only access node lease with the same name as the requesting node");
  return ALLOW;
}

/** What the node authorizer says of `a` for `node`, before any lookup. */
export function nodeRule(node: string, a: Attributes): NodeRule {
  if (!a.resourceRequest) return a.verb === "get" && DISCOVERY_PATH.test(a.path) ? ALLOW : deny();
  if (a.apiGroup === "coordination.k8s.io") return a.resource === "leases" ? leaseRule(node, a) : deny();
  if (a.apiGroup !== "") return deny();
  switch (a.resource) {
    case "pods":
      return podRule(node, a);
    case "secrets":
    case "configmaps":
      return referencedRule(a.resource, a);
    case "services":
    case "endpoints":
      return !a.subresource && READ.has(a.verb) ? ALLOW : deny();
    case "nodes":
      if (a.subresource && a.subresource !== "status") return deny();
      return READ.has(a.verb) || ["create", "update", "patch"].includes(a.verb) ? ALLOW : deny();
    case "events":
      return ["create", "update", "patch"].includes(a.verb) ? ALLOW : deny();
    default:
      return deny();
  }
}

/** The Node authorizer: `nodeRule`, then the one registry read it names. */
export function nodeAuthorizer(registryFor: RegistryFor): Authorizer {
  return {
    async authorize(a, env): Promise<Decision> {
      const node = nodeNameOf(a.user);
      if (node === undefined) return { allowed: false, reason: "" };
      if (!node) return { allowed: false, reason: "unknown node" };
      const rule = nodeRule(node, a);
      if (rule.check === "allow" || rule.check === "deny") {
        return rule.check === "allow" ? { allowed: true } : { allowed: false, reason: rule.reason };
      }
      if (!env) return { allowed: false, reason: noRelationship(node) };
      const registry = registryFor(env);
      let related: boolean;
      if (rule.check === "podOnNode") {
        const pod = await getOptional<Pod>(registry, podDef, rule.namespace, rule.name);
        related = pod?.spec?.nodeName === node;
      } else {
        const pods = await registry.list(podDef, { namespace: rule.namespace, fieldSelector: `spec.nodeName=${node}` });
        related = referencedBy(pods.items as Pod[], rule.resource, rule.namespace, rule.name);
      }
      return related ? { allowed: true } : { allowed: false, reason: noRelationship(node) };
    },
  };
}
