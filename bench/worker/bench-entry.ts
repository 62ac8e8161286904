/**
 * The benchmark build of the worker: Kodo's real app and Durable Object, plus `/__bench/*`
 * routes that only the benchmarks need (a bare 204 route to compare against, forcing a user's
 * flush, D1 write accounting, the naive one-INSERT-per-heartbeat baseline). Production code
 * stays free of them: this file is only ever built from bench/worker/wrangler.bench.toml.
 */
import { Hono } from "hono";
import { hashKey } from "@kodo/core/http";
import app from "../../worker/src/index.ts";
import { d1Accounts } from "../../worker/src/stores/accounts.ts";
import { countingD1, countingObjects, type ViewCounter, type WriteCounter } from "./counting-d1.ts";
import { createNaiveTable, naiveIngest, naiveRead } from "./naive.ts";

import { UserActivity as AppUserActivity } from "../../worker/src/activity/object.ts";
export { RateLimiter } from "../../worker/src/auth/rate-limiter.ts";

/**
 * The real Durable Object, plus two yardsticks that bound what any per-user-object ingest can
 * reach on this runtime: a call that does nothing, and a call that durably inserts one row
 * (the least a stored heartbeat costs). The app's own methods are untouched.
 */
export class UserActivity extends AppUserActivity {
  private floorTable = false;

  async benchNoop(): Promise<null> {
    return null;
  }

  async benchInsertOne(time: number): Promise<null> {
    if (!this.floorTable) {
      this.ctx.storage.sql.exec("CREATE TABLE IF NOT EXISTS bench_floor (time REAL NOT NULL)");
      this.floorTable = true;
    }
    this.ctx.storage.sql.exec("INSERT INTO bench_floor (time) VALUES (?)", time);
    return null;
  }

  /**
   * bench:scale: what this object stores. `databaseSize` is the runtime's own figure (what
   * Cloudflare bills and the 10 GB per-object limit counts); rows per table of the object's
   * SQLite (the id names its file, for a per-table byte breakdown from disk).
   */
  async benchStorage(): Promise<{ id: string; databaseSize: number; rows: Record<string, number> }> {
    const sql = this.ctx.storage.sql;
    const tables = sql
      .exec<{ name: string }>("SELECT name FROM sqlite_master WHERE type = 'table' AND name NOT LIKE 'sqlite_%' AND name NOT LIKE '_cf_%'")
      .toArray()
      .map((t) => t.name);
    const rows: Record<string, number> = {};
    for (const t of tables) rows[t] = sql.exec<{ n: number }>(`SELECT count(*) AS n FROM "${t.replaceAll('"', '""')}"`).one().n;
    return { id: this.ctx.id.toString(), databaseSize: sql.databaseSize, rows };
  }
}

/** D1 rows written by the app's own request path since the last reset (one isolate locally). */
const requestPathWrites: WriteCounter = { rowsWritten: 0, statements: 0 };
/** bench:scale: what one view costs (D1 statements, rows read and written, Durable Object calls). */
const viewCost: ViewCounter = { statements: 0, rowsRead: 0, rowsWritten: 0, objectCalls: 0 };

const bench = new Hono<{ Bindings: Env }>();

// The yardstick for ingest throughput: the same worker, routing and runtime, no work.
bench.all("/__bench/bare", () => new Response(null, { status: 204 }));

// Floors: the caller's own Durable Object (one per Authorization header, as one per user),
// called with nothing to do, or to insert one row durably before the answer.
bench.post("/__bench/floor/:kind", async (c) => {
  const stub = c.env.USER_ACTIVITY.get(c.env.USER_ACTIVITY.idFromName(`floor:${c.req.header("authorization") ?? ""}`)) as unknown as DurableObjectStub<UserActivity>;
  if (c.req.param("kind") === "rpc") await stub.benchNoop();
  else await stub.benchInsertOne(Date.now() / 1000);
  return new Response(null, { status: 204 });
});

/**
 * A floor for long summaries (bench:reads): the least a summaries answer can cost whatever
 * renders it. The real `stats` request over the same range (the same authentication, the same
 * D1 day rows and live-day call; its totals are added up and discarded), then the summaries'
 * exact bytes, as Kodo answered them earlier (POSTed here by the benchmark), sent as the answer.
 */
const floorBodies = new Map<string, string>();
bench.post("/__bench/floor-body/:range", async (c) => {
  floorBodies.set(c.req.param("range"), await c.req.text());
  return c.body(null, 204);
});
bench.get("/__bench/floor-read/:range", async (c) => {
  const body = floorBodies.get(c.req.param("range"));
  if (body === undefined) return c.json({ error: "no body posted for this range" }, 404);
  const stats = new URL(`/api/v1/users/current/stats/${c.req.param("range")}`, c.req.url);
  const res = await app.fetch(new Request(stats, { headers: c.req.raw.headers }), countedEnv(c.env), c.executionCtx);
  if (res.status !== 200) return c.json({ error: `stats: ${res.status}` }, 500);
  await res.arrayBuffer();
  return new Response(body, { headers: { "content-type": "application/json" } });
});

