/** Errors the patch algorithms share. */
import { ApiError } from "../errors.js";

/**
 * apiserver's 422 for a patch it decoded but cannot apply (`NewGenericServerResponse(422, …)`):
 * its message is generic, so the reason goes in a cause rather than being lost.
 */
export function rejectedPatch(detail: string): ApiError {
  return new ApiError(422, "Invalid", "the server rejected our request due to an error in our request", {
    causes: [{ message: detail }],
  });
}
