/**
 * Server-side `meta.k8s.io` Tables, what `kubectl get` prints: columns and cells from the kind's
 * `ResourceDef.table`, each row carrying the object (by default as PartialObjectMetadata, whose
 * metadata gives kubectl the NAMESPACE column and labels).
 */
import type { KubeObject } from "../lib/types.js";
import type { ResourceDef, TableColumn } from "../resources/types.js";
import type { IncludeObject } from "./negotiate.js";

export interface TableRow {
  cells: unknown[];
  object?: KubeObject;
}

export interface Table {
  kind: "Table";
  apiVersion: string;
  metadata: { resourceVersion?: string; continue?: string; remainingItemCount?: number };
  columnDefinitions: TableColumn[];
  rows: TableRow[];
}

export interface TableOptions {
  includeObject: IncludeObject;
  /** `v1` or `v1beta1`, as negotiated. */
  version: string;
  now: Date;
}

const NAME_COLUMN: TableColumn = {
  name: "Name",
  type: "string",
  format: "name",
  description: "Name must be unique within a namespace. Is required when creating resources, although some resources may allow a client to request the generation of an appropriate name automatically. Name is primarily intended for creation idempotence and configuration definition. Cannot be updated. More info: https://kubernetes.io/docs/concepts/overview/working-with-objects/names#names",
  priority: 0,
};

/** Whether the kind's columns already lead with the name; if not, the Table adds it. */
function hasNameColumn(def: ResourceDef): boolean {
  return def.table.columns.some((c) => c.format === "name");
}

function rowObject(obj: KubeObject, include: IncludeObject): KubeObject | undefined {
  if (include === "None") return undefined;
  if (include === "Object") return obj;
  return { kind: "PartialObjectMetadata", apiVersion: "meta.k8s.io/v1", metadata: obj.metadata };
}

function row(def: ResourceDef, obj: KubeObject, options: TableOptions, withName: boolean): TableRow {
  const cells = def.table.cells(obj, options.now);
  const out: TableRow = { cells: withName ? [obj.metadata.name ?? "", ...cells] : cells };
  const object = rowObject(obj, options.includeObject);
  if (object) out.object = object;
  return out;
}

export function buildTable(
  def: ResourceDef,
  items: KubeObject[],
  options: TableOptions,
  listMeta: Table["metadata"] = {},
): Table {
  const withName = !hasNameColumn(def);
  return {
    kind: "Table",
    apiVersion: `meta.k8s.io/${options.version}`,
    metadata: listMeta,
    columnDefinitions: withName ? [NAME_COLUMN, ...def.table.columns] : def.table.columns,
    rows: items.map((obj) => row(def, obj, options, withName)),
  };
}
