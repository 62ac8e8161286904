/**
 * bench:scale — capacity (issue 16): what each store holds and does per user, measured on a
 * sample replayed through the real ingest and flush on local workerd, then extrapolated per
 * active user-year and to 10k / 100k / 1M users. Every figure is labelled `measured` (from the
 * sample) or `extrapolated` (from measured figures and the model below).
 *
 * Measured (sample: BENCH_USERS users x BENCH_DAYS working days of the realistic trace,
 * bench/lib/trace.ts, replayed as bench:writes does: flushes on the simulated clock of the
 * configured flush policy, lib/flush-sim.ts):
 * - each Durable Object's SQLite bytes (`ctx.storage.sql.databaseSize`, the runtime's own figure)
 *   and rows per table; per-table bytes from SQLite's dbstat on the object's file;
 * - D1's bytes (`meta.size_after`, and per table from dbstat on the local file) and rows per table;
 * - D1 rows written per heartbeat (the flushes' `meta.rows_written` plus the request path's);
 * - per dashboard view and per leaderboard view (cold: right after a sharing change; cached:
 *   again): D1 statements, D1 rows read (`meta.rows_read`) and Durable Object calls;
 * - the leaderboard's cold cost at half and at all of the sample's users (its growth per user).
 *
 * Model for the extrapolation (stated in the output too): 100 heartbeats per user per calendar
 * day (100M/day at 1M users), i.e. 36,500 heartbeats a user-year, sent on active days as dense
 * as the sample's (so active days a year = 36,500 / the sample's heartbeats per active day, at
 * most 261 working days); per-heartbeat bytes (the raw log) scale with heartbeats, per-day
 * bytes and D1 writes with active days (a flush follows the work pattern: blocks and breaks);
 * peak writes/s = 3 x the daily average (working hours of a few time zones); 5 dashboard views
 * per active user-day; with board_entries, every entry of a user is also rewritten at each local
 * midnight (the standing's refresh), every calendar day, at the D1 rows per entry the flushes
 * measured (an upper bound: a refresh writes only rows that changed). Whatever design is checked out is measured: tables are listed, not assumed.
 *
 * The trace is bench:writes' (a heartbeat every 30-120 s while active, about 430 per active
 * day); a user-year of the model's 36,500 heartbeats is then about 85 such active days.
 *
 * Env: BENCH_SEED (7), BENCH_USERS (20), BENCH_DAYS (30). Default run: about 2 minutes.
 * Writes bench/results/scale.json; the last line of output is the same JSON.
 */
import { mkdtemp, readdir, rm } from "node:fs/promises";
import { existsSync } from "node:fs";
import os from "node:os";
import path from "node:path";
import { DatabaseSync } from "node:sqlite";
import { startBenchRuntime } from "./lib/runtime.ts";
import { generateTrace, type TraceUser } from "./lib/trace.ts";
import { replayTrace } from "./lib/replay.ts";
import { basicAuth, getJson, makeUsers, postJson, type BenchUser } from "./lib/wire.ts";
import { round } from "./lib/stats.ts";
import { machine } from "./lib/machine.ts";
import { report } from "./lib/report.ts";
import { configuredPolicy } from "./lib/flush-policy.ts";

const SEED = Number(process.env.BENCH_SEED ?? 7);
const USERS = Number(process.env.BENCH_USERS ?? 20);
const DAYS = Number(process.env.BENCH_DAYS ?? 30);
const PARALLEL_USERS = 4;
const TEN_YEARS = String(10 * 365 * 86_400);
/** Leaderboard page size (core's routes). */
const PAGE = 50;

/** The model (see the header). */
const MODEL = {
  heartbeats_per_user_day: 100,
  heartbeats_per_user_year: 36_500,
  max_active_days_per_year: 261,
  peak_to_average_writes: 3,
  dashboard_views_per_active_user_day: 5,
  populations: [10_000, 100_000, 1_000_000],
} as const;

/** D1 tables whose rows grow with a user's active days (the rest: a bounded number per user). */
const D1_DAY_TABLES = new Set(["daily_activity"]);
/** D1 tables of a size bounded per board, not per user (board languages x ranges x buckets): not extrapolated. */
const D1_SHARED_TABLES = new Set(["board_histogram", "board_version"]);
/** Durable Object tables by what their rows grow with. */
const OBJECT_HEARTBEAT_TABLES = new Set(["heartbeats"]);
const OBJECT_DAY_TABLES = new Set(["days"]);

