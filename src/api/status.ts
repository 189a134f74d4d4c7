/**
 * Errors as Kubernetes `Status` responses: the one `onError` / `notFound` of the app. An
 * `ApiError` is rendered with its code; anything else is a fault of ours, a 500 InternalError.
 */
import { ApiError, errors } from "../lib/errors.js";

export function statusResponse(error: ApiError, headers?: HeadersInit): Response {
  return Response.json(error.toStatus(), { status: error.code, headers });
}

/** Render whatever was thrown. Only a real fault (not bad input) reaches the 500 branch. */
export function errorResponse(err: unknown): Response {
  if (err instanceof ApiError) return statusResponse(err);
  console.error("unexpected error serving request:", err);
  return statusResponse(errors.internal(err instanceof Error ? err.message : String(err)));
}

/** Kubernetes' success Status, as `DELETE` and `pods/binding` answer. */
export function successStatus(code: number, details?: Record<string, string | undefined>) {
  const status: Record<string, unknown> = { kind: "Status", apiVersion: "v1", metadata: {}, status: "Success" };
  if (details) status.details = Object.fromEntries(Object.entries(details).filter(([, v]) => v !== undefined));
  status.code = code;
  return status;
}

/** A `Warning` header value: `299 - "text"`, as RFC 7234 and kube-apiserver write it. */
export function warningHeader(text: string): string {
  return `299 - "${text.replace(/[\\"]/g, (c) => `\\${c}`).replace(/[\r\n]+/g, " ")}"`;
}
