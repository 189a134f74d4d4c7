/**
 * The resources the API serves, by group/version/plural: the kinds' `ResourceDef`s plus the
 * `extensions/v1beta1` Deployments that old tutorials use, served as `apps/v1`.
 */
import type { ResourceDef } from "../resources/types.js";

/** One resource as served at one group/version. */
export interface ServedResource {
  group: string;
  version: string;
  /** The rules and storage of the kind; for an alias, the kind it is served as. */
  def: ResourceDef;
  /** Set when this group/version is an old name for `def`'s. */
  alias?: {
    /** The `Warning` header every response on this path carries. */
    warning: string;
    /** Rewrites a request body of the old version into `def`'s version, in place. */
    convert(body: Record<string, unknown>): void;
  };
}

export interface GroupVersion {
  group: string;
  version: string;
}

/** `apps/v1` or `v1`. */
export function groupVersionString(gv: GroupVersion): string {
  return gv.group ? `${gv.group}/${gv.version}` : gv.version;
}

const EXTENSIONS_WARNING =
  "extensions/v1beta1 Deployment is deprecated and was removed in Kubernetes 1.16; it is served as apps/v1 Deployment";

/**
 * extensions/v1beta1 let a Deployment omit `spec.selector` (defaulted from the template's
 * labels); apps/v1 requires it, so the conversion fills it in the way the old defaulter did.
 */
function convertExtensionsDeployment(body: Record<string, unknown>): void {
  body.apiVersion = "apps/v1";
  const spec = body.spec as { selector?: unknown; template?: { metadata?: { labels?: Record<string, string> } } } | undefined;
  const labels = spec?.template?.metadata?.labels;
  if (spec && spec.selector === undefined && labels) spec.selector = { matchLabels: { ...labels } };
}

export class Catalog {
  /** Group/versions in discovery order; core `v1` first. */
  readonly groupVersions: GroupVersion[] = [];
  private readonly byGroupVersion = new Map<string, ServedResource[]>();

  constructor(defs: readonly ResourceDef[]) {
    const served: ServedResource[] = defs.map((def) => ({ group: def.group, version: def.version, def }));
    const deployments = defs.find((d) => d.group === "apps" && d.plural === "deployments");
    if (deployments) {
      served.push({
        group: "extensions",
        version: "v1beta1",
        def: deployments,
        alias: { warning: EXTENSIONS_WARNING, convert: convertExtensionsDeployment },
      });
    }
    // Core first, then groups in the order the kinds list them; an alias group goes last so
    // that kubectl's RESTMapper, which prefers earlier groups, resolves `deployments` to apps.
    served.sort((a, b) => rank(a) - rank(b));
    for (const r of served) {
      const key = groupVersionString(r);
      let list = this.byGroupVersion.get(key);
      if (!list) {
        list = [];
        this.byGroupVersion.set(key, list);
        this.groupVersions.push({ group: r.group, version: r.version });
      }
      list.push(r);
    }
  }

  /** Resources served at a group/version, or undefined if the group/version is not served. */
  resourcesOf(group: string, version: string): ServedResource[] | undefined {
    return this.byGroupVersion.get(groupVersionString({ group, version }));
  }

  lookup(group: string, version: string, plural: string): ServedResource | undefined {
    return this.resourcesOf(group, version)?.find((r) => r.def.plural === plural);
  }

  /** The groups (not core), in discovery order, each with its versions. */
  groups(): { name: string; versions: string[] }[] {
    const groups: { name: string; versions: string[] }[] = [];
    for (const gv of this.groupVersions) {
      if (!gv.group) continue;
      const g = groups.find((x) => x.name === gv.group);
      if (g) g.versions.push(gv.version);
      else groups.push({ name: gv.group, versions: [gv.version] });
    }
    return groups;
  }
}

function rank(r: ServedResource): number {
  if (!r.group) return 0;
  return r.alias ? 2 : 1;
}