const yesterday = new Date(Date.now() - 86_400_000).toISOString().slice(0, 10);
const trace = generateTrace({ seed: SEED, users: USERS, workingDays: DAYS, intervalSeconds: [30, 120], sendEverySeconds: 120, lastDay: yesterday });
const policy = configuredPolicy();
const started = Date.now();

const parent = existsSync("/dev/shm") ? "/dev/shm" : os.tmpdir();
const persistTo = await mkdtemp(path.join(parent, "kodo-scale-"));
const rt = await startBenchRuntime({ persistTo, vars: { FLUSH_QUIET_SECONDS: TEN_YEARS, FLUSH_MAX_DELAY_SECONDS: TEN_YEARS } });
let figures: Figures;
try {
  const accounts = await makeUsers(rt.url, trace.map((u) => ({ username: u.username, timeZone: u.timeZone })));
  for (const a of accounts) await patchSharing(a, { leaderboards: true });

  const writes = { heartbeats: 0, sends: 0, flushes: 0, flushRows: 0, requestRows: 0, entriesWritten: 0 };
  const half = Math.ceil(USERS / 2);
  await replay(trace.slice(0, half), accounts.slice(0, half), writes);
  const boardAtHalf = await leaderboardCost(accounts[0]!, null);
  await replay(trace.slice(half), accounts.slice(half), writes);
  const boardAtAll = await leaderboardCost(accounts[0]!, null);
  const languageBoard = await leaderboardCost(accounts[0]!, mostUsedLanguage(trace));
  const dashboards = [];
  for (const a of accounts.slice(0, 5)) dashboards.push(await viewCost(a, "/api/kodo/dashboard?range=last_30_days"));
  const dashboardYear = await viewCost(accounts[0]!, "/api/kodo/dashboard?range=last_year");
  const objects: ObjectStorage[] = [];
  for (const a of accounts) objects.push(await getJson(`${rt.url}/__bench/object-storage/${a.id}`));
  const d1: { rows: Record<string, number>; sizeAfter: number | null } = await getJson(`${rt.url}/__bench/d1-storage`);
  await rt.dispose();
  figures = await analyse({ writes, boardAtHalf: { users: half, ...boardAtHalf }, boardAtAll: { users: USERS, ...boardAtAll }, languageBoard, dashboards, dashboardYear, objects, d1 });
} finally {
  await rt.dispose().catch(() => undefined);
}
await rm(persistTo, { recursive: true, force: true });
printTables(figures);
report({ bench: "scale", machine: machine(), wall_seconds: round((Date.now() - started) / 1000, 1), ...figures });

// ---------------------------------------------------------------------------------------------

interface Cost {
  statements: number;
  rowsRead: number;
  rowsWritten: number;
  objectCalls: number;
  ms: number;
}

interface ObjectStorage {
  id: string;
  databaseSize: number;
  rows: Record<string, number>;
}

async function patchSharing(a: BenchUser, change: Record<string, unknown>) {
  const res = await fetch(`${rt.url}/api/kodo/sharing`, { method: "PATCH", headers: { authorization: basicAuth(a.key), "content-type": "application/json" }, body: JSON.stringify(change) });
  if (res.status !== 200) throw new Error(`PATCH sharing for ${a.username}: ${res.status} ${await res.text()}`);
}

async function replay(users: TraceUser[], accounts: BenchUser[], totals: { heartbeats: number; sends: number; flushes: number; flushRows: number; requestRows: number; entriesWritten: number }) {
  const before: { rowsWritten: number } = await getJson(`${rt.url}/__bench/d1-writes`);
  totals.heartbeats += await replayTrace(rt.url, users, accounts, policy, {
    flushed(flushed, segment) {
      totals.sends += segment.sends;
      totals.flushes += 1;
      totals.flushRows += flushed.rowsWritten;
      // Board entries: the issue-16 flush; absent before it.
      totals.entriesWritten += flushed.entriesWritten ?? 0;
    },
  }, PARALLEL_USERS);
  const after: { rowsWritten: number } = await getJson(`${rt.url}/__bench/d1-writes`);
  totals.requestRows += after.rowsWritten - before.rowsWritten;
}

/** One GET's cost as the bench build counts it (D1 statements and rows, object calls) and its time. */
async function viewCost(a: BenchUser, pathname: string): Promise<Cost & { body: any }> {
  await postJson(`${rt.url}/__bench/view-cost/reset`, {});
  const t = performance.now();
  const res = await fetch(`${rt.url}${pathname}`, { headers: { authorization: basicAuth(a.key) } });
  const body = await res.json();
  const ms = performance.now() - t;
  if (res.status !== 200) throw new Error(`GET ${pathname}: ${res.status} ${JSON.stringify(body).slice(0, 300)}`);
  const c: Omit<Cost, "ms"> = await getJson(`${rt.url}/__bench/view-cost`);
  return { ...c, ms: round(ms, 1), body };
}