/** Users with full-access keys, made through the real account store: [{username, key, timeZone}]. */
bench.post("/__bench/users", async (c) => {
  const input = await c.req.json<{ username: string; key: string; timeZone?: string; timeoutMinutes?: number }[]>();
  const accounts = d1Accounts(c.env.DB);
  const made = [];
  for (const u of input) {
    const user = await accounts.ensureUserWithKey({ username: u.username, keyHash: await hashKey(u.key), label: "bench", timeZone: u.timeZone ?? "UTC" });
    if (u.timeoutMinutes !== undefined) {
      await c.env.DB.prepare("UPDATE user_settings SET keystroke_timeout_minutes = ? WHERE user_id = ?").bind(u.timeoutMinutes, user.id).run();
    }
    made.push({ username: u.username, id: user.id });
  }
  return c.json(made);
});

/** Runs the user's flush now (what the alarm does): `{daysWritten, rowsWritten}` from D1's meta. */
bench.post("/__bench/flush/:userId", async (c) => {
  const stub = c.env.USER_ACTIVITY.get(c.env.USER_ACTIVITY.idFromName(c.req.param("userId")));
  return c.json(await stub.flush());
});

bench.get("/__bench/d1-writes", (c) => c.json(requestPathWrites));
bench.post("/__bench/d1-writes/reset", (c) => {
  requestPathWrites.rowsWritten = 0;
  requestPathWrites.statements = 0;
  return c.json(requestPathWrites);
});

bench.get("/__bench/view-cost", (c) => c.json(viewCost));
bench.post("/__bench/view-cost/reset", (c) => {
  Object.assign(viewCost, { statements: 0, rowsRead: 0, rowsWritten: 0, objectCalls: 0 });
  return c.json(viewCost);
});

/** bench:scale: the user's object's storage (size and rows per table). */
bench.get("/__bench/object-storage/:userId", async (c) => {
  const stub = c.env.USER_ACTIVITY.get(c.env.USER_ACTIVITY.idFromName(c.req.param("userId"))) as unknown as DurableObjectStub<UserActivity>;
  return c.json(await stub.benchStorage());
});

/** bench:scale: D1's rows per table and its size as D1 reports it (`meta.size_after`). */
bench.get("/__bench/d1-storage", async (c) => {
  const listed = await c.env.DB.prepare("SELECT name FROM sqlite_master WHERE type = 'table' AND name NOT LIKE 'sqlite_%' AND name NOT LIKE '_cf_%' AND name NOT LIKE 'd1_%'").all<{ name: string }>();
  const rows: Record<string, number> = {};
  for (const { name } of listed.results) {
    const r = await c.env.DB.prepare(`SELECT count(*) AS n FROM "${name.replaceAll('"', '""')}"`).first<{ n: number }>();
    rows[name] = r?.n ?? 0;
  }
  return c.json({ rows, sizeAfter: (listed.meta as { size_after?: number }).size_after ?? null });
});

bench.post("/__bench/naive/setup", async (c) => {
  await createNaiveTable(c.env.DB);
  return c.body(null, 204);
});

bench.post("/__bench/naive/:userId", async (c) => {
  const result = await naiveIngest(c.env.DB, c.req.param("userId"), await c.req.json(), {
    userAgent: c.req.header("user-agent") ?? null,
    machine: c.req.header("x-machine-name") ?? null,
  });
  return c.json(result);
});

bench.get("/__bench/naive/:userId/:kind/:range", async (c) => {
  const kind = c.req.param("kind");
  if (kind !== "stats" && kind !== "summaries") return c.json({ error: "kind: stats or summaries" }, 400);
  return c.json(await naiveRead(c.env.DB, c.req.param("userId"), kind, c.req.param("range")));
});

// Wrapped once per env object (stable within an isolate), so the bench build adds no per-request
// allocation to the app it measures.
const countedEnvs = new WeakMap<Env, Env>();
function countedEnv(env: Env): Env {
  let counted = countedEnvs.get(env);
  if (!counted) {
    counted = { ...env, DB: countingD1(countingD1(env.DB, requestPathWrites), viewCost), USER_ACTIVITY: countingObjects(env.USER_ACTIVITY, viewCost) };
    countedEnvs.set(env, counted);
  }
  return counted;
}

export default {
  fetch(request: Request, env: Env, ctx: ExecutionContext) {
    if (new URL(request.url).pathname.startsWith("/__bench/")) return bench.fetch(request, env, ctx);
    return app.fetch(request, countedEnv(env), ctx);
  },
} satisfies ExportedHandler<Env>;
