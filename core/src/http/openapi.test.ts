import { describe, expect, it } from "vitest";
import { Validator } from "@seriousme/openapi-schema-validator";
import { Hono } from "hono";
import { createApi } from "./app.ts";
import { addOpenApiSource, endpointRoutes, openApiDocument, toOpenApiPaths, undocumentedRoutes, type OpenApiDocument } from "./openapi.ts";

/** The document as the app serves it (no ports needed: generating it reads no store). */
async function servedDocument(app = createApi()): Promise<OpenApiDocument> {
  const res = await app.request("/api/openapi.json");
  expect(res.status).toBe(200);
  return (await res.json()) as OpenApiDocument;
}

describe("the OpenAPI document", () => {
  it("is a valid OpenAPI 3.1 document (@seriousme/openapi-schema-validator)", async () => {
    const doc = await servedDocument();
    expect(doc.openapi).toBe("3.1.0");
    const result = await new Validator().validate(doc as never);
    expect(result.errors ?? []).toEqual([]);
    expect(result.valid).toBe(true);
    // The validator does catch mistakes: the same document with a dangling $ref fails.
    const broken = structuredClone(doc) as any;
    broken.paths["/api/health"].get.responses["200"] = { $ref: "#/components/responses/Nope" };
    expect((await new Validator().validate(broken)).valid).toBe(false);
  });

  it("describes every route of the app, each with a summary, tags and responses", async () => {
    const app = createApi();
    const doc = await servedDocument(app);
    expect(undocumentedRoutes(app.routes, doc)).toEqual([]);
    const operationIds = Object.values(doc.paths ?? {}).flatMap((item) => Object.values(item ?? {}).map((op: any) => op.operationId));
    expect(new Set(operationIds).size).toBe(operationIds.length);
    const endpoints = endpointRoutes(app.routes);
    expect(endpoints.length).toBeGreaterThan(25);
    for (const { method, path } of endpoints) {
      const op = (doc.paths as any)[path][method.toLowerCase()];
      expect(op.summary, `${method} ${path}`).toBeTruthy();
      expect(op.tags?.length, `${method} ${path}`).toBeGreaterThan(0);
      expect(Object.keys(op.responses ?? {}).length, `${method} ${path}`).toBeGreaterThan(0);
    }
  });

  it("documents badges with their real paths, parameters and media types", async () => {
    const doc: any = await servedDocument();
    const svg = doc.paths["/api/badge/{username}/{range}.svg"].get;
    expect(svg.parameters.filter((p: any) => p.in === "path").map((p: any) => p.name).sort()).toEqual(["range", "username"]);
    expect(svg.parameters.filter((p: any) => p.in === "query").map((p: any) => p.name).sort()).toEqual(
      ["color", "editor", "label", "language", "machine", "os", "project", "style"].sort(),
    );
    expect(Object.keys(svg.responses[200].content)).toEqual(["image/svg+xml"]);
    expect(doc.paths["/api/badge/{username}/{range}.json"].get.responses[200].content["application/json"].schema.$ref).toBe(
      "#/components/schemas/ShieldsEndpoint",
    );
    expect(doc.paths["/api/activity/{username}.svg"].get.parameters.map((p: any) => p.name).sort()).toEqual(["theme", "username"]);
    // Optional path segments are documented as two paths.
    expect(doc.paths["/api/v1/users/{user}/stats"].get.parameters.some((p: any) => p.name === "range")).toBe(false);
    expect(doc.paths["/api/v1/users/{user}/stats/{range}"].get.parameters.some((p: any) => p.name === "range")).toBe(true);
    // The heartbeat body schema comes from core's wire schema.
    expect(doc.components.schemas.HeartbeatInput.properties.entity.maxLength).toBe(1024);
  });

  it("fails coverage for a route added without a description", async () => {
    const app = createApi();
    app.get("/api/undocumented/:id", (c) => c.text("x"));
    const doc = await openApiDocument(app, { version: "test" });
    expect(undocumentedRoutes(app.routes, doc)).toEqual(["GET /api/undocumented/{id}"]);
  });

  it("merges self-describing mounts (e.g. an auth library on a wildcard route)", async () => {
    const app = new Hono();
    app.on(["GET", "POST"], "/api/auth/*", (c) => c.text("auth"));
    expect(undocumentedRoutes(app.routes, await openApiDocument(app, { version: "t" }))).toEqual(["GET /api/auth/*", "POST /api/auth/*"]);
    addOpenApiSource(app, {
      prefix: "/api/auth",
      load: async () => ({ paths: { "/sign-in/email": { post: { responses: { 200: { description: "ok" } } } } } }),
    });
    const doc = await openApiDocument(app, { version: "t" });
    expect(Object.keys(doc.paths ?? {})).toEqual(["/api/auth/sign-in/email"]);
    expect(undocumentedRoutes(app.routes, doc)).toEqual([]);
  });
});

describe("toOpenApiPaths", () => {
  it("converts Hono paths", () => {
    expect(toOpenApiPaths("/api/v1/users/:user")).toEqual(["/api/v1/users/{user}"]);
    expect(toOpenApiPaths("/users/:user/stats/:range?")).toEqual(["/users/{user}/stats", "/users/{user}/stats/{range}"]);
    expect(toOpenApiPaths("/api/badge/:username/:range{[^/]+\\.svg}")).toEqual(["/api/badge/{username}/{range}.svg"]);
    expect(toOpenApiPaths("/api/activity/:username{[^/]+\\.svg}")).toEqual(["/api/activity/{username}.svg"]);
    expect(toOpenApiPaths("/users/:user/heartbeats.bulk")).toEqual(["/users/{user}/heartbeats.bulk"]);
    expect(toOpenApiPaths("/")).toEqual(["/"]);
  });
});

describe("the API reference page", () => {
  it("is served as HTML loading Scalar with this API's document", async () => {
    const res = await createApi().request("/api/docs");
    expect(res.status).toBe(200);
    expect(res.headers.get("content-type")).toMatch(/^text\/html/);
    const html = await res.text();
    expect(html).toContain('<script src="https://cdn.jsdelivr.net/npm/@scalar/api-reference">');
    expect(html).toContain('"url": "/api/openapi.json"');
    expect(html).toContain("Scalar.createApiReference('#app'");
  });
});
