/**
 * The outcome of a plugin, as kube-scheduler's framework.Status: expected failures are values,
 * never exceptions. `Skip` is upstream's too: a PreFilter/PreScore returning it turns off that
 * plugin's Filter/Score for the cycle.
 */
export type Code = "Success" | "Error" | "Unschedulable" | "UnschedulableAndUnresolvable" | "Skip";

export interface Status {
  readonly code: Code;
  /** Short, fixed strings: the FitError message counts nodes per reason. */
  readonly reasons: readonly string[];
  /** The plugin that returned it; set by the framework. */
  readonly plugin?: string;
}

export const SUCCESS: Status = Object.freeze({ code: "Success", reasons: Object.freeze([]) });
export const SKIP: Status = Object.freeze({ code: "Skip", reasons: Object.freeze([]) });

export const status = (code: Code, ...reasons: string[]): Status => ({ code, reasons });
export const unschedulable = (...reasons: string[]): Status => status("Unschedulable", ...reasons);
export const unresolvable = (...reasons: string[]): Status => status("UnschedulableAndUnresolvable", ...reasons);
export const errorStatus = (message: string): Status => status("Error", message);

export const isSuccess = (s: Status): boolean => s.code === "Success";
/** Unschedulable or UnschedulableAndUnresolvable: upstream's IsRejected. */
export const isRejected = (s: Status): boolean =>
  s.code === "Unschedulable" || s.code === "UnschedulableAndUnresolvable";

/** Upstream's Status.Message(): the reasons joined. */
export const statusMessage = (s: Status): string => s.reasons.join(", ");

export const withPlugin = (s: Status, plugin: string): Status => (s.plugin === plugin ? s : { ...s, plugin });
