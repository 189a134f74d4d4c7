/** The API resources the dashboard reads, and their collection URLs. */

export interface ResourceType {
  group: string;
  version: string;
  plural: string;
  namespaced: boolean;
}

const core = (plural: string, namespaced = true): ResourceType => ({ group: "", version: "v1", plural, namespaced });
const apps = (plural: string): ResourceType => ({ group: "apps", version: "v1", plural, namespaced: true });
const batch = (plural: string): ResourceType => ({ group: "batch", version: "v1", plural, namespaced: true });

export const kinds = {
  namespaces: core("namespaces", false),
  nodes: core("nodes", false),
  pods: core("pods"),
  services: core("services"),
  endpoints: core("endpoints"),
  events: core("events"),
  leases: { group: "coordination.k8s.io", version: "v1", plural: "leases", namespaced: true },
  deployments: apps("deployments"),
  statefulsets: apps("statefulsets"),
  daemonsets: apps("daemonsets"),
  jobs: batch("jobs"),
  cronjobs: batch("cronjobs"),
} satisfies Record<string, ResourceType>;

/** `/api/v1/namespaces/ns/pods`, or the all-namespaces collection when `namespace` is "". */
export function collectionPath(type: ResourceType, namespace: string): string {
  const root = type.group === "" ? `/api/${type.version}` : `/apis/${type.group}/${type.version}`;
  return type.namespaced && namespace ? `${root}/namespaces/${encodeURIComponent(namespace)}/${type.plural}` : `${root}/${type.plural}`;
}
