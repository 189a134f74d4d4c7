/**
 * What a request asks for, read from its method and path as kube-apiserver's RequestInfoFactory
 * reads them: `/api/v1/namespaces/ns/pods/name/status` → verb, group, version, namespace,
 * resource, name, subresource. Authorization and dispatch both work from this.
 */

export interface ResourceRequestInfo {
  isResourceRequest: true;
  /** get, list, watch, create, update, patch, delete, deletecollection. */
  verb: string;
  /** "" for the core group (`/api`). */
  group: string;
  version: string;
  /** "" when the request names no namespace. */
  namespace: string;
  resource: string;
  /** "" for a collection. */
  name: string;
  /** "" unless the path goes one level below an item (`status`, `scale`, `binding`, `log`). */
  subresource: string;
  /** The path had segments beyond `<resource>/<name>/<subresource>`. */
  extraParts: boolean;
}

export interface NonResourceRequestInfo {
  isResourceRequest: false;
  /** The lowercased HTTP method, as upstream uses for non-resource URLs. */
  verb: string;
  path: string;
}

export type RequestInfo = ResourceRequestInfo | NonResourceRequestInfo;

/** The Namespace kind's own subresources: `/api/v1/namespaces/<name>/status` is not a collection. */
const NAMESPACE_SUBRESOURCES = new Set(["status", "finalize"]);

function isWatch(query: URLSearchParams): boolean {
  const w = query.get("watch");
  return w === "true" || w === "1";
}

export function parseRequestInfo(method: string, path: string, query: URLSearchParams): RequestInfo {
  const nonResource: NonResourceRequestInfo = { isResourceRequest: false, verb: method.toLowerCase(), path };
  const parts = path.split("/").filter((p) => p !== "");
  let group: string;
  let version: string;
  let rest: string[];
  if (parts[0] === "api" && parts.length >= 3) {
    [group, version, rest] = ["", parts[1], parts.slice(2)];
  } else if (parts[0] === "apis" && parts.length >= 4) {
    [group, version, rest] = [parts[1], parts[2], parts.slice(3)];
  } else {
    return nonResource;
  }

  let namespace = "";
  if (rest[0] === "namespaces" && rest.length > 1) {
    namespace = rest[1];
    if (rest.length > 2 && !NAMESPACE_SUBRESOURCES.has(rest[2])) rest = rest.slice(2);
  }
  // `/api/v1/namespaces/<name>` names the Namespace itself; the namespace is also the name.
  const [resource, name = "", subresource = ""] = rest;

  let verb: string;
  switch (method) {
    case "GET":
    case "HEAD":
      verb = isWatch(query) ? "watch" : name ? "get" : "list";
      break;
    case "POST":
      verb = "create";
      break;
    case "PUT":
      verb = "update";
      break;
    case "PATCH":
      verb = "patch";
      break;
    case "DELETE":
      verb = name ? "delete" : "deletecollection";
      break;
    default:
      verb = method.toLowerCase();
  }
  return {
    isResourceRequest: true,
    verb,
    group,
    version,
    namespace,
    resource,
    name,
    subresource,
    extraParts: rest.length > 3,
  };
}
