/**
 * Event recording, as client-go's `tools/record`: a controller's `event` action becomes a v1
 * `Event` (`makeEvent`), and the EventCorrelator decides whether it is new or a repeat. Repeats
 * bump `count` and `lastTimestamp` of the Event already stored instead of adding one; when one
 * object gets more than ten different messages with the same reason within ten minutes, they are
 * folded into one "(combined from similar events)" Event. Events expire an hour after they were
 * last seen (kube-apiserver's `--event-ttl`), which `expiredEvents` plans.
 *
 * The correlator's state is the stored Events themselves (the host passes those of the involved
 * object's namespace), not an in-memory cache, so a restarted controller host keeps counting.
 * client-go's spam filter (a token bucket per object) is not reproduced.
 */
import type { Event, KubeObject } from "../lib/types.js";
import { rfc3339 } from "../lib/json.js";
import type { Action } from "./types.js";

export const EVENTS_RESOURCE = "events";
/** kube-apiserver's default `--event-ttl`. */
export const EVENT_TTL_MS = 60 * 60 * 1000;
/** client-go `defaultAggregateMaxEvents` and `defaultAggregateIntervalInSeconds`. */
export const AGGREGATE_MAX_EVENTS = 10;
export const AGGREGATE_INTERVAL_MS = 10 * 60 * 1000;
export const AGGREGATED_PREFIX = "(combined from similar events): ";

/** Who records: `source.component` / `reportingComponent` (`job-controller`) and the host. */
export interface EventSource {
  component: string;
  host?: string;
}

export type EventAction = Extract<Action, { type: "event" }>;

/** The `involvedObject` reference of an Event: kind, namespace, name, uid, apiVersion, resourceVersion. */
export function objectReference(obj: KubeObject): NonNullable<Event["involvedObject"]> {
  const ref: NonNullable<Event["involvedObject"]> = {
    kind: obj.kind,
    namespace: obj.metadata.namespace,
    name: obj.metadata.name,
    uid: obj.metadata.uid,
    apiVersion: obj.apiVersion,
    resourceVersion: obj.metadata.resourceVersion,
  };
  for (const key of Object.keys(ref) as (keyof typeof ref)[]) if (ref[key] === undefined) delete ref[key];
  return ref;
}

/**
 * A new Event for `action`, named `<object>.<hex>` as client-go does (there the hex is the
 * UnixNano of now; here now's milliseconds in nanoseconds plus `seq`, so that several events
 * recorded in one pass get distinct names). Events of cluster-scoped objects (Nodes) live in
 * `default`.
 */
export function buildEvent(action: EventAction, source: EventSource, now: Date, seq = 0): Event {
  const involved = objectReference(action.involvedObject);
  const stamp = rfc3339(now);
  const suffix = (BigInt(now.getTime()) * 1_000_000n + BigInt(seq)).toString(16);
  return {
    apiVersion: "v1",
    kind: "Event",
    metadata: { name: `${involved.name}.${suffix}`, namespace: involved.namespace || "default" },
    involvedObject: involved,
    reason: action.reason,
    message: action.message,
    type: action.eventType,
    source: source.host ? { component: source.component, host: source.host } : { component: source.component },
    reportingComponent: source.component,
    reportingInstance: source.host ?? "",
    firstTimestamp: stamp,
    lastTimestamp: stamp,
    count: 1,
  };
}

/** The fields that identify an Event apart from its message (client-go `EventAggregatorByReasonFunc`). */
export function aggregateKey(event: Event): string {
  const ref = event.involvedObject ?? {};
  return [
    event.source?.component,
    event.source?.host,
    ref.kind,
    ref.namespace,
    ref.name,
    ref.uid,
    ref.apiVersion,
    event.type,
    event.reason,
    event.reportingComponent,
    event.reportingInstance,
  ].join("\u0000");
}

/** The fields that make two Events "the same" for counting (client-go `getEventKey`). */
export function eventKey(event: Event): string {
  const ref = event.involvedObject ?? {};
  return [
    event.source?.component,
    event.source?.host,
    ref.kind,
    ref.namespace,
    ref.name,
    ref.fieldPath,
    ref.uid,
    ref.apiVersion,
    event.type,
    event.reason,
    event.message,
  ].join("\u0000");
}

function isAggregated(event: Event): boolean {
  return (event.message ?? "").startsWith(AGGREGATED_PREFIX);
}