/** A global board's cost cold (right after a sharing change clears cached rankings) and cached. */
async function leaderboardCost(a: BenchUser, language: string | null) {
  const pathname = `/api/kodo/leaderboards?range=last_30_days${language ? `&language=${encodeURIComponent(language)}` : ""}`;
  await patchSharing(a, { leaderboards: true });
  const { body, ...cold } = await viewCost(a, pathname);
  const { body: _again, ...cached } = await viewCost(a, pathname);
  return { language, listed: Number(body.total ?? body.data?.length ?? 0), cold, cached };
}

function mostUsedLanguage(users: TraceUser[]): string {
  const n = new Map<string, number>();
  for (const u of users) for (const hb of u.heartbeats) n.set(hb.language, (n.get(hb.language) ?? 0) + 1);
  return [...n].sort((x, y) => y[1] - x[1])[0]![0];
}

/**
 * Bytes per table (its indexes included) of a SQLite file, from dbstat: the pages (`pgsize`)
 * or the bytes in use in them (`pgsize - unused`: a table of 20 rows takes a whole 4 KB page
 * per index; at scale pages fill, so per-user figures are extrapolated from bytes in use).
 */
function tableBytes(file: string, measure: "pages" | "used" = "pages"): Record<string, number> {
  const db = new DatabaseSync(file, { readOnly: true });
  try {
    const owner = new Map<string, string>();
    for (const r of db.prepare("SELECT name, tbl_name FROM sqlite_master WHERE type IN ('table', 'index')").all() as { name: string; tbl_name: string }[]) owner.set(r.name, r.tbl_name);
    const out: Record<string, number> = {};
    const column = measure === "pages" ? "sum(pgsize)" : "sum(pgsize - unused)";
    for (const r of db.prepare(`SELECT name, ${column} AS bytes FROM dbstat GROUP BY name`).all() as { name: string; bytes: number }[]) {
      const table = owner.get(r.name) ?? r.name;
      out[table] = (out[table] ?? 0) + r.bytes;
    }
    return out;
  } finally {
    db.close();
  }
}

async function sqliteFiles(dir: string): Promise<string[]> {
  const out: string[] = [];
  for (const entry of await readdir(dir, { withFileTypes: true, recursive: true })) {
    if (entry.isFile() && entry.name.endsWith(".sqlite")) out.push(path.join(entry.parentPath, entry.name));
  }
  return out;
}

function sum(xs: number[]) {
  return xs.reduce((a, b) => a + b, 0);
}
function mean(xs: number[]) {
  return xs.length ? sum(xs) / xs.length : 0;
}
function addInto(into: Record<string, number>, from: Record<string, number>) {
  for (const [k, v] of Object.entries(from)) into[k] = (into[k] ?? 0) + v;
}

type Figures = Awaited<ReturnType<typeof analyse>>;

