/**
 * Hostile HTTP requests for the API fuzz test (fuzz-api.test.ts), generated with fast-check
 * from the app's own route list, so routes added later are fuzzed without touching this file.
 *
 * A request is generated symbolically (which credential, which user) and resolved against the
 * running server's keys when sent. Heartbeat items are either valid (projects "fuzz-p*") or
 * mutated, and every mutated item names a project "rejected-<n>" first: if such a project ever
 * shows up in the user's data without having been answered 201, a rejected input was stored.
 */
import fc from "fast-check";

export interface RouteSpec {
  method: string;
  /** OpenAPI form: `{name}` parameters, `{name}.svg`, or a literal `*` (middleware). */
  path: string;
  /** Query parameters the OpenAPI document declares, with their enum values if any. */
  query: { name: string; values: string[] }[];
  /** Top-level fields of a documented JSON request body. */
  bodyFields: string[];
}

interface OpenApiOperation {
  parameters?: { name: string; in: string; schema?: { enum?: unknown[] } }[];
  requestBody?: { content?: Record<string, { schema?: { properties?: Record<string, unknown> } }> };
}
export interface OpenApiDoc {
  paths: Record<string, Record<string, OpenApiOperation>>;
}

export type Credential =
  | "none"
  | "basic"
  | "bearer"
  | "bearer-base64"
  | "query"
  | "other-user"
  | "basic-key-colon"
  | "basic-user-key"
  | { raw: string };

export interface FuzzRequest {
  method: string;
  /** Path and query, already encoded (sometimes badly, on purpose). */
  target: string;
  credential: Credential;
  headers: Record<string, string>;
  body: string | Uint8Array<ArrayBuffer> | null;
  /** Short description for failure messages. */
  label: string;
}

export interface FuzzUsers {
  username: string;
  otherUsername: string;
}

/**
 * Every (method, path) of the app's routes (middleware such as `ALL /api/*` included on
 * purpose), plus any path only the OpenAPI document knows (mounts it describes, e.g. sign-in),
 * each with the query parameters and body fields the document declares for it.
 */
export function routeSpecs(routes: readonly { method: string; path: string }[], doc: OpenApiDoc, toOpenApiPaths: (honoPath: string) => string[]): RouteSpec[] {
  const specs = new Map<string, RouteSpec>();
  const add = (method: string, path: string) => {
    const op = doc.paths[path]?.[method.toLowerCase()];
    const query = (op?.parameters ?? []).filter((p) => p.in === "query").map((p) => ({ name: p.name, values: (p.schema?.enum ?? []).map(String) }));
    const json = op?.requestBody?.content?.["application/json"]?.schema?.properties;
    specs.set(`${method} ${path}`, { method, path, query, bodyFields: Object.keys(json ?? {}) });
  };
  for (const r of routes) for (const path of toOpenApiPaths(r.path)) add(r.method, path);
  for (const [path, ops] of Object.entries(doc.paths)) for (const method of Object.keys(ops)) if (!specs.has(`${method.toUpperCase()} ${path}`)) add(method.toUpperCase(), path);
  return [...specs.values()];
}

const HOSTILE_STRINGS = [
  "",
  " ",
  "../../etc/passwd",
  "..",
  "null",
  "undefined",
  "NaN",
  "Infinity",
  "-1",
  "0",
  "1e309",
  "9".repeat(400),
  "a".repeat(3000),
  "<script>alert(1)</script>",
  "' OR 1=1 --",
  "\u0000",
  "\uFFFF",
  "😀".repeat(50),
  "2024-02-30",
  "9999-12-31",
  "0000-00-00",
  "2026-13-01",
  "1970-01-01",
  "today",
  "yesterday",
  "last_7_days",
  "last_year",
  "all_time",
  "All Time",
  "2026",
  "2026-11",
  "Europe/Berlin",
  "Mars/Olympus_Mons",
  "UTC",
  "+05:30",
  "project,branch",
  ",,,",
  "a\tb",
  "a\nb",
];

