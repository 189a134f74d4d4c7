/** The `scale` subresource: an `autoscaling/v1` Scale view of a Deployment, ReplicaSet or StatefulSet. */
import { errors } from "../lib/errors.js";
import { clone } from "../lib/json.js";
import type { KubeObject, Scale } from "../lib/types.js";
import type { ResourceDef, ScaleDef } from "../resources/types.js";

function scaleDef(def: ResourceDef): ScaleDef {
  if (!def.scale) throw errors.pathNotFound(`${def.plural}/scale`);
  return def.scale;
}

export function scaleOf(def: ResourceDef, obj: KubeObject): Scale {
  const s = scaleDef(def);
  const m = obj.metadata;
  return {
    kind: "Scale",
    apiVersion: "autoscaling/v1",
    metadata: {
      name: m.name,
      namespace: m.namespace,
      uid: m.uid,
      resourceVersion: m.resourceVersion,
      creationTimestamp: m.creationTimestamp,
    },
    spec: { replicas: s.specReplicas(obj) },
    status: { replicas: s.statusReplicas(obj), selector: s.selector(obj) },
  };
}

export function withReplicas(def: ResourceDef, obj: KubeObject, replicas: number): KubeObject {
  const next = clone(obj);
  scaleDef(def).setSpecReplicas(next, replicas);
  return next;
}