async function analyse(m: {
  writes: { heartbeats: number; sends: number; flushes: number; flushRows: number; requestRows: number; entriesWritten: number };
  boardAtHalf: { users: number; listed: number; cold: Cost; cached: Cost };
  boardAtAll: { users: number; listed: number; cold: Cost; cached: Cost };
  languageBoard: { language: string | null; listed: number; cold: Cost; cached: Cost };
  dashboards: (Cost & { body: unknown })[];
  dashboardYear: Cost & { body: unknown };
  objects: ObjectStorage[];
  d1: { rows: Record<string, number>; sizeAfter: number | null };
}) {
  const files = await sqliteFiles(persistTo);
  // D1's file lives under v3/d1; each object's file is named by its id.
  const d1File = files.find((f) => f.includes(`${path.sep}d1${path.sep}`));
  if (!d1File) throw new Error(`no D1 file under ${persistTo}`);
  const d1Bytes = tableBytes(d1File);
  const d1Used = tableBytes(d1File, "used");
  const objectBytes: Record<string, number> = {};
  const objectRows: Record<string, number> = {};
  for (const o of m.objects) {
    const file = files.find((f) => path.basename(f) === `${o.id}.sqlite`);
    if (!file) throw new Error(`no SQLite file for object ${o.id}`);
    addInto(objectBytes, tableBytes(file));
    addInto(objectRows, o.rows);
  }

  const users = m.objects.length;
  const heartbeats = m.writes.heartbeats;
  // Active user-days: the objects' day roll-ups (in both designs).
  const userDays = sum([...OBJECT_DAY_TABLES].map((t) => objectRows[t] ?? 0));
  const perUserYearDays = Math.min(MODEL.max_active_days_per_year, MODEL.heartbeats_per_user_year / (heartbeats / userDays));
  const perUserYearHeartbeats = MODEL.heartbeats_per_user_year;

  // Durable Objects: bytes per heartbeat (the raw log), per user-day (roll-ups), per user (the rest).
  const objSizes = m.objects.map((o) => o.databaseSize);
  const objFile = sum(Object.values(objectBytes));
  const objHb = sum(Object.entries(objectBytes).filter(([t]) => OBJECT_HEARTBEAT_TABLES.has(t)).map(([, b]) => b));
  const objDay = sum(Object.entries(objectBytes).filter(([t]) => OBJECT_DAY_TABLES.has(t)).map(([, b]) => b));
  const objRest = objFile - objHb - objDay;
  const objectPerUserYear = (objHb / heartbeats) * perUserYearHeartbeats + (objDay / userDays) * perUserYearDays + objRest / users;

  // D1: day tables grow with active days, the rest is bounded per user. Bytes in use of the
  // tables that hold rows (empty tables' pages are a fixed cost of the database, not of users).
  const withRows = Object.entries(d1Used).filter(([t]) => (m.d1.rows[t] ?? 0) > 0);
  const d1DayBytes = sum(withRows.filter(([t]) => D1_DAY_TABLES.has(t)).map(([, b]) => b));
  const d1DayRows = sum([...D1_DAY_TABLES].map((t) => m.d1.rows[t] ?? 0));
  const d1UserBytes = sum(withRows.filter(([t]) => !D1_DAY_TABLES.has(t) && !D1_SHARED_TABLES.has(t)).map(([, b]) => b));
  const d1PerUserYear = (d1DayRows ? (d1DayBytes / userDays) * perUserYearDays : 0) + d1UserBytes / users;
  const d1RowsPerUserYear = (d1DayRows / userDays) * perUserYearDays + sum(Object.entries(m.d1.rows).filter(([t]) => !D1_DAY_TABLES.has(t) && !D1_SHARED_TABLES.has(t)).map(([, n]) => n)) / users;

  // Board standings (the new design) are also rewritten at each local midnight while any range
  // holds time: every calendar day for a user active a few days a month. Modelled as every
  // entry rewritten every day, at the rows D1 counted per entry the flushes wrote (indexes included).
  const boardRowsPerUser = (m.d1.rows["board_entries"] ?? 0) / users;
  const rowsPerEntry = m.writes.entriesWritten > 0 ? m.writes.flushRows / m.writes.entriesWritten : 0;
  const refreshRowsPerDay = boardRowsPerUser * rowsPerEntry;
  const writtenRows = m.writes.flushRows + m.writes.requestRows;
  const rowsPerActiveDay = writtenRows / userDays;
  const rowsPerUserYear = rowsPerActiveDay * perUserYearDays + refreshRowsPerDay * 365;

  // Leaderboards: growth of the cold cost per user with activity (two board sizes).
  const dUsers = m.boardAtAll.users - m.boardAtHalf.users;
  const slope = (k: "rowsRead" | "statements" | "objectCalls") => (m.boardAtAll.cold[k] - m.boardAtHalf.cold[k]) / dUsers;
  const at = (k: "rowsRead" | "statements" | "objectCalls", n: number) => Math.max(m.boardAtAll.cold[k], Math.round(m.boardAtAll.cold[k] + slope(k) * (n - m.boardAtAll.users)));
  const pagesCached = m.d1.rows["board_entries"] !== undefined;
  const dashboardRows = mean(m.dashboards.map((d) => d.rowsRead));

  const scaleTo = (n: number) => {
    const perSecond = (n * rowsPerUserYear) / (365 * 86_400);
    return {
      users: n,
      heartbeats_per_day: n * MODEL.heartbeats_per_user_day,
      d1_bytes_after_one_year: Math.round(n * d1PerUserYear),
      d1_rows_after_one_year: Math.round(n * d1RowsPerUserYear),
      d1_rows_written_per_second_average: round(perSecond, 1),
      d1_rows_written_per_second_peak: round(perSecond * MODEL.peak_to_average_writes, 1),
      object_bytes_per_user_after_one_year: Math.round(objectPerUserYear),
      object_bytes_total_after_one_year: Math.round(n * objectPerUserYear),
      leaderboard_cold_d1_rows_read: at("rowsRead", n),
      leaderboard_cold_object_calls: at("objectCalls", n),
      // Today a cached global ranking holds every ranked member; with board_entries a cached page holds one page.
      ranking_cache_entries_per_board: pagesCached ? Math.min(PAGE, n) : Math.round((n * m.boardAtAll.listed) / m.boardAtAll.users),
      dashboard_d1_rows_read_per_second: round((n * (perUserYearDays / 365) * MODEL.dashboard_views_per_active_user_day * dashboardRows) / 86_400, 1),
    };
  };

  const cost = (c: Cost) => ({ d1_statements: c.statements, d1_rows_read: c.rowsRead, d1_rows_written: c.rowsWritten, object_calls: c.objectCalls, ms: c.ms });
  return {
    design: m.d1.rows["board_entries"] !== undefined ? "board_entries (issue 16)" : "daily_activity in D1",
    model: MODEL,
    sample: { seed: SEED, users, working_days: DAYS, heartbeats, active_user_days: userDays, plugin_sends: m.writes.sends, flushes: m.writes.flushes, heartbeats_per_active_day: round(heartbeats / userDays, 1) },
    measured: {
      d1: {
        bytes_size_after: m.d1.sizeAfter,
        bytes_by_table: d1Bytes,
        bytes_in_use_by_table: Object.fromEntries(withRows),
        rows_by_table: m.d1.rows,
        bytes_per_day_row: d1DayRows ? round(d1DayBytes / d1DayRows, 0) : null,
        rows_written: { flushes: m.writes.flushRows, request_path: m.writes.requestRows, board_entries_written: m.writes.entriesWritten },
        rows_written_per_heartbeat: round(writtenRows / heartbeats, 4),
        rows_written_per_active_user_day: round(writtenRows / userDays, 2),
      },
      durable_objects: {
        bytes_database_size_mean: Math.round(mean(objSizes)),
        bytes_database_size_max: Math.max(...objSizes),
        bytes_by_table: objectBytes,
        rows_by_table: objectRows,
        bytes_per_heartbeat: round(objHb / heartbeats, 1),
        bytes_per_day_row: userDays ? round(objDay / userDays, 0) : null,
      },
      views: {
        dashboard_last_30_days: cost({ ...m.dashboards[0]!, statements: mean(m.dashboards.map((d) => d.statements)), rowsRead: dashboardRows, rowsWritten: mean(m.dashboards.map((d) => d.rowsWritten)), objectCalls: mean(m.dashboards.map((d) => d.objectCalls)), ms: round(mean(m.dashboards.map((d) => d.ms)), 1) }),
        dashboard_last_year: cost(m.dashboardYear),
        leaderboard_global_cold_half: { users: m.boardAtHalf.users, listed: m.boardAtHalf.listed, ...cost(m.boardAtHalf.cold) },
        leaderboard_global_cold: { users: m.boardAtAll.users, listed: m.boardAtAll.listed, ...cost(m.boardAtAll.cold) },
        leaderboard_global_cached: cost(m.boardAtAll.cached),
        leaderboard_language_cold: { language: m.languageBoard.language, listed: m.languageBoard.listed, ...cost(m.languageBoard.cold) },
        leaderboard_language_cached: cost(m.languageBoard.cached),
      },
    },
    extrapolated: {
      per_active_user_year: {
        d1_bytes: Math.round(d1PerUserYear),
        d1_rows: Math.round(d1RowsPerUserYear),
        d1_rows_written: Math.round(rowsPerUserYear),
        object_bytes: Math.round(objectPerUserYear),
        active_days: round(perUserYearDays, 1),
        board_entries_per_user: round(boardRowsPerUser, 2),
        d1_rows_written_per_board_entry: round(rowsPerEntry, 2),
        board_refresh_rows_written_per_day: round(refreshRowsPerDay, 1),
      },
      leaderboard_cold_rows_read_per_user: round(slope("rowsRead"), 2),
      populations: MODEL.populations.map(scaleTo),
    },
  };
}

