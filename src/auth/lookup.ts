/** Reads the auth steps make through the registry (the one read path), where absent is an answer. */
import type { Env } from "../env.js";
import { ApiError } from "../lib/errors.js";
import type { KubeObject, Stored } from "../lib/types.js";
import type { Registry } from "../registry/types.js";
import type { ResourceDef } from "../resources/types.js";

/** How the API server gets the registry of a request's cluster. */
export type RegistryFor = (env: Env) => Registry;

/** The object, or undefined if it does not exist; other failures are thrown. */
export async function getOptional<T extends KubeObject>(
  registry: Registry,
  def: ResourceDef<T>,
  namespace: string,
  name: string,
): Promise<Stored<T> | undefined> {
  try {
    return (await registry.get(def as ResourceDef, namespace, name)) as Stored<T>;
  } catch (e) {
    if (e instanceof ApiError && e.code === 404) return undefined;
    throw e;
  }
}
