/**
 * One pod as the runtime shows it: its newest sandbox and its containers' attempts, newest
 * first. Built from the runtime's label-filtered listing; pure.
 */
import type { Container, Pod } from "../../../src/lib/types.js";
import type { ContainerKind, ContainerRecord, PodResources, SandboxRecord } from "../runtime/types.js";

export interface PodView {
  /** The newest sandbox, if any. */
  sandbox?: SandboxRecord;
  /** Older sandboxes, to be removed. */
  staleSandboxes: SandboxRecord[];
  /** Attempts per container name, newest first. */
  containers: Map<string, ContainerRecord[]>;
}

const newestFirst = <T extends { attempt: number; createdAt: number }>(a: T, b: T) =>
  b.attempt - a.attempt || b.createdAt - a.createdAt;

/** Group the node's resources by pod uid. */
export function viewsByPod(resources: PodResources): Map<string, PodView> {
  const views = new Map<string, PodView>();
  const viewOf = (uid: string) => {
    let v = views.get(uid);
    if (!v) views.set(uid, (v = { staleSandboxes: [], containers: new Map() }));
    return v;
  };
  for (const s of [...resources.sandboxes].sort(newestFirst)) {
    const v = viewOf(s.podUid);
    if (!v.sandbox) v.sandbox = s;
    else v.staleSandboxes.push(s);
  }
  for (const c of resources.containers) {
    const v = viewOf(c.podUid);
    const list = v.containers.get(c.name) ?? [];
    list.push(c);
    v.containers.set(c.name, list);
  }
  for (const list of views.values()) for (const attempts of list.containers.values()) attempts.sort(newestFirst);
  return views;
}

export const emptyView = (): PodView => ({ staleSandboxes: [], containers: new Map() });

export function latest(view: PodView, name: string): ContainerRecord | undefined {
  return view.containers.get(name)?.[0];
}

export interface SpecContainer {
  container: Container;
  kind: ContainerKind;
}

/** The pod's init containers then its app containers. */
export function specContainers(pod: Pod): SpecContainer[] {
  return [
    ...(pod.spec?.initContainers ?? []).map((container) => ({ container, kind: "init" as const })),
    ...(pod.spec?.containers ?? []).map((container) => ({ container, kind: "app" as const })),
  ];
}
