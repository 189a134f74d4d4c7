/**
 * The one key scheme of the controller host: `<resource>/<namespace>/<name>`, the form the cores
 * already use for expectations and requeues (`controllerKey` in pod-util, `jobKey`, `nodeKey`),
 * so that a core's requeue key is the adapter's key as it is. Cluster-scoped objects have an empty
 * namespace: `nodes//node-1`.
 */
import type { KubeObject } from "../../lib/types.js";
import { controllerKey } from "../pod-util.js";

export interface ParsedKey {
  resource: string;
  namespace: string;
  name: string;
}

/** The key of `obj` as an object of `resource`. */
export function objectKey(resource: string, obj: KubeObject): string {
  return controllerKey(resource, obj);
}

export function keyFor(resource: string, namespace: string, name: string): string {
  return `${resource}/${namespace}/${name}`;
}

/** Names and namespaces cannot contain `/`, so the last two segments are unambiguous. */
export function parseKey(key: string): ParsedKey {
  const last = key.lastIndexOf("/");
  const middle = key.lastIndexOf("/", last - 1);
  return { resource: key.slice(0, middle), namespace: key.slice(middle + 1, last), name: key.slice(last + 1) };
}
