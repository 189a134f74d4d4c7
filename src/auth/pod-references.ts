/**
 * The ConfigMaps and Secrets a pod names, as kube's `VisitPodSecretNames` and
 * `VisitPodConfigmapNames` find them: image pull secrets, every container's env and envFrom (init,
 * app and ephemeral), and volumes (secret, configMap, projected sources, CSI node-publish
 * secrets). These are what the node running the pod may read.
 */
import type { Container, Pod } from "../lib/types.js";

export interface PodReferences {
  secrets: Set<string>;
  configMaps: Set<string>;
}

function add(set: Set<string>, name: string | undefined): void {
  if (name) set.add(name);
}

export function podReferences(pod: Pod): PodReferences {
  const refs: PodReferences = { secrets: new Set(), configMaps: new Set() };
  const spec = pod.spec;
  if (!spec) return refs;
  for (const s of spec.imagePullSecrets ?? []) add(refs.secrets, s.name);
  const containers: Pick<Container, "env" | "envFrom">[] = [
    ...(spec.initContainers ?? []),
    ...spec.containers,
    ...(spec.ephemeralContainers ?? []),
  ];
  for (const c of containers) {
    for (const e of c.env ?? []) {
      add(refs.configMaps, e.valueFrom?.configMapKeyRef?.name);
      add(refs.secrets, e.valueFrom?.secretKeyRef?.name);
    }
    for (const f of c.envFrom ?? []) {
      add(refs.configMaps, f.configMapRef?.name);
      add(refs.secrets, f.secretRef?.name);
    }
  }
  for (const v of spec.volumes ?? []) {
    add(refs.secrets, v.secret?.secretName);
    add(refs.configMaps, v.configMap?.name);
    add(refs.secrets, v.csi?.nodePublishSecretRef?.name);
    for (const source of v.projected?.sources ?? []) {
      add(refs.secrets, source.secret?.name);
      add(refs.configMaps, source.configMap?.name);
    }
  }
  return refs;
}

/** Does some pod in `pods` name `resource`/`name` in `namespace`? */
export function referencedBy(pods: readonly Pod[], resource: "secrets" | "configmaps", namespace: string, name: string): boolean {
  return pods.some((pod) => {
    if ((pod.metadata.namespace ?? "") !== namespace) return false;
    const refs = podReferences(pod);
    return (resource === "secrets" ? refs.secrets : refs.configMaps).has(name);
  });
}