/** An aggregated Event is counted by its aggregate key, a plain one by its full key. */
function correlationKey(event: Event): string {
  return isAggregated(event) ? aggregateKey(event) : eventKey(event);
}

/** Parsed times by Event object: the TTL controller reads every Event on each of its runs. */
const lastSeenOf = new WeakMap<Event, number>();

function lastSeen(event: Event): number {
  let at = lastSeenOf.get(event);
  if (at === undefined) {
    at = Date.parse(event.lastTimestamp ?? event.firstTimestamp ?? event.metadata.creationTimestamp ?? "") || 0;
    lastSeenOf.set(event, at);
  }
  return at;
}

/**
 * What to write for a freshly built Event, given the stored Events of its namespace: a `patch`
 * of the matching one (`count`+1, `lastTimestamp`, `message`) or a `create`.
 *
 * @example
 * // the third "Created pod: web-x" in a row patches the stored event to count: 3
 * correlateEvent(buildEvent(action, { component: "job-controller" }, now), stored, now)
 */
export function correlateEvent(event: Event, existing: readonly Event[], now: Date): Action {
  let candidate = event;
  const key = aggregateKey(event);
  const recentMessages = new Set<string>([event.message ?? ""]);
  for (const other of existing) {
    if (isAggregated(other) || aggregateKey(other) !== key) continue;
    if (now.getTime() - lastSeen(other) > AGGREGATE_INTERVAL_MS) continue;
    recentMessages.add(other.message ?? "");
  }
  if (recentMessages.size >= AGGREGATE_MAX_EVENTS) {
    candidate = { ...event, message: AGGREGATED_PREFIX + (event.message ?? "") };
  }

  const wanted = correlationKey(candidate);
  const previous = existing
    .filter((other) => correlationKey(other) === wanted)
    .sort((a, b) => lastSeen(b) - lastSeen(a))[0];
  if (!previous) {
    return { type: "create", resource: EVENTS_RESOURCE, namespace: candidate.metadata.namespace ?? "default", object: candidate };
  }
  return {
    type: "patch",
    resource: EVENTS_RESOURCE,
    namespace: previous.metadata.namespace ?? "default",
    name: previous.metadata.name!,
    patch: { count: (previous.count ?? 1) + 1, lastTimestamp: candidate.lastTimestamp, message: candidate.message },
  };
}

/**
 * Build and correlate a pass's event actions in order, each seeing the ones before it, so that a
 * pass which records the same event twice writes one Event with count 2. `firstSeq` numbers the
 * new Events' names; the host keeps it rising, so that passes within one millisecond (or on a
 * clock that tests hold still) never pick the same name.
 */
export function recordEvents(
  actions: readonly EventAction[],
  existing: readonly Event[],
  source: EventSource,
  now: Date,
  firstSeq = 0,
): Action[] {
  // Both correlation keys hold the involved object's name, so only Events about these objects can
  // match: narrowing first keeps a pass linear in the namespace's Events, not in their product
  // with the pass's (a thousand `Scheduled` Events against ten thousand stored ones).
  const involved = new Set(actions.map((a) => a.involvedObject.metadata.name));
  const known = existing.filter((e) => involved.has(e.involvedObject?.name ?? ""));
  return actions.map((action, i) => {
    const write = correlateEvent(buildEvent(action, source, now, firstSeq + i), known, now);
    if (write.type === "create") {
      known.push(write.object as Event);
    } else if (write.type === "patch") {
      const index = known.findIndex((e) => e.metadata.name === write.name && e.metadata.namespace === write.namespace);
      known[index] = { ...known[index], ...(write.patch as Partial<Event>) };
    }
    return write;
  });
}

/** Deletes for the Events last seen more than `ttlMs` ago. */
export function expiredEvents(events: readonly Event[], now: Date, ttlMs = EVENT_TTL_MS): Action[] {
  return events
    .filter((event) => now.getTime() - lastSeen(event) > ttlMs)
    .map((event) => ({
      type: "delete" as const,
      resource: EVENTS_RESOURCE,
      namespace: event.metadata.namespace ?? "default",
      name: event.metadata.name!,
      uid: event.metadata.uid,
    }));
}

/** When the oldest Event expires, for the host's alarm. */
export function nextEventExpiry(events: readonly Event[], ttlMs = EVENT_TTL_MS): number | undefined {
  let earliest: number | undefined;
  for (const event of events) {
    const at = lastSeen(event) + ttlMs;
    if (earliest === undefined || at < earliest) earliest = at;
  }
  return earliest;
}
