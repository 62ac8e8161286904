/**
 * `GET /api/openapi.json` (the OpenAPI 3.1 document of the app it is mounted on, generated on
 * first request and kept for the isolate's life) and `GET /api/docs` (Scalar's interactive
 * reference over that document; the page loads Scalar's script from its CDN).
 */
import { Hono } from "hono";
import { describeRoute } from "hono-openapi";
import { Scalar } from "@scalar/hono-api-reference";
import type { AppEnv } from "./context.ts";
import { openApiDocument, type OpenApiDocument } from "./openapi.ts";

export const API_VERSION = "0.1.0";
export const OPENAPI_PATH = "/api/openapi.json";

export function apiDocsRoutes(app: Hono<any, any, any>) {
  const routes = new Hono<AppEnv>();
  let document: Promise<OpenApiDocument> | undefined;

  routes.get(
    OPENAPI_PATH,
    describeRoute({
      operationId: "getOpenApiDocument",
      tags: ["Meta"],
      summary: "This OpenAPI 3.1 document",
      responses: { 200: { description: "The document.", content: { "application/json": { schema: { type: "object" } } } } },
    }),
    async (c) => {
      document ??= openApiDocument(app, { version: API_VERSION }).catch((err: unknown) => {
        document = undefined; // retry on the next request rather than caching a failure
        throw err;
      });
      return c.json(await document);
    },
  );

  routes.get(
    "/api/docs",
    describeRoute({
      operationId: "getApiReference",
      tags: ["Meta"],
      summary: "Interactive API reference (Scalar)",
      responses: { 200: { description: "An HTML page.", content: { "text/html": { schema: { type: "string" } } } } },
    }),
    Scalar<AppEnv>({ url: OPENAPI_PATH, pageTitle: "Kodo API reference" }),
  );
  return routes;
}