/** Calendar edges for parameters that hold a day (the next day of 9999-12-31 has five digits). */
const DATE_EDGES = ["9999-12-31", "9999-12-30", "0000-01-01", "0001-01-01", "1969-12-31", "1970-01-01", "2024-02-29", "2026-02-29", "2026-11-23T00:00:00Z", "20261123", "2026-1-1", "+002026-01-01", "-000001-01-01"];
/** Edges for named ranges (`YYYY`, `YYYY-MM`, `last_N_days`). */
const RANGE_EDGES = ["9999", "9999-12", "0000", "0000-00", "10000", "2026-00", "2026-13", "1969", "last_0_days", "last_99999_days", "ALL_TIME", "all_time "];

/** Valid values for what a parameter's name says it holds, so checks behind it are reached. */
function validFor(name: string): string[] {
  const day = (ago: number) => new Date(Date.now() - ago * 86_400_000).toISOString().slice(0, 10);
  if (/date|start|end|day|since|until/i.test(name)) return [day(0), day(1), day(2), day(30)];
  if (/range/i.test(name)) return ranges;
  return [];
}

/** Values aimed at what a parameter's name says it holds. */
function edgesFor(name: string): string[] {
  if (/date|start|end|day|since|until/i.test(name)) return DATE_EDGES;
  if (/range/i.test(name)) return RANGE_EDGES;
  return [];
}

const RAW_BAD_ENCODINGS = ["%", "%ZZ", "%00", "%2e%2e%2f", "%E0%A4%A", "%ff%fe", "a%2Fb", "%25"];

const QUERY_KEYS = ["date", "start", "end", "range", "timezone", "project", "branches", "slice_by", "q", "api_key", "writes_only", "timeout", "cursor", "limit", "__proto__"];

const ranges = ["today", "last_7_days", "last_30_days", "last_year", "all_time", "2026", "2026-11", "this_week"];

/** Names an object lookup can find on Object.prototype: a classic source of wrong answers. */
const PROTOTYPE_NAMES = ["__proto__", "constructor", "prototype", "toString", "hasOwnProperty", "valueOf", "__defineGetter__", "isPrototypeOf"];

const hostileString = fc.oneof(
  { weight: 2, arbitrary: fc.constantFrom(...PROTOTYPE_NAMES) },
  { weight: 6, arbitrary: fc.constantFrom(...HOSTILE_STRINGS) },
  { weight: 2, arbitrary: fc.string({ maxLength: 40 }) },
  { weight: 1, arbitrary: fc.string({ unit: "grapheme", maxLength: 30 }) },
);

/** Percent-encodes when the string allows it (lone surrogates do not), else drops them. */
function encode(s: string): string {
  try {
    return encodeURIComponent(s);
  } catch {
    return encodeURIComponent(s.replace(/[\uD800-\uDFFF]/g, ""));
  }
}

const pathValue = (users: FuzzUsers, name: string, ext: string | undefined) => {
  const typical =
    name === "user"
      ? fc.constantFrom("current", "current", "current", users.username, users.otherUsername)
      : name === "username"
        ? fc.constantFrom(users.username, users.otherUsername, "nobody-here")
        : name === "range"
          ? fc.constantFrom(...ranges)
          : name === "name"
            ? fc.constantFrom("fuzz-p1", "fuzz-p2", "kodo")
            : fc.constantFrom(crypto.randomUUID(), "1", "abc");
  const suffix = ext ?? "";
  const edges = edgesFor(name);
  return fc.oneof(
    { weight: 5, arbitrary: typical.map((v) => encode(v) + suffix) },
    { weight: edges.length ? 3 : 0, arbitrary: fc.constantFrom("", ...edges).map((v) => encode(v) + suffix) },
    { weight: 3, arbitrary: hostileString.map((v) => encode(v) + (suffix && v.length % 2 === 0 ? suffix : "")) },
    { weight: 1, arbitrary: fc.constantFrom(...RAW_BAD_ENCODINGS) },
  );
};

