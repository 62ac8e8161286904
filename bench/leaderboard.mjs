/**
 * bench:leaderboard — leaderboard query time for 10,000 users x 30 days of roll-ups on workerd.
 *
 * D1 is seeded directly (one SQL script of recursive CTEs through `wrangler d1 execute`, before
 * the worker starts): 10,000 users in five time zones, 90% opted into leaderboards, one
 * `daily_activity` row per user-day for the last 30 UTC days (coding seconds pseudo-random up
 * to ~5.5 h, a few users over the 18 h cap, per-language totals JSON) = 300,000 rows.
 *
 * Measured sequentially (one request at a time, latency not throughput), on workerd directly
 * (bench/lib/runtime.ts):
 * - cold: `GET /api/kodo/leaderboards` right after a `PATCH /api/kodo/sharing` (which clears the
 *   isolate's ranking cache), so each one ranks all users from D1;
 * - cached: the same request again (the ranking from the isolate's cache, the page's languages
 *   from D1);
 * - the same two for a language board (`language=Python`) and `GET /api/v1/leaders` cached.
 * Env: BENCH_USERS (10000), BENCH_DAYS (30), BENCH_COLD (15 samples), BENCH_CACHED (100).
 * Writes bench/results/leaderboard.json; the last line of output is the same JSON.
 */
import { execFile } from "node:child_process";
import { mkdtemp, rm, writeFile, mkdir } from "node:fs/promises";
import os from "node:os";
import path from "node:path";
import { promisify } from "node:util";
import { applyMigrations, ensureUser, QUIET_ENV, ROOT } from "../scripts/local-worker.mjs";
import { startBenchRuntime } from "./lib/runtime.ts";
import { percentile, round } from "./lib/stats.ts";
import { machine } from "./lib/machine.ts";

const USERS = Number(process.env.BENCH_USERS ?? 10_000);
const DAYS = Number(process.env.BENCH_DAYS ?? 30);
const COLD = Number(process.env.BENCH_COLD ?? 15);
const CACHED = Number(process.env.BENCH_CACHED ?? 100);
const CALLER = "leaderboard-bench";
const KEY = `waka_${crypto.randomUUID()}`;
const ZONES = ["UTC", "Asia/Tokyo", "America/New_York", "Europe/Berlin", "Asia/Kolkata"];

const persistTo = await mkdtemp(path.join(os.tmpdir(), "kodo-leaderboard-bench-"));
let rt;
try {
  const seedStart = performance.now();
  await prepareDatabase();
  console.log(`seeded ${USERS} users x ${DAYS} days = ${USERS * DAYS} daily_activity rows in ${round((performance.now() - seedStart) / 1000, 1)} s`);
  rt = await startBenchRuntime({ persistTo });
  const auth = { authorization: `Basic ${Buffer.from(KEY).toString("base64")}` };
  const get = async (p) => {
    const t = performance.now();
    const res = await fetch(`${rt.url}${p}`, { headers: auth });
    const body = await res.json();
    const ms = performance.now() - t;
    if (res.status !== 200) throw new Error(`${p}: ${res.status} ${JSON.stringify(body)}`);
    return { ms, body };
  };
  const clearCache = async () => {
    const res = await fetch(`${rt.url}/api/kodo/sharing`, { method: "PATCH", headers: { ...auth, "content-type": "application/json" }, body: JSON.stringify({ leaderboards: true }) });
    if (res.status !== 200) throw new Error(`PATCH sharing: ${res.status}`);
  };

  // Sanity: every opted-in user with time is ranked, and the caller's own rank is there.
  await clearCache();
  const { body: first } = await get("/api/kodo/leaderboards");
  const optedIn = await expectedOptedIn();
  if (first.total !== optedIn || !first.me || first.data.length !== 50) throw new Error(`unexpected board: total ${first.total} (want ${optedIn}), me ${JSON.stringify(first.me)}`);
  console.log(`board: ${first.total} users ranked, ${first.pages} pages; #1 ${first.data[0].user.username} ${round(first.data[0].totalSeconds / 3600, 1)} h; caller #${first.me.rank}`);

  const results = {};
  const measure = async (name, pathname, samples, cold) => {
    const times = [];
    for (let i = 0; i < samples; i++) {
      if (cold) await clearCache();
      else if (i === 0) await get(pathname); // warm the cache
      times.push((await get(pathname)).ms);
    }
    results[name] = { samples, p50Ms: round(percentile(times, 50), 1), p99Ms: round(percentile(times, 99), 1), maxMs: round(Math.max(...times), 1) };
    console.log(`${name.padEnd(22)} p50 ${String(results[name].p50Ms).padStart(7)} ms   p99 ${String(results[name].p99Ms).padStart(7)} ms   (${samples} requests)`);
  };
  await measure("global cold", "/api/kodo/leaderboards?page=3", COLD, true);
  await measure("global cached", "/api/kodo/leaderboards?page=3", CACHED, false);
  await measure("language cold", "/api/kodo/leaderboards?language=Python&range=last_30_days", COLD, true);
  await measure("language cached", "/api/kodo/leaderboards?language=Python&range=last_30_days", CACHED, false);
  await measure("v1 leaders cached", "/api/v1/leaders?page=2", CACHED, false);

  const summary = { benchmark: "leaderboard", users: USERS, days: DAYS, rows: USERS * DAYS, rankedUsers: optedIn, machine: machine(), results };
  await mkdir(path.join(ROOT, "bench", "results"), { recursive: true });
  await writeFile(path.join(ROOT, "bench", "results", "leaderboard.json"), `${JSON.stringify(summary, null, 2)}\n`);
  console.log(JSON.stringify(summary));
} finally {
  await rt?.dispose();
  await rm(persistTo, { recursive: true, force: true });
}