function mb(b: number) {
  return b >= 1e12 ? `${round(b / 1e12, 2)} TB` : b >= 1e9 ? `${round(b / 1e9, 2)} GB` : b >= 1e6 ? `${round(b / 1e6, 1)} MB` : `${round(b / 1e3, 1)} kB`;
}
function n(x: number) {
  return x.toLocaleString("en-US");
}

function printTables(f: Figures) {
  const s = f.sample;
  const d = f.measured.d1;
  const o = f.measured.durable_objects;
  const v = f.measured.views;
  const y = f.extrapolated.per_active_user_year;
  console.log(`\ndesign: ${f.design}`);
  console.log(`sample (measured): ${s.users} users x ${s.working_days} working days, ${n(s.heartbeats)} heartbeats, ${s.active_user_days} active user-days, ${s.flushes} flushes`);
  const row = (label: string, measured: string, kind: string, perYear: string, ...pops: string[]) =>
    console.log(`${label.padEnd(34)} ${measured.padStart(16)} ${kind.padEnd(5)} ${perYear.padStart(14)} ${pops.map((p) => p.padStart(12)).join(" ")}`);
  const header = () => row("", "sample", "", "per user-year", ...f.extrapolated.populations.map((p) => `${n(p.users)} users`));
  const pops = (k: keyof (typeof f.extrapolated.populations)[number], fmt: (x: number) => string) => f.extrapolated.populations.map((p) => fmt(p[k] as number));

  console.log("\nD1 (one database)          measured = M, extrapolated = E");
  header();
  row("bytes (dbstat, all tables)", mb(Object.values(d.bytes_by_table).reduce((a, b) => a + b, 0)), "M", mb(y.d1_bytes), ...pops("d1_bytes_after_one_year", mb));
  for (const [t, rows] of Object.entries(d.rows_by_table)) if (rows > 0) row(`  ${t}: rows / in use`, `${n(rows)} / ${mb(d.bytes_in_use_by_table[t] ?? 0)}`, "M", "", "");
  row("rows (after one year)", "", "", n(y.d1_rows), ...pops("d1_rows_after_one_year", n));
  row("rows written per heartbeat", String(d.rows_written_per_heartbeat), "M", "", "");
  row("rows written per active user-day", String(d.rows_written_per_active_user_day), "M", n(y.d1_rows_written), "");
  row("rows written/s (average, E)", "", "", "", ...pops("d1_rows_written_per_second_average", String));
  row("rows written/s (peak 3x, E)", "", "", "", ...pops("d1_rows_written_per_second_peak", String));
  row("dashboard rows read/s (E)", "", "", "", ...pops("dashboard_d1_rows_read_per_second", String));

  console.log("\nDurable Objects (one per user)");
  header();
  row("databaseSize per object (mean)", mb(o.bytes_database_size_mean), "M", mb(y.object_bytes), ...pops("object_bytes_per_user_after_one_year", mb));
  row("databaseSize per object (max)", mb(o.bytes_database_size_max), "M", "", "");
  row("bytes per heartbeat (log)", String(o.bytes_per_heartbeat), "M", "", "");
  row("bytes per day roll-up", String(o.bytes_per_day_row), "M", "", "");
  row("all objects together", "", "", "", ...pops("object_bytes_total_after_one_year", mb));

  console.log("\nViews (per request)                 D1 statements  D1 rows read  object calls   ms (sample)");
  const view = (label: string, c: { d1_statements: number; d1_rows_read: number; object_calls: number; ms: number }) =>
    console.log(`${label.padEnd(36)} ${String(round(c.d1_statements, 1)).padStart(13)} ${String(round(c.d1_rows_read, 1)).padStart(13)} ${String(round(c.object_calls, 1)).padStart(13)} ${String(c.ms).padStart(13)}   M`);
  view("dashboard last_30_days", v.dashboard_last_30_days);
  view("dashboard last_year", v.dashboard_last_year);
  view(`leaderboard cold (${v.leaderboard_global_cold_half.users} users)`, v.leaderboard_global_cold_half);
  view(`leaderboard cold (${v.leaderboard_global_cold.users} users)`, v.leaderboard_global_cold);
  view("leaderboard cached", v.leaderboard_global_cached);
  view(`language board cold (${v.leaderboard_language_cold.language})`, v.leaderboard_language_cold);
  view("language board cached", v.leaderboard_language_cached);

  console.log("\nLeaderboard at scale (E: linear in users with activity, from the two cold sizes)");
  header();
  row("cold board: D1 rows read", String(v.leaderboard_global_cold.d1_rows_read), "M", "", ...pops("leaderboard_cold_d1_rows_read", n));
  row("isolate cache: entries per ranking", String(v.leaderboard_global_cold.listed), "M", "", ...pops("ranking_cache_entries_per_board", n));
  console.log("");
}