/** A concrete path for an OpenAPI path (`{name}`, `{name}.svg`, `*`). */
function pathFor(users: FuzzUsers, pattern: string): fc.Arbitrary<string> {
  const parts = pattern.split("/");
  const arbitraries = parts.map((part) => {
    const param = /^\{([A-Za-z0-9_]+)\}(\.[a-z]+)?$/.exec(part);
    if (param) return pathValue(users, param[1]!, param[2]);
    if (part === "*") return fc.oneof(fc.constant("x"), hostileString.map(encode), fc.constantFrom(...RAW_BAD_ENCODINGS));
    return fc.constant(part);
  });
  return fc.tuple(...arbitraries).map((segments) => segments.join("/") || "/");
}

/** Documented parameters (their enum values, or hostile ones) and undocumented ones. */
function queryFor(spec: RouteSpec): fc.Arbitrary<string> {
  if (spec.query.length === 0) return genericQuery;
  const documented = fc.array(
    fc.constantFrom(...spec.query).chain((p) =>
      fc.tuple(
        fc.constant(p.name),
        fc.oneof(
          { weight: p.values.length ? 3 : 0, arbitrary: fc.constantFrom("", ...p.values).map(encode) },
          // A closed set of values invites a lookup in an object: try its prototype's names.
          { weight: p.values.length ? 2 : 0, arbitrary: fc.constantFrom(...PROTOTYPE_NAMES) },
          { weight: edgesFor(p.name).length ? 3 : 0, arbitrary: fc.constantFrom("", ...edgesFor(p.name)).map(encode) },
          { weight: validFor(p.name).length ? 4 : 0, arbitrary: fc.constantFrom("", ...validFor(p.name)).map(encode) },
          { weight: 3, arbitrary: hostileString.map(encode) },
          { weight: 1, arbitrary: fc.constantFrom(...RAW_BAD_ENCODINGS) },
          { weight: 1, arbitrary: fc.constantFrom("2026-11-20", "2026-11-22", "last_7_days").map(encode) },
        ),
      ),
    ),
    { minLength: 1, maxLength: 5 },
  );
  return fc.oneof(
    { weight: 3, arbitrary: documented.map((pairs) => "?" + pairs.map(([k, v]) => `${encode(k)}=${v}`).join("&")) },
    { weight: 1, arbitrary: genericQuery },
  );
}

const genericQuery = fc
  .array(
    fc.tuple(
      fc.oneof({ weight: 5, arbitrary: fc.constantFrom(...QUERY_KEYS) }, { weight: 1, arbitrary: hostileString }),
      fc.oneof(
        { weight: 4, arbitrary: hostileString.map(encode) },
        { weight: 1, arbitrary: fc.constantFrom(...RAW_BAD_ENCODINGS) },
        { weight: 1, arbitrary: fc.constantFrom("2026-11-20", "2026-11-22").map(encode) },
      ),
    ),
    { maxLength: 6 },
  )
  .map((pairs) => (pairs.length ? "?" + pairs.map(([k, v]) => `${encode(k)}=${v}`).join("&") : ""));

const credential: fc.Arbitrary<Credential> = fc.oneof(
  { weight: 10, arbitrary: fc.constant<Credential>("basic") },
  { weight: 2, arbitrary: fc.constantFrom<Credential>("bearer", "bearer-base64", "query", "other-user", "basic-key-colon", "basic-user-key") },
  { weight: 3, arbitrary: fc.constant<Credential>("none") },
  {
    weight: 4,
    arbitrary: fc.constantFrom<Credential>(
      { raw: "Basic" },
      { raw: "Bearer" },
      { raw: "Basic !!!!" },
      { raw: `Basic ${Buffer.from("not-a-key").toString("base64")}` },
      { raw: `Basic ${Buffer.from([0xff, 0xfe, 0xc3, 0x28]).toString("base64")}` },
      { raw: `Bearer ${"A".repeat(6000)}` },
      { raw: "Digest username=x" },
      { raw: "Basic dGVzdA==, Bearer abc" },
      { raw: `Bearer waka_${"0".repeat(8)}-0000-4000-8000-${"0".repeat(12)}` },
      { raw: "bEaReR    " },
    ),
  },
);

