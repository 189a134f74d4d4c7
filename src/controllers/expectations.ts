/**
 * Controller expectations, as Kubernetes' (UID-tracking) ControllerExpectations: before a
 * controller asks for pods to be created or deleted it records how many creations and which
 * deletions it expects; the host lowers them as it observes the pods appear and go (or as the
 * requests fail). A controller manages replicas only while its expectations are satisfied or
 * have expired, so that it never acts twice on a stale view of its own writes.
 *
 * Plain serialisable data, updated immutably; the host persists the table.
 */

/** Expectations older than this are ignored, as upstream's ExpectationsTimeout. */
export const EXPECTATIONS_TIMEOUT_MS = 5 * 60 * 1000;

export interface Expectation {
  /** Creations still expected. */
  add: number;
  /** UIDs of pods whose deletion is still expected. */
  del: string[];
  /** When these expectations were set (epoch ms). */
  at: number;
}

/** Expectations by controller key (`<namespace>/<name>`, per controller kind). */
export type ExpectationTable = Readonly<Record<string, Expectation>>;

/** Record what a controller is about to do (replacing what it expected before). */
export function expect(table: ExpectationTable, key: string, adds: number, deleteUids: string[], now: Date): ExpectationTable {
  if (adds <= 0 && deleteUids.length === 0) return forget(table, key);
  return { ...table, [key]: { add: Math.max(0, adds), del: [...deleteUids], at: now.getTime() } };
}

/** A pod the controller created has been seen (or its creation failed or was skipped). */
export function creationObserved(table: ExpectationTable, key: string): ExpectationTable {
  const e = table[key];
  if (!e || e.add <= 0) return table;
  return { ...table, [key]: { ...e, add: e.add - 1 } };
}

/** A pod the controller deleted has been seen going (or the deletion failed). */
export function deletionObserved(table: ExpectationTable, key: string, uid: string): ExpectationTable {
  const e = table[key];
  if (!e || !e.del.includes(uid)) return table;
  return { ...table, [key]: { ...e, del: e.del.filter((u) => u !== uid) } };
}

/** Whether the controller may manage replicas: nothing pending, or the record has expired. */
export function satisfied(table: ExpectationTable, key: string, now: Date): boolean {
  const e = table[key];
  if (!e) return true;
  if (e.add <= 0 && e.del.length === 0) return true;
  return now.getTime() - e.at > EXPECTATIONS_TIMEOUT_MS;
}

/** When unsatisfied expectations expire (epoch ms), for a requeue; undefined if satisfied. */
export function expiresAt(table: ExpectationTable, key: string, now: Date): number | undefined {
  if (satisfied(table, key, now)) return undefined;
  return table[key].at + EXPECTATIONS_TIMEOUT_MS + 1;
}

/** Drop a controller's record (the controller was deleted). */
export function forget(table: ExpectationTable, key: string): ExpectationTable {
  if (!(key in table)) return table;
  const { [key]: _dropped, ...rest } = table;
  return rest;
}
