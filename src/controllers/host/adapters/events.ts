/** Expires Events an hour after they were last seen (kube-apiserver's event TTL). */
import type { Event, Stored } from "../../../lib/types.js";
import { expiredEvents, nextEventExpiry } from "../../events.js";
import type { Controller } from "../controller.js";

const KEY = "all";

export const eventTTLController: Controller = {
  name: "event-ttl",
  resources: ["events"],
  // A new Event may be the only one, and so the earliest to expire.
  keysFor: (_resource, _obj, previous) => (previous ? [] : [KEY]),
  allKeys: () => [KEY],
  reconcile(_key, ctx) {
    const events = ctx.cache.list<Stored<Event>>("events");
    const next = nextEventExpiry(events);
    return {
      actions: expiredEvents(events, ctx.now),
      requeue: next === undefined ? [] : [{ key: KEY, at: Math.max(next, ctx.now.getTime() + 1000) }],
    };
  },
};
