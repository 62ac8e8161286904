import type { Context } from "hono";
import { HTTPException } from "hono/http-exception";
import type { ContentfulStatusCode } from "hono/utils/http-status";

/** Every error Kodo answers is JSON: `{"error": "..."}`, as WakaTime's API does. */
export function jsonError(c: Context, status: ContentfulStatusCode, message: string) {
  return c.json({ error: message }, status);
}

/** Thrown by route code for a client error; the app's error handler turns it into JSON. */
export class ApiError extends HTTPException {
  constructor(status: ContentfulStatusCode, message: string) {
    super(status, { message });
  }
}

export function onError(err: Error, c: Context) {
  if (err instanceof HTTPException) {
    // Hono's own exceptions (body limit, malformed JSON) carry a status and a message.
    return jsonError(c, err.status as ContentfulStatusCode, err.message || "Bad request");
  }
  console.error("unhandled error", err);
  return jsonError(c, 500, "Internal error");
}
