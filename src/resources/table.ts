/** Building blocks for the kinds' Table columns, as kubernetes' printers define them. */
import type { Container, KubeObject } from "../lib/types.js";
import { timestampSince } from "../lib/duration.js";
import type { TableColumn } from "./types.js";

const NAME_DESCRIPTION =
  "Name must be unique within a namespace. Is required when creating resources, although some resources may allow a client to request the generation of an appropriate name automatically. Name is primarily intended for creation idempotence and configuration definition. Cannot be updated. More info: https://kubernetes.io/docs/concepts/overview/working-with-objects/names#names";
const AGE_DESCRIPTION =
  "CreationTimestamp is a timestamp representing the server time when this object was created. It is not guaranteed to be set in happens-before order across separate operations. Clients may not set this value. It is represented in RFC3339 form and is in UTC.\n\nPopulated by the system. Read-only. Null for lists. More info: https://git.k8s.io/community/contributors/devel/sig-architecture/api-conventions.md#metadata";

export function column(
  name: string,
  description: string,
  opts: { type?: TableColumn["type"]; priority?: 0 | 1; format?: "name" } = {},
): TableColumn {
  const c: TableColumn = { name, type: opts.type ?? "string", description, priority: opts.priority ?? 0 };
  if (opts.format) c.format = opts.format;
  return c;
}

export const nameColumn = (priority: 0 | 1 = 0): TableColumn => column("Name", NAME_DESCRIPTION, { format: "name", priority });
export const ageColumn = (): TableColumn => column("Age", AGE_DESCRIPTION);
export const wide = (name: string, description: string): TableColumn => column(name, description, { priority: 1 });

/** The `-o wide` Containers and Images columns of every workload. */
export const containerColumns = (): TableColumn[] => [
  wide("Containers", "Names of each container in the template."),
  wide("Images", "Images referenced by each container in the template."),
];

/** `layoutContainerCells`: names and images joined with commas. */
export function containerCells(containers: Container[] | undefined): [string, string] {
  const list = containers ?? [];
  return [list.map((c) => c.name).join(","), list.map((c) => c.image ?? "").join(",")];
}

/** The Age cell. */
export function age(obj: KubeObject, now: Date): string {
  return timestampSince(obj.metadata.creationTimestamp, now);
}
