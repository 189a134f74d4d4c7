/**
 * Discovery documents (unaggregated, plain `application/json`): `/api` → APIVersions, `/apis` →
 * APIGroupList, `/apis/<group>` → APIGroup, `/api/v1` and `/apis/<g>/<v>` → APIResourceList.
 * kubectl's RESTMapper, `api-resources`, `get all` (categories) and short names all read these.
 */
import type { ResourceDef } from "../resources/types.js";
import { groupVersionString, type Catalog, type ServedResource } from "./catalog.js";

export const DEFAULT_VERBS = ["create", "delete", "deletecollection", "get", "list", "patch", "update", "watch"];

interface APIResource {
  name: string;
  singularName: string;
  namespaced: boolean;
  group?: string;
  version?: string;
  kind: string;
  verbs: string[];
  shortNames?: string[];
  categories?: string[];
}

/** What each subresource is and answers to, as kube-apiserver registers them. */
const SUBRESOURCES: Record<string, { group?: string; version?: string; kind?: string; verbs: string[] }> = {
  status: { verbs: ["get", "patch", "update"] },
  scale: { group: "autoscaling", version: "v1", kind: "Scale", verbs: ["get", "patch", "update"] },
  binding: { kind: "Binding", verbs: ["create"] },
  log: { verbs: ["get"] },
  exec: { kind: "PodExecOptions", verbs: ["create", "get"] },
  attach: { kind: "PodAttachOptions", verbs: ["create", "get"] },
  portforward: { kind: "PodPortForwardOptions", verbs: ["create", "get"] },
  eviction: { group: "policy", version: "v1", kind: "Eviction", verbs: ["create"] },
};

export function verbsOf(def: ResourceDef): string[] {
  return def.verbs ?? DEFAULT_VERBS;
}

/** The verbs a subresource answers to, or undefined if the kind does not serve it. */
export function subresourceVerbs(def: ResourceDef, subresource: string): string[] | undefined {
  return def.subresources?.includes(subresource) ? (SUBRESOURCES[subresource]?.verbs ?? ["get"]) : undefined;
}

export function apiVersions() {
  return { kind: "APIVersions", versions: ["v1"], serverAddressByClientCIDRs: [] };
}

function apiGroup(name: string, versions: string[]) {
  const gvs = versions.map((version) => ({ groupVersion: `${name}/${version}`, version }));
  return { name, versions: gvs, preferredVersion: gvs[0] };
}

export function apiGroupList(catalog: Catalog) {
  return {
    kind: "APIGroupList",
    apiVersion: "v1",
    groups: catalog.groups().map((g) => apiGroup(g.name, g.versions)),
  };
}

/** `/apis/<group>`, or undefined if no such group is served. */
export function apiGroupDocument(catalog: Catalog, group: string) {
  const g = catalog.groups().find((x) => x.name === group);
  return g ? { kind: "APIGroup", apiVersion: "v1", ...apiGroup(g.name, g.versions) } : undefined;
}

function resourceEntries(served: ServedResource): APIResource[] {
  const { def } = served;
  const main: APIResource = {
    name: def.plural,
    singularName: def.singular,
    namespaced: def.namespaced,
    kind: def.kind,
    verbs: verbsOf(def),
  };
  // An alias stays out of short names and categories so `get deploy` and `get all` mean apps/v1.
  if (!served.alias && def.shortNames?.length) main.shortNames = def.shortNames;
  if (!served.alias && def.categories?.length) main.categories = def.categories;
  const subs = (def.subresources ?? []).map((sub): APIResource => {
    const known = SUBRESOURCES[sub] ?? { verbs: ["get"] };
    const entry: APIResource = {
      name: `${def.plural}/${sub}`,
      singularName: "",
      namespaced: def.namespaced,
      kind: known.kind ?? def.kind,
      verbs: known.verbs,
    };
    if (known.group !== undefined) Object.assign(entry, { group: known.group, version: known.version });
    return entry;
  });
  return [main, ...subs];
}

/** `/api/v1` or `/apis/<g>/<v>`, or undefined if that group/version is not served. */
export function apiResourceList(catalog: Catalog, group: string, version: string) {
  const served = catalog.resourcesOf(group, version);
  if (!served) return undefined;
  const resources = served.flatMap(resourceEntries);
  // `namespaces/<ns>/bindings`, the collection form of `pods/<name>/binding`, as core v1 lists it.
  if (!group && served.some((r) => r.def.plural === "pods" && subresourceVerbs(r.def, "binding"))) {
    resources.push({ name: "bindings", singularName: "binding", namespaced: true, kind: "Binding", verbs: ["create"] });
  }
  return { kind: "APIResourceList", apiVersion: "v1", groupVersion: groupVersionString({ group, version }), resources };
}
