/**
 * Zod schemas shared by the route descriptions: the error shape, helpers for response
 * objects, and the JSON validators whose failures answer Kodo's `{"error": "..."}`.
 */
import { z } from "zod";
import { resolver, validator } from "hono-openapi";
import type { ValidationTargets } from "hono";
import type { OpenAPIV3, OpenAPIV3_1 } from "openapi-types";
import { jsonError } from "./errors.ts";

export const errorSchema = z
  .object({ error: z.string().meta({ description: "What was wrong, naming the field." }) })
  .meta({ ref: "Error", description: "Every error Kodo answers: a 4xx (or 5xx) status and this body." });

/** Response object for a JSON body of `schema`. */
export function jsonResponse(description: string, schema: z.ZodType) {
  return { description, content: { "application/json": { schema: resolver(schema) } } };
}

const ERROR_TEXT: Record<number, string> = {
  400: "Malformed input; the message names the field.",
  401: "Missing, malformed or unknown API key.",
  403: "The key may not do this (read-only key, or another user's data).",
  404: "Not found.",
  409: "Conflicts with what is stored (a limit reached, a value in use); the message says which.",
  413: "Body too large.",
};

/** Error responses for the given statuses. */
export function errorResponses(...statuses: number[]) {
  return Object.fromEntries(statuses.map((s) => [String(s), jsonResponse(ERROR_TEXT[s] ?? "Error.", errorSchema)]));
}

/** A path parameter (hono-openapi documents query parameters from validators, paths by hand). */
export function pathParameter(name: string, description: string, schema: OpenAPIV3.SchemaObject = { type: "string" }): OpenAPIV3_1.ParameterObject {
  return { in: "path", name, required: true, description, schema };
}

/** A query parameter described by hand (routes whose parsing predates the validators). */
export function queryParameter(name: string, description: string, schema: OpenAPIV3.SchemaObject = { type: "string" }, required = false): OpenAPIV3_1.ParameterObject {
  return { in: "query", name, required, description, schema };
}

/**
 * Validates a request part with a zod schema, documents it, and answers a failure with a
 * 400 `{"error": "field: message; ..."}` like the rest of the API.
 */
export function validated<Target extends keyof ValidationTargets, S extends z.ZodType>(target: Target, schema: S) {
  return validator(target, schema, (result, c) => {
    if (!result.success) {
      const message = result.error
        .map((issue) => {
          const path = (issue.path ?? []).map((p) => (typeof p === "object" ? String(p.key) : String(p))).join(".");
          return path ? `${path}: ${issue.message}` : issue.message;
        })
        .join("; ");
      return jsonError(c, 400, message || "Invalid request");
    }
  });
}