const hostileHeaders: fc.Arbitrary<Record<string, string>> = fc
  .record(
    {
      "content-type": fc.constantFrom(
        "application/json",
        "text/plain",
        "application/x-www-form-urlencoded",
        "multipart/form-data; boundary=xyz",
        "application/json; charset=latin1",
        "application/octet-stream",
        "garbage/!!!",
      ),
      "content-encoding": fc.constantFrom("gzip", "br", "deflate", "identity, gzip", "x-unknown"),
      "x-machine-name": fc.constantFrom("", "m".repeat(300), "m".repeat(4000), "caf\u00e9-laptop", " padded ", "\u00ff\u00fe"),
      "user-agent": fc.constantFrom("", "u".repeat(5000), "wakatime/../../x", "\u00e9\u00e8", "curl/8.0"),
      origin: fc.constantFrom("http://evil.example", "null", "http://127.0.0.1:1"),
      accept: fc.constantFrom("text/html", "*/*", "application/xml", ""),
      "if-none-match": fc.constantFrom("*", '"abc"', "W/\"x\"", "garbage"),
      cookie: fc.constantFrom("better-auth.session_token=abc", "__Secure-better-auth.session_token=" + "z".repeat(500), "a=b; a=c; =;;", "kodo=\u00e9"),
      "x-csrf-token": fc.constantFrom("x", "", "t".repeat(1000)),
      "sec-fetch-site": fc.constantFrom("cross-site", "same-origin", "none"),
    },
    { requiredKeys: [] },
  )
  .chain((h) =>
    fc.boolean().map((many) => {
      if (!many) return h;
      const extra: Record<string, string> = {};
      for (let i = 0; i < 60; i++) extra[`x-fuzz-${i}`] = "v".repeat(40);
      return { ...h, ...extra };
    }),
  );

/** A heartbeat a plugin could send: time within the last two days, project fuzz-p1..3. */
const validItem = fc.record({
  entity: fc.integer({ min: 0, max: 50 }).map((n) => `/home/fuzz/src/file${n}.ts`),
  type: fc.constant("file"),
  category: fc.constantFrom("coding", "debugging", "code reviewing"),
  time: fc.integer({ min: 120, max: 2 * 86_400 }).map((ago) => Math.floor(Date.now() / 1000) - ago + 0.5),
  project: fc.constantFrom("fuzz-p1", "fuzz-p2", "fuzz-p3"),
  language: fc.constantFrom("TypeScript", "Go", "Python"),
  branch: fc.constantFrom("main", "dev"),
  is_write: fc.boolean(),
  lines: fc.integer({ min: 0, max: 5000 }),
});

const wrongValue = fc.oneof(
  fc.constantFrom<unknown>(null, true, false, -1, 0, 1e20, -1e20, 1.5, "", "abc", [], {}, [1, 2], { a: 1 }, "\u0000", "\ud800", "x".repeat(2000), Date.now()),
  fc.anything({ maxDepth: 2 }),
);

let rejectedCounter = 0;
/** An item with one field broken (or removed, or an unknown one added). */
const mutatedItem = fc
  .tuple(validItem, fc.constantFrom("entity", "type", "category", "time", "project", "language", "branch", "is_write", "lines", "dependencies", "lineno", "cursorpos", "machine", "user_agent", "__proto__", "constructor"), wrongValue, fc.constantFrom("set", "delete"))
  .map(([item, field, value, how]) => {
    const out: Record<string, unknown> = { ...item, project: `rejected-${++rejectedCounter}` };
    if (how === "delete") delete out[field];
    else Object.defineProperty(out, field, { value, enumerable: true, writable: true, configurable: true });
    return out;
  });

const itemsArray = fc.array(fc.oneof({ weight: 1, arbitrary: validItem }, { weight: 2, arbitrary: mutatedItem }), { minLength: 1, maxLength: 20 });

const MALFORMED_JSON = ["{", "[", "]", "{}}", '{"time":}', "[1,]", "{'entity':'x'}", '"unterminated', "NaN", "undefined", "[,]", "{\"a\":1,,}", "// comment\n{}", "\u0000", "tru", "1e99999", "{\"a\":\"\\x41\"}"];