async function wranglerSql(args) {
  const node = path.join(ROOT, "node_modules", ".bin", "node");
  const wrangler = path.join(ROOT, "node_modules", ".bin", "wrangler");
  const { stdout } = await promisify(execFile)(node, [wrangler, "d1", "execute", "kodo", "--local", "--persist-to", persistTo, ...args], {
    cwd: ROOT,
    env: QUIET_ENV,
    maxBuffer: 64 * 1024 * 1024,
  });
  return stdout;
}

/** Users, settings, sharing and 30 days of roll-ups, generated inside SQLite. */
async function prepareDatabase() {
  await applyMigrations(persistTo);
  await ensureUser(persistTo, { username: CALLER, key: KEY });
  const zones = `json('${JSON.stringify(ZONES)}')`;
  const sql = `
WITH RECURSIVE n(i) AS (SELECT 1 UNION ALL SELECT i + 1 FROM n WHERE i < ${USERS})
INSERT INTO users (id, username, display_name) SELECT 'bench-' || i, 'bench' || i, 'Bench ' || i FROM n;
INSERT INTO user_settings (user_id, time_zone)
  SELECT id, json_extract(${zones}, '$[' || (CAST(substr(id, 7) AS INTEGER) % ${ZONES.length}) || ']') FROM users WHERE id LIKE 'bench-%';
INSERT INTO user_sharing (user_id, leaderboards, languages)
  SELECT id, CAST(substr(id, 7) AS INTEGER) % 10 != 0, CAST(substr(id, 7) AS INTEGER) % 3 != 0 FROM users WHERE id LIKE 'bench-%' OR id = 'local-${CALLER}';
WITH RECURSIVE d(k) AS (SELECT 0 UNION ALL SELECT k + 1 FROM d WHERE k < ${DAYS - 1}),
  rows AS (
    SELECT u.id AS user_id, date('now', '-' || d.k || ' days') AS day,
           CASE WHEN u.id LIKE 'bench-%' AND CAST(substr(u.id, 7) AS INTEGER) % 997 = 0 THEN 72000 ELSE abs(random()) % 20000 END AS coding
      FROM users u CROSS JOIN d WHERE u.id LIKE 'bench-%' OR u.id = 'local-${CALLER}')
INSERT INTO daily_activity (user_id, day, total_seconds, coding_seconds, totals, sessions, updated_at)
  SELECT user_id, day, coding + 600, coding,
         json_object('project', json_object('kodo', coding + 600), 'language', json_object('TypeScript', coding * 0.6, 'Python', coding * 0.4 + 600),
                     'editor', json_object('VS Code', coding + 600), 'operatingSystem', json_object('Linux', coding + 600), 'machine', json_object('box', coding + 600),
                     'branch', json_object('main', coding + 600), 'category', json_object('coding', coding, 'browsing', 600)),
         '[]', strftime('%Y-%m-%dT%H:%M:%fZ', 'now')
    FROM rows;
`;
  const file = path.join(persistTo, "seed.sql");
  await writeFile(file, sql);
  await wranglerSql(["--file", file, "--yes"]);
}

async function expectedOptedIn() {
  const out = await wranglerSql(["--json", "--command", "SELECT count(*) AS n FROM user_sharing WHERE leaderboards = 1"]);
  return JSON.parse(out)[0].results[0].n;
}
