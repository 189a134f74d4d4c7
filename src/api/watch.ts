/**
 * Watch responses: the registry's newline-delimited JSON events, re-encoded line by line so each
 * object carries its apiVersion/kind and, when the client asked for Tables (`kubectl get -w`),
 * becomes a one-row Table. ERROR (a Status) and BOOKMARK objects pass unchanged.
 */
import type { KubeObject } from "../lib/types.js";
import type { WatchEvent } from "../store/types.js";
import { withTypeMeta } from "./objects.js";

export type EventTransform = (event: WatchEvent) => WatchEvent;

/** Apply `transform` to every line of an NDJSON stream of watch events. */
export function transformWatchStream(transform: EventTransform): TransformStream<Uint8Array, Uint8Array> {
  const decoder = new TextDecoder();
  const encoder = new TextEncoder();
  let buffered = "";
  const emit = (line: string, controller: TransformStreamDefaultController<Uint8Array>) => {
    if (line.trim() === "") return;
    controller.enqueue(encoder.encode(transformLine(line, transform) + "\n"));
  };
  return new TransformStream({
    transform(chunk, controller) {
      buffered += decoder.decode(chunk, { stream: true });
      let nl: number;
      while ((nl = buffered.indexOf("\n")) >= 0) {
        emit(buffered.slice(0, nl), controller);
        buffered = buffered.slice(nl + 1);
      }
    },
    flush(controller) {
      emit(buffered + decoder.decode(), controller);
    },
  });
}

/** One line; a line that is not an event is passed on as it is rather than dropped. */
export function transformLine(line: string, transform: EventTransform): string {
  let event: WatchEvent;
  try {
    event = JSON.parse(line) as WatchEvent;
  } catch {
    return line;
  }
  if (!event || typeof event !== "object" || !event.object) return line;
  return JSON.stringify(transform(event));
}

export interface ObjectEventOptions {
  apiVersion: string;
  kind: string;
  /** Turns an object into what the client asked for (a one-row Table), if anything. */
  render?: (obj: KubeObject) => KubeObject;
}

/** The transform for ADDED / MODIFIED / DELETED objects; ERROR and BOOKMARK pass unchanged. */
export function objectEventTransform(options: ObjectEventOptions): EventTransform {
  return (event) => {
    if (event.type === "ERROR" || event.type === "BOOKMARK") return event;
    const obj = withTypeMeta(event.object, options.apiVersion, options.kind);
    return { type: event.type, object: options.render ? options.render(obj) : obj };
  };
}
