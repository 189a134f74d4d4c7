/** One entry of the revision log as watchers see it (kine's `Event`: the row and its previous value). */
import type { KubeObject } from "../lib/types.js";

export type ChangeType = "ADDED" | "MODIFIED" | "DELETED";

export class Change {
  private parsed?: KubeObject;
  private parsedPrev?: KubeObject | null;

  constructor(
    readonly revision: number,
    readonly type: ChangeType,
    readonly resource: string,
    readonly namespace: string,
    readonly name: string,
    /** JSON of the new state; for DELETED, the last state with the deletion's resourceVersion. */
    readonly value: string,
    /** JSON of the state this change replaced (null for a create). */
    readonly prevValue: string | null,
  ) {}

  /** Parsed once and shared by every watcher: treat as read-only. */
  object(): KubeObject {
    return (this.parsed ??= JSON.parse(this.value) as KubeObject);
  }

  prev(): KubeObject | null {
    if (this.parsedPrev === undefined) {
      this.parsedPrev = this.prevValue === null ? null : (JSON.parse(this.prevValue) as KubeObject);
    }
    return this.parsedPrev;
  }
}
