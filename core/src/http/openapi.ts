/**
 * The OpenAPI 3.1 document of the whole API, generated from the routes: every route carries a
 * `describeRoute(...)` (hono-openapi) with its summary, parameters and zod response schemas,
 * and query validators document their parameters themselves. `undocumentedRoutes` lists any
 * route missing from the document; a test asserts it is empty, so adding a route without
 * describing it fails the build.
 */
import type { Hono } from "hono";
import type { RouterRoute } from "hono/types";
import { generateSpecs } from "hono-openapi";
import type { OpenAPIV3_1 } from "openapi-types";

export type OpenApiDocument = OpenAPIV3_1.Document;

/**
 * Paths served by something that describes itself (e.g. an auth library mounted on a wildcard
 * route, which hono-openapi cannot see into): its paths are merged in under `prefix`.
 */
export interface OpenApiSource {
  /** Path prefix the source is mounted at, e.g. "/api/auth". */
  prefix: string;
  load(): Promise<Pick<Partial<OpenApiDocument>, "paths" | "components" | "tags">>;
}

const sources = new WeakMap<object, OpenApiSource[]>();

/** Registers a self-describing mount of `app` (see OpenApiSource). */
export function addOpenApiSource(app: Hono<any, any, any>, source: OpenApiSource): void {
  sources.set(app, [...(sources.get(app) ?? []), source]);
}

/** How API keys may be sent (WakaTime's three ways). */
export const API_KEY_SECURITY: OpenAPIV3_1.SecurityRequirementObject[] = [{ apiKeyBasic: [] }, { apiKeyBearer: [] }, { apiKeyQuery: [] }];

const SECURITY_SCHEMES: Record<string, OpenAPIV3_1.SecuritySchemeObject> = {
  apiKeyBasic: { type: "http", scheme: "basic", description: "`Authorization: Basic base64(api_key)`: what WakaTime plugins send." },
  apiKeyBearer: { type: "http", scheme: "bearer", description: "`Authorization: Bearer api_key` (raw or base64)." },
  apiKeyQuery: { type: "apiKey", in: "query", name: "api_key", description: "`?api_key=`: for quick tests; avoid in shared URLs." },
};

export const ALIAS_PREFIX = "/api/compat/wakatime/v1";
const ALIAS_TAG = "WakaTime v1 (alias)";

const TAGS: OpenAPIV3_1.TagObject[] = [
  { name: "WakaTime v1", description: "WakaTime-compatible API under `/api/v1`: point any WakaTime plugin's `api_url` here." },
  { name: ALIAS_TAG, description: `The same routes under \`${ALIAS_PREFIX}\` (Wakapi's path), for clients configured that way.` },
  { name: "Public", description: "Read-only public data of users who share it (CORS enabled, no key)." },
  { name: "Badges", description: "Embeddable SVG badges, shields.io endpoint JSON and the activity map." },
  { name: "Meta", description: "Health, this document and its reference page." },
];

/**
 * A Hono path as OpenAPI paths. `:name` -> `{name}`; an optional `:name?` gives the path with
 * and without it; a parameter with a pattern ending in an extension (`:range{[^/]+\.svg}`)
 * becomes `{range}.svg` (the value documented without the extension).
 */
export function toOpenApiPaths(honoPath: string): string[] {
  let variants = [""];
  for (const segment of segmentsOf(honoPath)) {
    const param = /^:([A-Za-z0-9_]+)(?:\{(.+)\})?(\?)?$/.exec(segment);
    if (!param) {
      variants = variants.map((v) => `${v}/${segment}`);
      continue;
    }
    const [, name, pattern, optional] = param;
    const ext = pattern ? /\\\.([A-Za-z0-9]+)$/.exec(pattern)?.[1] : undefined;
    const rendered = `/{${name}}${ext ? `.${ext}` : ""}`;
    variants = optional ? variants.flatMap((v) => [v, `${v}${rendered}`]) : variants.map((v) => `${v}${rendered}`);
  }
  return variants.map((v) => v || "/");
}

