/** Event (core/v1 `events`): the legacy event validation and the events table. */
import { fieldErrors, type FieldError } from "../lib/errors.js";
import { timestampSince } from "../lib/duration.js";
import type { Event } from "../lib/types.js";
import { invalidEach, isDNS1123Subdomain, validateQualifiedName } from "../lib/validation.js";
import { nameIsDNSSubdomain, validateObjectMeta } from "./meta.js";
import { column, nameColumn, wide } from "./table.js";
import type { ResourceDef } from "./types.js";

const REPORTING_INSTANCE_MAX = 128;
const ACTION_MAX = 128;
const REASON_MAX = 128;
const NOTE_MAX = 1024;
const NAMESPACE_MISMATCH = "does not match event.namespace";

function atMost(path: string, value: string | undefined, max: number): FieldError[] {
  return (value ?? "").length > max ? [fieldErrors.invalid(path, "", `can have at most ${max} characters`)] : [];
}

/** `legacyValidateEvent`: events with `eventTime` are "new" events with reporting fields. */
function validateEvent(ev: Event): FieldError[] {
  const errs = validateObjectMeta(ev.metadata, { namespaced: true, name: nameIsDNSSubdomain });
  const namespace = ev.metadata.namespace ?? "";
  const involvedNamespace = ev.involvedObject?.namespace ?? "";
  if (!ev.eventTime) {
    const ok = involvedNamespace ? namespace === involvedNamespace : namespace === "" || namespace === "default";
    if (!ok) errs.push(fieldErrors.invalid("involvedObject.namespace", involvedNamespace, NAMESPACE_MISMATCH));
  } else {
    if (!involvedNamespace && namespace !== "default" && namespace !== "kube-system")
      errs.push(fieldErrors.invalid("involvedObject.namespace", involvedNamespace, NAMESPACE_MISMATCH));
    if (!ev.reportingComponent) errs.push(fieldErrors.required("reportingController"));
    errs.push(...validateQualifiedName(ev.reportingComponent ?? "", "reportingController"));
    if (!ev.reportingInstance) errs.push(fieldErrors.required("reportingInstance"));
    errs.push(...atMost("reportingInstance", ev.reportingInstance, REPORTING_INSTANCE_MAX));
    if (!ev.action) errs.push(fieldErrors.required("action"));
    errs.push(...atMost("action", ev.action, ACTION_MAX));
    if (!ev.reason) errs.push(fieldErrors.required("reason"));
    errs.push(...atMost("reason", ev.reason, REASON_MAX));
    errs.push(...atMost("message", ev.message, NOTE_MAX));
  }
  errs.push(...invalidEach("namespace", namespace, namespace ? isDNS1123Subdomain(namespace) : []));
  return errs;
}

/** `formatEventSource`: component and host, falling back to the reporting controller and instance. */
function eventSource(ev: Event): string {
  const component = ev.source?.component || ev.reportingComponent || "";
  const instance = ev.source?.host || ev.reportingInstance || "";
  return instance ? `${component}, ${instance}` : component;
}

export const eventDef: ResourceDef<Event> = {
  group: "",
  version: "v1",
  kind: "Event",
  plural: "events",
  singular: "event",
  namespaced: true,
  shortNames: ["ev"],
  hasStatus: false,
  generationPaths: [],
  fieldSelectors: [
    "involvedObject.kind",
    "involvedObject.namespace",
    "involvedObject.name",
    "involvedObject.uid",
    "involvedObject.apiVersion",
    "involvedObject.resourceVersion",
    "involvedObject.fieldPath",
    "reason",
    "reportingComponent",
    "source",
    "type",
  ],

  defaults() {},
  validate: validateEvent,

  table: {
    columns: [
      column("Last Seen", "The time at which the most recent occurrence of this event was recorded."),
      column("Type", "Type of this event (Normal, Warning), new types could be added in the future"),
      column("Reason", "This should be a short, machine understandable string that gives the reason for the transition into the object's current status."),
      column("Object", "The object that this event is about."),
      wide("Subobject", "If referring to a piece of an object instead of an entire object, this string should contain a valid JSON/Go field access statement, such as desiredState.manifest.containers[2]."),
      wide("Source", "The component reporting this event. Should be a short machine understandable string."),
      column("Message", "A human-readable description of the status of this operation."),
      wide("First Seen", "The time at which the event was first recorded. (Time of server receipt is in TypeMeta.)"),
      wide("Count", "The number of times this event has occurred."),
      nameColumn(1),
    ],
    cells(ev, now) {
      const first = ev.firstTimestamp ? timestampSince(ev.firstTimestamp, now) : timestampSince(ev.eventTime, now);
      let last = ev.lastTimestamp ? timestampSince(ev.lastTimestamp, now) : first;
      let count = ev.count ?? 0;
      if (ev.series) {
        last = timestampSince(ev.series.lastObservedTime, now);
        count = ev.series.count ?? 0;
      } else if (count === 0) {
        count = 1; // singleton events of the new API carry no count
      }
      const kind = (ev.involvedObject?.kind ?? "").toLowerCase();
      const target = ev.involvedObject?.name ? `${kind}/${ev.involvedObject.name}` : kind;
      return [
        last,
        ev.type ?? "",
        ev.reason ?? "",
        target,
        ev.involvedObject?.fieldPath ?? "",
        eventSource(ev),
        (ev.message ?? "").trim(),
        first,
        count,
        ev.metadata.name,
      ];
    },
  },
};
