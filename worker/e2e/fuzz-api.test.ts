/**
 * Fuzz: thousands of hostile requests over every route the app declares (createApi().routes,
 * so new routes are covered without editing this file): malformed JSON, wrong types, bodies
 * over the size cap, deeply nested JSON, invalid UTF-8, NUL and lone surrogates, prototype
 * keys, abused headers and credentials, unknown methods, badly encoded paths and queries.
 *
 * Every answer must be below 500, every error a JSON `{"error": "..."}` with a 4xx status, and
 * no answer may show a prototype member ("[native code]", "[object Object]") picked up by a
 * hostile name such as "__proto__" or "constructor".
 * Afterwards the stored data of both users equals what they held before plus exactly the
 * heartbeats the server acknowledged (201): nothing rejected was stored anywhere.
 * FUZZ_SEED and FUZZ_COUNT reproduce or widen a run (for the same route list and OpenAPI
 * document: new routes change which requests a seed generates). FUZZ_REPORT=<file> writes every
 * problem found.
 */
import { mkdtempSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import path from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { createApi, toOpenApiPaths } from "@kodo/core/http";
import { applyMigrations, ensureUser, freePort, startWorker } from "../../scripts/local-worker.mjs";
import { hostileRequests, regressionRequests, routeSpecs, type Credential, type FuzzRequest, type OpenApiDoc } from "./fuzz-requests.ts";
import { UA, basic } from "./fault-helpers.ts";

const SEED = Number(process.env.FUZZ_SEED ?? 424242);
const COUNT = Number(process.env.FUZZ_COUNT ?? 5200);
const CONCURRENCY = 6;

interface Account {
  username: string;
  key: string;
}
const fuzzer: Account = { username: "fuzzer", key: `waka_${crypto.randomUUID()}` };
const bystander: Account = { username: "bystander", key: `waka_${crypto.randomUUID()}` };

let persistTo: string;
let worker: Awaited<ReturnType<typeof startWorker>> | undefined;

beforeAll(async () => {
  persistTo = mkdtempSync(path.join(tmpdir(), "kodo-fuzz-"));
  await applyMigrations(persistTo);
  await ensureUser(persistTo, fuzzer);
  await ensureUser(persistTo, bystander);
  worker = await startWorker({ port: await freePort(), persistTo, vars: { FLUSH_QUIET_SECONDS: "1", FLUSH_MAX_DELAY_SECONDS: "3" }, migrate: false });
});

afterAll(async () => {
  await worker?.stop();
  if (persistTo) rmSync(persistTo, { recursive: true, force: true });
});

function authorization(credential: Credential): string | null {
  if (typeof credential === "object") return credential.raw;
  switch (credential) {
    case "basic":
      return basic(fuzzer.key);
    case "bearer":
      return `Bearer ${fuzzer.key}`;
    case "bearer-base64":
      return `Bearer ${Buffer.from(fuzzer.key).toString("base64")}`;
    case "other-user":
      return basic(bystander.key);
    case "basic-key-colon":
      return `Basic ${Buffer.from(`${fuzzer.key}:`).toString("base64")}`;
    case "basic-user-key":
      return `Basic ${Buffer.from(`someone:${fuzzer.key}`).toString("base64")}`;
    default:
      return null;
  }
}

interface StoredBeat {
  time: number;
  entity: string;
  project: string | null;
  machine_name_id?: string | null;
  user_agent_id?: string | null;
}

/** What the server acknowledged as stored, per user. */
const accepted = new Map<Account, StoredBeat[]>([
  [fuzzer, []],
  [bystander, []],
]);
/** Other state-changing requests the server accepted (2xx), by route label. */
const otherMutations: string[] = [];
const STANDARD_METHODS = new Set(["GET", "HEAD", "POST", "PUT", "PATCH", "DELETE", "OPTIONS"]);
let refusedByRuntime = 0;

/**
 * `wrangler dev` passes requests through a proxy and miniflare's entry worker. When a route
 * answers before it has read a large body (a 400 at the first bad byte), that relay can,
 * under concurrent load, lose the connection and answer a plain-text 500 of its own. Such an
 * answer is retried once; only an answer the app gives counts.
 */
const RELAY_LOST = /^Error: Network connection lost\./;
let relayRetries = 0;

async function send(req: FuzzRequest, attempt = 1): Promise<string | null> {
  const headers = new Headers(req.headers);
  const auth = authorization(req.credential);
  if (auth !== null) headers.set("authorization", auth);
  let target = req.target;
  if (req.credential === "query") target += `${target.includes("?") ? "&" : "?"}api_key=${fuzzer.key}`;
  let res: Response;
  try {
    res = await fetch(`${worker!.url}${target}`, { method: req.method, headers, body: req.body, signal: AbortSignal.timeout(30_000) });
  } catch (err) {
    // workerd answers an unknown method at once and closes the connection; a client still
    // uploading a large body then sees the connection drop instead of the 501.
    if (!STANDARD_METHODS.has(req.method)) {
      refusedByRuntime++;
      return null;
    }
    return `${req.label} ${target.slice(0, 120)}: no answer (${(err as Error).message})`;
  }
  const text = await res.text();
  // Only wrangler dev's relay answers this (the app never saw the request's end): try again, a
  // few times under load, then count it like any other 5xx.
  if (res.status === 500 && RELAY_LOST.test(text) && attempt < 4) {
    relayRetries++;
    await new Promise((r) => setTimeout(r, 50 * attempt));
    return send(req, attempt + 1);
  }
  noteImport(req, target, res.status, text);
  const where = `${req.label} ${target.slice(0, 120)} {${describeHeaders(req)}} -> ${res.status}`;
  if (res.status === 501 && text.includes("Unrecognized request method") && !STANDARD_METHODS.has(req.method)) {
    // workerd's HTTP server refuses methods it does not know (FOO, lowercase "patch") itself,
    // before any Worker code runs; so does Cloudflare's edge. Not the app's answer to give.
    refusedByRuntime++;
    return null;
  }
  if (res.status >= 500) return `${where}: ${text.slice(0, 200)}`;
  // A hostile name ("__proto__", "constructor") looked up in a plain object finds
  // Object.prototype's members: their printed forms in an answer give the lookup away.
  const leak = /\[native code\]|\[object Object\]/.exec(text);
  if (leak) return `${where}: answer contains "${leak[0]}" (a prototype member used as a value): ${text.slice(0, 160)}`;
  if (res.status >= 400 && req.method !== "HEAD") {
    if (!(res.headers.get("content-type") ?? "").includes("application/json")) return `${where}: error is not JSON (${res.headers.get("content-type")}): ${text.slice(0, 120)}`;
    let parsed: unknown;
    try {
      parsed = JSON.parse(text);
    } catch {
      return `${where}: error body does not parse: ${text.slice(0, 120)}`;
    }
    if (typeof (parsed as { error?: unknown }).error !== "string") return `${where}: error body has no "error" string: ${text.slice(0, 120)}`;
  }
  if (res.status < 300 && !["GET", "HEAD", "OPTIONS"].includes(req.method.toUpperCase())) noteAccepted(req, target, res.status, text);
  return null;
}

/** The request's notable headers, for reproducing a failure by hand. */
function describeHeaders(req: FuzzRequest): string {
  const auth = typeof req.credential === "object" ? `raw ${req.credential.raw.slice(0, 30)}` : req.credential;
  const shown = Object.entries(req.headers)
    .filter(([k]) => !k.startsWith("x-fuzz-"))
    .map(([k, v]) => `${k}: ${v.length > 40 ? `${v.slice(0, 20)}...(${v.length})` : v}`);
  const extra = Object.keys(req.headers).filter((k) => k.startsWith("x-fuzz-")).length;
  return [`auth ${auth}`, ...shown, ...(extra ? [`+${extra} x-fuzz headers`] : [])].join("; ");
}

function noteAccepted(req: FuzzRequest, target: string, status: number, text: string) {
  const owner = req.credential === "other-user" ? bystander : fuzzer;
  if (/\/users\/[^/]+\/heartbeats(\.bulk)?(\?|$)/.test(target) && req.method.toUpperCase() === "POST") {
    const body = JSON.parse(text) as { responses?: [{ data?: StoredBeat }, number][]; data?: StoredBeat };
    if (body.responses) {
      for (const [payload, itemStatus] of body.responses) if (itemStatus === 201 && payload.data) accepted.get(owner)!.push(payload.data);
    } else if (status === 201 && body.data) accepted.get(owner)!.push(body.data);
    return;
  }
  otherMutations.push(`${req.label} -> ${status}`);
}

/**
 * The file import (POST /api/kodo/account/import) stores the valid heartbeats of whatever JSON
 * it is sent and reports how many were new, even when it stops at a malformed part (a 400 that
 * says how many were kept, by design: importing again is safe). Its body's items are the only
 * heartbeats besides acknowledged ingests that may appear, and exactly `created` of them.
 */
const imported = new Map<Account, { candidates: Set<string>; times: number[]; created: number }>([
  [fuzzer, { candidates: new Set(), times: [], created: 0 }],
  [bystander, { candidates: new Set(), times: [], created: 0 }],
]);

function noteImport(req: FuzzRequest, target: string, status: number, text: string) {
  if (!/^\/api\/kodo\/account\/import(\?|$)/.test(target) || req.method.toUpperCase() !== "POST" || status >= 500) return;
  const owner = imported.get(req.credential === "other-user" ? bystander : fuzzer)!;
  let created = 0;
  try {
    const answer = JSON.parse(text) as { created?: number; error?: string };
    created = answer.created ?? Number(/\((\d+) new\)/.exec(answer.error ?? "")?.[1] ?? 0);
  } catch {
    return;
  }
  if (created === 0) return;
  owner.created += created;
  let body: unknown;
  try {
    body = JSON.parse(typeof req.body === "string" ? req.body : new TextDecoder().decode(req.body ?? new Uint8Array()));
  } catch {
    return;
  }
  const items = Array.isArray(body) ? body : ((body as { heartbeats?: unknown[] })?.heartbeats ?? []);
  for (const item of items) {
    const hb = item as { time?: unknown; entity?: unknown };
    if (typeof hb.time === "number" && typeof hb.entity === "string") {
      owner.candidates.add(id({ time: hb.time, entity: hb.entity }));
      owner.times.push(hb.time);
    }
  }
}

async function getJson(account: Account, target: string): Promise<any> {
  const res = await fetch(`${worker!.url}${target}`, { headers: { authorization: basic(account.key) } });
  if (res.status !== 200) throw new Error(`${target}: ${res.status} ${await res.text()}`);
  return res.json();
}

const day = (t: number) => new Date(t * 1000).toISOString().slice(0, 10);
const id = (hb: { time: number; entity: string }) => `${Math.round(hb.time * 1000)}|${hb.entity}`;

/** Everything observable about a user's data that hostile input could have touched. */
async function snapshot(account: Account, days: string[]) {
  const ids = new Set<string>();
  for (const d of days) for (const hb of (await getJson(account, `/api/v1/users/current/heartbeats?date=${d}`)).data) ids.add(id(hb));
  const names = async (route: string) => new Set<string>((await getJson(account, `/api/v1/users/current/${route}`)).data.map((x: { name?: string; value?: string }) => x.name ?? x.value));
  return {
    heartbeats: ids,
    projects: await names("projects"),
    machines: await names("machine_names"),
    userAgents: await names("user_agents"),
    profile: (await getJson(account, "/api/v1/users/current")).data,
  };
}

const union = <T>(a: Iterable<T>, b: Iterable<T>) => new Set([...a, ...b]);

describe("hostile requests over every route", () => {
  it("never answer 5xx, answer every error as JSON 4xx, and store nothing they were refused", async () => {
    // The app's routes, with what its OpenAPI document says about their parameters and bodies.
    const doc = (await (await fetch(`${worker!.url}/api/openapi.json`)).json()) as OpenApiDoc;
    const routes = routeSpecs(createApi().routes, doc, toOpenApiPaths);
    expect(routes.length).toBeGreaterThan(10);

    // A little real data for each user first, so reads and the state check have substance.
    const now = Math.floor(Date.now() / 1000);
    for (const account of [fuzzer, bystander]) {
      const beats = Array.from({ length: 12 }, (_, i) => ({ entity: `/home/${account.username}/a${i % 3}.ts`, type: "file", time: now - 3600 - i * 120, project: `${account.username}-base`, language: "Go" }));
      const res = await fetch(`${worker!.url}/api/v1/users/current/heartbeats.bulk`, {
        method: "POST",
        headers: { authorization: basic(account.key), "content-type": "application/json", "user-agent": UA, "x-machine-name": "base-machine" },
        body: JSON.stringify(beats),
      });
      expect(res.status).toBe(201);
    }
    // Days the fuzz can store heartbeats on (valid items are at most two days old), and a
    // margin for other zones; rejected items are caught by their "rejected-*" projects.
    const days = [-3, -2, -1, 0, 1].map((n) => day(now + n * 86_400));
    const before = new Map([
      [fuzzer, await snapshot(fuzzer, days)],
      [bystander, await snapshot(bystander, days)],
    ]);

    const requests = [...regressionRequests(), ...hostileRequests(routes, { username: fuzzer.username, otherUsername: bystander.username }, SEED, COUNT)];
    const problems: string[] = [];
    const slowest: { ms: number; label: string }[] = [];
    let next = 0;
    await Promise.all(
      Array.from({ length: CONCURRENCY }, async () => {
        for (let i = next++; i < requests.length; i = next++) {
          const started = performance.now();
          const problem = await send(requests[i]!);
          slowest.push({ ms: Math.round(performance.now() - started), label: requests[i]!.label });
          if (problem) problems.push(problem);
        }
      }),
    );
    // FUZZ_REPORT=<file> keeps every problem and the slowest requests for a closer look.
    if (process.env.FUZZ_REPORT) {
      slowest.sort((a, b) => b.ms - a.ms);
      writeFileSync(process.env.FUZZ_REPORT, [...problems, "", "slowest:", ...slowest.slice(0, 40).map((s) => `${s.ms} ms ${s.label}`)].join("\n"));
    }
    console.log(
      `fuzz: ${requests.length} requests over ${routes.length} routes, seed ${SEED}; ${problems.length} problems; ` +
        `${refusedByRuntime} unknown methods refused by workerd itself (501); ${relayRetries} retried after the dev relay lost the connection; accepted: ${accepted.get(fuzzer)!.length} heartbeats, ` +
        `${otherMutations.length} other writes (${[...new Set(otherMutations.map((m) => m.split(" [")[0]))].join(", ")})`,
    );
    expect(problems.slice(0, 25), `${problems.length} of ${requests.length} hostile requests were mishandled (FUZZ_SEED=${SEED})`).toEqual([]);

    for (const account of [fuzzer, bystander]) {
      const was = before.get(account)!;
      const got = accepted.get(account)!;
      // Accepted items may lie on other days (old times are valid): those days held nothing before.
      // So may imported ones: the days of every heartbeat an import was sent are read too.
      const times = [...got.map((b) => b.time), ...imported.get(account)!.times.filter((t) => Number.isFinite(t) && t > 946_684_800 && t < Date.now() / 1000 + 86_400 * 2)];
      const touched = [...union(days, times.flatMap((t) => [day(t - 86_400), day(t), day(t + 86_400)]))].sort();
      expect(touched.length, "days to check").toBeLessThan(400);
      const now = await snapshot(account, touched);
      const expected = union(was.heartbeats, got.map(id));
      const extra = [...now.heartbeats].filter((h) => !expected.has(h));
      const imports = imported.get(account)!;
      expect([...expected].filter((h) => !now.heartbeats.has(h)), `${account.username}: acknowledged heartbeats missing`).toEqual([]);
      expect(extra.filter((h) => !imports.candidates.has(h)), `${account.username}: heartbeats stored but never acknowledged`).toEqual([]);
      expect(extra.length, `${account.username}: heartbeats the file import reported new`).toBe(imports.created);
      const projects = union(was.projects, got.flatMap((b) => (b.project === null ? [] : [b.project])));
      if (imports.created === 0) expect(now.projects, `${account.username}: projects`).toEqual(projects);
      else expect([...now.projects].filter((p) => p.startsWith("rejected-") && !projects.has(p)).length).toBeLessThanOrEqual(imports.created);
      for (const m of now.machines) expect(was.machines.has(m) || got.some((b) => b.machine_name_id === m), `${account.username}: machine ${m}`).toBe(true);
      // An imported heartbeat brings its own user agent (the file's `user_agent`), like its project.
      const newAgents = [...now.userAgents].filter((ua) => !was.userAgents.has(ua) && !got.some((b) => b.user_agent_id === ua));
      if (imports.created === 0) expect(newAgents, `${account.username}: user agents`).toEqual([]);
      else expect(newAgents.length, `${account.username}: user agents`).toBeLessThanOrEqual(imports.created);
      if (!otherMutations.some((m) => m.startsWith("PATCH /api/kodo/account "))) expect(now.profile, `${account.username}: profile`).toEqual(was.profile);
    }
    // The fuzz must reach deep enough to store something, or it tested only the front door.
    // (Heartbeat routes are a few of many, and most items are broken on purpose.)
    expect(accepted.get(fuzzer)!.length).toBeGreaterThan(10);
    // ~170 s alone on a loaded 2-core machine, more beside the other suites of `npm test`.
  }, 420_000);
});
