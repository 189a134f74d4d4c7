/**
 * Which controllers a host runs, named as kube-controller-manager's `--controllers` flag does:
 * a comma-separated list where `*` enables every controller, `name` enables one and `-name`
 * disables one (an explicit name wins over `*`). Unset or empty means `*`. The scheduler is one
 * of them (`scheduler`), so a cluster can run its own instead.
 */
import type { Controller } from "./controller.js";

export interface Selection {
  controllers: Controller[];
  /** Names in the list that no controller has. */
  unknown: string[];
}

export function selectControllers(all: readonly Controller[], spec: string | undefined): Selection {
  const items = (spec ?? "").split(",").map((s) => s.trim()).filter(Boolean);
  if (items.length === 0) return { controllers: [...all], unknown: [] };
  const enabled = new Set<string>();
  const disabled = new Set<string>();
  for (const item of items) {
    if (item.startsWith("-")) disabled.add(item.slice(1));
    else if (item !== "*") enabled.add(item);
  }
  const star = items.includes("*");
  const known = new Set(all.map((c) => c.name));
  return {
    controllers: all.filter((c) => enabled.has(c.name) || (star && !disabled.has(c.name))),
    unknown: [...enabled, ...disabled].filter((name) => !known.has(name)),
  };
}
