/**
 * list: filtering, ordering by (namespace, name), `limit`/`continue` pagination and reads at a
 * revision. A continue token carries the first page's revision and the last key returned; every
 * later page reads the state at that revision, so pages are consistent under concurrent writes
 * (as etcd-backed Kubernetes does), until compaction removes that revision (410 Expired).
 */
import type { Stored } from "../lib/types.js";
import type { Db } from "./db.js";
import { compileFilter, selects } from "./filter.js";
import { fail } from "./failure.js";
import { decode, parseRevision } from "./objects.js";
import { type Key, countNewestAfter, scanState } from "./state-scan.js";
import type { ListOptions, ListResult } from "./types.js";
import { base64ToUtf8, utf8ToBase64 } from "../lib/base64.js";

/**
 * The most JSON a page may carry. An RPC result is limited to 32 MiB, so a list that would pass
 * this (e.g. an unpaged list of many large objects) ends early with a continue token, which
 * Kubernetes allows: a server may return fewer items than asked, and clients (kubectl,
 * client-go's pager, informers) follow `continue` until it is empty.
 */
const maxPageBytes = 16 * 1024 * 1024;

const staleContinueMessage =
  "The provided continue parameter is too old to display a consistent list result. You can start a new list without the continue parameter, or use the continue token in this response to retrieve the remainder of the results. Continuing with the provided token results in an inconsistent list - objects that were created, modified, or deleted between the time the first chunk was returned and now may show up in the list.";

export interface Revisions {
  current: number;
  compacted: number;
}

interface ContinueToken {
  rv: number;
  start: Key;
}

function encodeContinue(token: ContinueToken): string {
  const json = JSON.stringify({ v: "meta.k8s.io/v1", rv: token.rv, start: token.start });
  return utf8ToBase64(json);
}

function decodeContinue(text: string): ContinueToken {
  let parsed: unknown;
  try {
    parsed = JSON.parse(base64ToUtf8(text));
  } catch {
    fail("BadRequest", "continue key is not valid: illegal base64 data or JSON");
  }
  const t = parsed as { v?: unknown; rv?: unknown; start?: unknown };
  const start = t.start;
  if (
    t.v !== "meta.k8s.io/v1" ||
    typeof t.rv !== "number" ||
    !Number.isSafeInteger(t.rv) ||
    t.rv < 0 ||
    !Array.isArray(start) ||
    start.length !== 2 ||
    typeof start[0] !== "string" ||
    typeof start[1] !== "string"
  ) {
    fail("BadRequest", "continue key is not valid: incorrect encoded start resourceVersion (version meta.k8s.io/v1)");
  }
  return { rv: t.rv, start: [start[0], start[1]] };
}

/** Which revision a list reads at, and from which key on. */
function readPoint(options: ListOptions, revs: Revisions): { revision: number; after?: Key } {
  if (options.continue) {
    const token = decodeContinue(options.continue);
    if (token.rv < revs.compacted) fail("Expired", staleContinueMessage);
    if (token.rv > revs.current) fail("BadRequest", "continue key is not valid: resourceVersion is in the future");
    return { revision: token.rv, after: token.start };
  }
  const rv = options.resourceVersion ?? "";
  if (rv === "" || rv === "0") return { revision: revs.current };
  const n = parseRevision(rv);
  if (n > revs.current) fail("BadRequest", `Too large resource version: ${n}, current: ${revs.current}`);
  if (options.resourceVersionMatch !== "Exact") return { revision: revs.current };
  if (n < revs.compacted) fail("Expired", `too old resource version: ${n} (${revs.compacted})`);
  return { revision: n };
}

export function list(db: Db, resource: string, options: ListOptions, revs: Revisions): ListResult {
  const filter = compileFilter(options);
  const { revision, after } = readPoint(options, revs);
  const limit = options.limit && options.limit > 0 ? options.limit : Infinity;
  const rows = scanState(db, {
    resource,
    namespace: options.namespace,
    revision,
    after,
    isNewest: () => revision === revs.current,
  });

  const items: Stored[] = [];
  let bytes = 0;
  let last: Key | undefined;
  let more = false;
  for (const row of rows) {
    if (items.length >= limit || bytes >= maxPageBytes) {
      more = true;
      break;
    }
    last = [row.namespace, row.name];
    const object = decode(row.value);
    if (filter.selective && !selects(filter, object)) continue;
    items.push(object);
    bytes += row.value.length;
  }

  const result: ListResult = { items, resourceVersion: String(revision) };
  if (more && last) {
    result.continue = encodeContinue({ rv: revision, start: last });
    // Kubernetes only counts when no selector filters; at the newest revision it is an index count.
    if (!filter.selective && revision === revs.current) {
      result.remainingItemCount = countNewestAfter(db, resource, options.namespace, last);
    }
  }
  return result;
}
