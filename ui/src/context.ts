/** What a view gets to render with: the live resources it asks for, and things kept across renders. */
import type { KubeObject } from "../../src/lib/types.js";
import type { Api } from "./api.js";
import { h } from "./dom.js";
import type { Informer } from "./informer.js";
import type { ResourceType } from "./kinds.js";

export interface Stoppable {
  stop(): void;
}

export interface ViewContext {
  api: Api;
  /** The namespace chosen in the switcher; "" for all namespaces. */
  namespace: string;
  now: Date;
  /** Route parameters after the view's name (`#/pods/ns/name` → ["ns", "name"]). */
  params: string[];
  /** A live collection; watched while views keep asking for it, stopped when none does. */
  watch<T extends KubeObject>(type: ResourceType, namespace?: string): Informer<T>;
  /** Something with a life of its own (a log stream) kept while views ask for it by `key`. */
  keep<T extends Stoppable>(key: string, create: () => T): T;
}

export interface View {
  title: string;
  render(ctx: ViewContext): Node;
}

/** A placeholder while any of `informers` is not listed yet, or its error; undefined when all are ready. */
export function pending(...informers: Informer[]): Node | undefined {
  const failed = informers.find((i) => i.error && !i.synced);
  if (failed) return h("p", { class: "empty bad-text" }, `Could not load ${failed.type.plural}: ${failed.error}`);
  if (informers.some((i) => !i.synced)) return h("p", { class: "empty" }, "Loading…");
  return undefined;
}

/** Sorted by namespace, then name. */
export function byName<T extends KubeObject>(items: T[]): T[] {
  return items.sort((a, b) => (a.metadata.namespace ?? "").localeCompare(b.metadata.namespace ?? "") || (a.metadata.name ?? "").localeCompare(b.metadata.name ?? ""));
}