/** Path segments, not splitting inside a parameter's `{pattern}` (which may contain "/"). */
function segmentsOf(path: string): string[] {
  const segments: string[] = [];
  let depth = 0;
  let current = "";
  for (const ch of path.replace(/^\//, "")) {
    if (ch === "{") depth++;
    if (ch === "}") depth--;
    if (ch === "/" && depth === 0) {
      segments.push(current);
      current = "";
    } else {
      current += ch;
    }
  }
  segments.push(current);
  return segments;
}

/** The routes that answer requests (not middleware): a method other than ALL. */
export function endpointRoutes(routes: readonly RouterRoute[]): { method: string; path: string }[] {
  const seen = new Set<string>();
  const out: { method: string; path: string }[] = [];
  for (const r of routes) {
    if (r.method === "ALL") continue; // app.use() middleware (cors, ports); Kodo serves no ALL endpoints
    for (const path of toOpenApiPaths(r.path)) {
      const key = `${r.method} ${path}`;
      if (!seen.has(key)) {
        seen.add(key);
        out.push({ method: r.method, path });
      }
    }
  }
  return out;
}

/** "GET /x" for every endpoint of `routes` that the document does not describe. */
export function undocumentedRoutes(routes: readonly RouterRoute[], doc: OpenApiDocument): string[] {
  const paths = doc.paths ?? {};
  return endpointRoutes(routes)
    .filter(({ method, path }) => {
      const m = method.toLowerCase() as OpenAPIV3_1.HttpMethods;
      if (path.endsWith("*")) {
        // A wildcard mount is covered when its source put at least one path under it.
        const prefix = path.slice(0, -1);
        return !Object.entries(paths).some(([p, item]) => p.startsWith(prefix) && item !== undefined);
      }
      return paths[path]?.[m] === undefined;
    })
    .map(({ method, path }) => `${method} ${path}`);
}

export async function openApiDocument(app: Hono<any, any, any>, info: { version: string }): Promise<OpenApiDocument> {
  // hono-openapi reads only `routes`; give it the routes with their paths in OpenAPI form
  // (it would turn `:range{[^/]+\.svg}` into a bare `{range}` and drop optional segments).
  const routes = app.routes.flatMap((r) => toOpenApiPaths(r.path).map((path) => ({ ...r, path })));
  const spec = (await generateSpecs({ routes } as unknown as Hono, {
    documentation: {
      info: {
        title: "Kodo API",
        version: info.version,
        description:
          "Kodo is an open, self-hostable, WakaTime-compatible coding-time tracker. " +
          "Errors are JSON `{\"error\": \"...\"}` with a 4xx status. " +
          "Badges and public data show only what each user chose to share.",
      },
      tags: TAGS,
      components: { securitySchemes: SECURITY_SCHEMES },
    },
    excludeStaticFile: false,
    includeEmptyPaths: false,
    defaultValidationErrorResponse: {
      description: "A parameter is malformed; the message names it.",
      content: { "application/json": { schema: { $ref: "#/components/schemas/Error" } } },
    },
  })) as unknown as OpenApiDocument;

  for (const [path, item] of Object.entries(spec.paths ?? {})) {
    for (const method of Object.keys(item ?? {}) as OpenAPIV3_1.HttpMethods[]) {
      const op = item![method];
      if (!op) continue;
      // hono-openapi adds a path parameter per `{...}` segment, misreading `{range}.svg`:
      // keep only parameters the path really has.
      op.parameters = op.parameters?.filter((p) => "$ref" in p || p.in !== "path" || path.includes(`{${p.name}}`));
      if (path.startsWith(`${ALIAS_PREFIX}/`)) op.tags = [ALIAS_TAG];
    }
  }
  for (const source of sources.get(app) ?? []) await mergeSource(spec, source);
  return spec;
}

async function mergeSource(spec: OpenApiDocument, source: OpenApiSource): Promise<void> {
  const part = await source.load();
  for (const [path, item] of Object.entries(part.paths ?? {})) {
    spec.paths![`${source.prefix}${path === "/" ? "" : path}`] = item;
  }
  const schemas = part.components?.schemas ?? {};
  spec.components = { ...spec.components, schemas: { ...spec.components?.schemas, ...schemas } };
  const known = new Set((spec.tags ?? []).map((t) => t.name));
  spec.tags = [...(spec.tags ?? []), ...(part.tags ?? []).filter((t) => !known.has(t.name))];
}