function nested(depth: number, kind: "array" | "object"): string {
  return kind === "array" ? "[".repeat(depth) + "]".repeat(depth) : '{"a":'.repeat(depth) + "1" + "}".repeat(depth);
}

const body: fc.Arbitrary<{ body: string | Uint8Array<ArrayBuffer> | null; kind: string }> = fc.oneof(
  { weight: 20, arbitrary: validItem.map((i) => ({ body: JSON.stringify(i), kind: "valid item" })) },
  { weight: 50, arbitrary: itemsArray.map((a) => ({ body: JSON.stringify(a), kind: "mixed batch" })) },
  { weight: 30, arbitrary: mutatedItem.map((i) => ({ body: JSON.stringify(i), kind: "wrong-typed item" })) },
  { weight: 30, arbitrary: fc.constantFrom(...MALFORMED_JSON).map((b) => ({ body: b, kind: "malformed JSON" })) },
  { weight: 10, arbitrary: fc.string({ maxLength: 200 }).map((b) => ({ body: b, kind: "random text" })) },
  { weight: 30, arbitrary: fc.jsonValue({ maxDepth: 4 }).map((v) => ({ body: JSON.stringify(v) ?? "null", kind: "random JSON" })) },
  { weight: 10, arbitrary: fc.constantFrom("null", "true", "0", '"str"', "[]", "{}", "[null]", "[[]]", "[{}]").map((b) => ({ body: b, kind: "scalar JSON" })) },
  { weight: 10, arbitrary: fc.constant({ body: "", kind: "empty body" }) },
  {
    weight: 10,
    arbitrary: fc.constantFrom(
      '{"__proto__":{"admin":true},"entity":"x","type":"file","time":1700000000,"project":"rejected-proto"}',
      '[{"constructor":{"prototype":{"polluted":1}},"entity":"x","time":1700000000,"project":"rejected-ctor"}]',
      '{"responses":[[{},201]]}',
    ).map((b) => ({ body: b, kind: "prototype keys" })),
  },
  {
    weight: 10,
    arbitrary: fc
      .constantFrom(
        Uint8Array.from([0x5b, 0x7b, 0x22, 0x65, 0x22, 0x3a, 0x22, 0xff, 0xfe, 0x22, 0x7d, 0x5d]),
        Uint8Array.from([0xc3, 0x28, 0xa0, 0xa1]),
        Uint8Array.from([0xef, 0xbb, 0xbf, 0x7b, 0x7d]),
        Uint8Array.from([0xed, 0xa0, 0x80]),
        Uint8Array.from([0x1f, 0x8b, 0x08, 0x00, 0x00]),
      )
      .map((b) => ({ body: b, kind: "invalid UTF-8 / binary" })),
  },
  {
    weight: 10,
    arbitrary: fc
      .constantFrom(
        '[{"entity":"\\ud800","type":"file","time":1700000000,"project":"rejected-surrogate"}]',
        '{"entity":"a\\u0000b","type":"file","time":1700000000,"project":"rejected-nul"}',
        '[{"entity":"x","time":1700000000,"project":"rejected-nul-project\\u0000"}]',
      )
      .map((b) => ({ body: b, kind: "lone surrogate / NUL" })),
  },
  {
    weight: 10,
    arbitrary: fc.constantFrom(1_000, 20_000, 200_000).chain((depth) =>
      fc.constantFrom<"array" | "object">("array", "object").map((k) => ({ body: nested(depth, k), kind: `nested ${k} x${depth}` })),
    ),
  },
  {
    weight: 3,
    arbitrary: fc.constantFrom(
      { body: JSON.stringify([{ entity: "e".repeat(1_200_000), time: 1700000000, project: "rejected-huge" }]), kind: "body over 1 MiB" },
      { body: "[" + Array.from({ length: 1001 }, () => '{"entity":"x","type":"file","time":1700000000,"project":"rejected-cap"}').join(",") + "]", kind: "1001 items" },
      { body: " ".repeat(1_100_000) + "{}", kind: "1.1 MB of spaces" },
    ),
  },
);

/** An object with the documented fields of a route's body, holding hostile values. */
function documentedBody(fields: string[]) {
  return fc
    .array(fc.tuple(fc.constantFrom(...fields), fc.oneof(wrongValue, hostileString)), { minLength: 1, maxLength: fields.length + 1 })
    .map((pairs) => ({ body: JSON.stringify(Object.fromEntries(pairs)), kind: "documented fields, hostile values" }));
}

/** `count` hostile requests over `routes`, reproducible from `seed`. */
export function hostileRequests(routes: RouteSpec[], users: FuzzUsers, seed: number, count: number): FuzzRequest[] {
  const methods = ["GET", "POST", "PUT", "PATCH", "DELETE", "OPTIONS", "HEAD"];
  const request = fc
    .constantFrom(...routes)
    .chain((route) =>
      fc.record({
        route: fc.constant(route),
        method: fc.oneof(
          { weight: 8, arbitrary: fc.constant(route.method === "ALL" ? "GET" : route.method) },
          { weight: 2, arbitrary: fc.constantFrom(...methods) },
          { weight: 1, arbitrary: fc.constantFrom("PROPFIND", "FOO", "BREW", "PURGE", "M-SEARCH", "patch", "TRACEX") },
        ),
        path: pathFor(users, route.path),
        query: queryFor(route),
        credential,
        headers: fc.oneof({ weight: 2, arbitrary: fc.constant({}) }, { weight: 1, arbitrary: hostileHeaders }),
        body: route.bodyFields.length ? fc.oneof({ weight: 1, arbitrary: documentedBody(route.bodyFields) }, { weight: 2, arbitrary: body }) : body,
      }),
    )
    .map(({ route, method, path, query, credential, headers, body: b }): FuzzRequest => {
      const canHaveBody = method !== "GET" && method !== "HEAD";
      return {
        method,
        target: path + query,
        credential,
        headers: { ...(canHaveBody && !("content-type" in headers) ? { "content-type": "application/json" } : {}), ...headers },
        body: canHaveBody ? b.body : null,
        label: `${method} ${route.path} [${canHaveBody ? b.kind : "no body"}]`,
      };
    });
  return fc.sample(request, { seed, numRuns: count });
}

/**
 * Requests earlier fuzz runs found mishandled, sent on every run (a corpus, as fuzzers keep):
 * random sampling may not draw them again.
 */
export function regressionRequests(): FuzzRequest[] {
  const today = new Date().toISOString().slice(0, 10);
  const get = (target: string): FuzzRequest => ({ method: "GET", target, credential: "basic", headers: {}, body: null, label: `regression GET ${target.split("?")[0]}` });
  return [
    // The day after 9999-12-31 is not a YYYY-MM-DD day: 500s (RangeError) on these.
    get("/api/v1/users/current/heartbeats?date=9999-12-31"),
    get("/api/v1/users/current/durations?date=9999-12-31"),
    get("/api/v1/users/current/summaries?start=9999-12-30&end=9999-12-31"),
    get("/api/v1/users/current/summaries?range=9999-12"),
    get("/api/v1/users/current/stats/9999"),
    get("/api/kodo/dashboard?day=9999-12-31"),
    get("/api/kodo/dashboard?start=9999-12-30&end=9999-12-31"),
    // SLICE_BY["constructor"] is Object: answered 200 with keys like "function Object() { [native code] }".
    get(`/api/v1/users/current/durations?date=${today}&slice_by=constructor`),
    get(`/api/v1/users/current/durations?date=${today}&slice_by=__proto__`),
    // A 200 000-deep JSON object to the file import lost the worker ("Network connection lost").
    {
      method: "POST",
      target: "/api/kodo/account/import",
      credential: "basic",
      headers: { "content-type": "application/json" },
      body: '{"a":'.repeat(200_000) + "1" + "}".repeat(200_000),
      label: "regression POST /api/kodo/account/import [nested object x200000]",
    },
  ];
}
