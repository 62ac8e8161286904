/**
 * bench:leaderboard — every board kind at 100,000 users on workerd (issue 16).
 *
 * D1 is seeded directly (one SQL script of recursive CTEs through `wrangler d1 execute`, before
 * the worker starts): BENCH_USERS users in five time zones, 90% opted into leaderboards, a
 * third hiding languages, and each user's board standing as the Durable Object's flush writes
 * it: three `board_entries` rows (all coding time, TypeScript, Python) with hashed
 * pseudo-random seconds per range (one user in seven without time in the last 7 days, a few flagged). The
 * caller has 150 friends among them, and a team of 20 members who post real heartbeats (a
 * team board counts each member's chosen projects, so a cold one asks each member's Durable
 * Object for its per-day project record: `day_projects`, summed in SQL, no sessions read).
 *
 * Measured sequentially (one request at a time, latency not throughput), on workerd directly
 * (bench/lib/runtime.ts), for each board kind:
 * - cold: right after a `PATCH /api/kodo/sharing`, which moves the board version (the isolate's
 *   cached pages are then unreachable), so the page, the total, the languages and the caller's
 *   rank are read from D1;
 * - cached: the same request again.
 * Global (`/api/kodo/leaderboards?page=3`), language (`language=Python&range=last_30_days`),
 * friends (`scope=friends`: cached per viewer under their friends board version, one key read;
 * cold: the PATCH moves the caller's version too), team (WakaTime's private
 * leaderboard, `/api/v1/users/current/leaderboards/{team}`: cold, each member's object),
 * and `/api/v1/leaders` cached.
 * Env: BENCH_USERS (100000), BENCH_COLD (15 samples), BENCH_CACHED (100).
 * Writes bench/results/leaderboard.json; the last line of output is the same JSON.
 */
import { execFile } from "node:child_process";
import { mkdtemp, rm, writeFile, mkdir } from "node:fs/promises";
import os from "node:os";
import path from "node:path";
import { promisify } from "node:util";
import { applyMigrations, ensureUsers, QUIET_ENV, ROOT } from "../scripts/local-worker.mjs";
import { startBenchRuntime } from "./lib/runtime.ts";
import { percentile, round } from "./lib/stats.ts";
import { machine } from "./lib/machine.ts";

const USERS = Number(process.env.BENCH_USERS ?? 100_000);
const COLD = Number(process.env.BENCH_COLD ?? 15);
const CACHED = Number(process.env.BENCH_CACHED ?? 100);
const FRIENDS = 150;
const TEAM = 20;
const CALLER = "leaderboard-bench";
const KEY = `waka_${crypto.randomUUID()}`;
const TEAM_ID = "bench-team";
const members = Array.from({ length: TEAM - 1 }, (_, i) => ({ username: `team-bench-${i + 1}`, key: `waka_${crypto.randomUUID()}` }));
const ZONES = ["UTC", "Asia/Tokyo", "America/New_York", "Europe/Berlin", "Asia/Kolkata"];

const persistTo = await mkdtemp(path.join(os.tmpdir(), "kodo-leaderboard-bench-"));
let rt;
try {
  const seedStart = performance.now();
  await prepareDatabase();
  console.log(`seeded ${USERS} users, ${USERS * 3} board entries in ${round((performance.now() - seedStart) / 1000, 1)} s`);
  rt = await startBenchRuntime({ persistTo });
  const authOf = (key) => ({ authorization: `Basic ${Buffer.from(key).toString("base64")}` });
  const auth = authOf(KEY);
  const get = async (p) => {
    const t = performance.now();
    const res = await fetch(`${rt.url}${p}`, { headers: auth });
    const body = await res.json();
    const ms = performance.now() - t;
    if (res.status !== 200) throw new Error(`${p}: ${res.status} ${JSON.stringify(body)}`);
    return { ms, body };
  };
  const moveVersion = async () => {
    const res = await fetch(`${rt.url}/api/kodo/sharing`, { method: "PATCH", headers: { ...auth, "content-type": "application/json" }, body: JSON.stringify({ leaderboards: true }) });
    if (res.status !== 200) throw new Error(`PATCH sharing: ${res.status}`);
  };
  // The team: the caller and 19 members, each with 20 minutes a day over the last 7 days.
  const now = Math.floor(Date.now() / 1000);
  for (const m of [{ username: CALLER, key: KEY }, ...members]) {
    const beats = [];
    for (let d = 0; d < 7; d++) for (let i = 0; i <= 20; i++) beats.push({ entity: "/src/app.ts", type: "file", category: "coding", time: now - d * 86_400 - 7200 + i * 60, project: "kodo", language: "TypeScript" });
    const res = await fetch(`${rt.url}/api/v1/users/current/heartbeats.bulk`, { method: "POST", headers: { ...authOf(m.key), "content-type": "application/json" }, body: JSON.stringify(beats) });
    if (res.status !== 201) throw new Error(`heartbeats: ${res.status} ${await res.text()}`);
  }

  // Sanity: every opted-in user with time is ranked, and the caller's own rank is there.
  await moveVersion();
  const { body: first } = await get("/api/kodo/leaderboards");
  const optedIn = await expectedRanked();
  if (first.total !== optedIn || !first.me || first.data.length !== 50) throw new Error(`unexpected board: total ${first.total} (want ${optedIn}), me ${JSON.stringify(first.me)}`);
  console.log(`board: ${first.total} users ranked, ${first.pages} pages; #1 ${first.data[0].user.username} ${round(first.data[0].totalSeconds / 3600, 1)} h; caller #${first.me.rank}`);
  const { body: friends } = await get("/api/kodo/leaderboards?scope=friends");
  const { body: team } = await get(`/api/v1/users/current/leaderboards/${TEAM_ID}`);
  if (friends.total < FRIENDS * 0.8 || team.data.length !== TEAM) throw new Error(`unexpected friends (${friends.total}) or team (${team.data.length}) board`);
  console.log(`friends board: ${friends.total} ranked; team board: ${team.data.length} members`);

  const results = {};
  const measure = async (name, pathname, samples, cold) => {
    const times = [];
    for (let i = 0; i < samples; i++) {
      if (cold) await moveVersion();
      else if (i === 0) await get(pathname); // warm the cache
      times.push((await get(pathname)).ms);
    }
    results[name] = { samples, p50Ms: round(percentile(times, 50), 1), p99Ms: round(percentile(times, 99), 1), maxMs: round(Math.max(...times), 1) };
    console.log(`${name.padEnd(22)} p50 ${String(results[name].p50Ms).padStart(7)} ms   p99 ${String(results[name].p99Ms).padStart(7)} ms   (${samples} requests)`);
  };
  const boards = {
    global: "/api/kodo/leaderboards?page=3",
    language: "/api/kodo/leaderboards?language=Python&range=last_30_days",
    friends: "/api/kodo/leaderboards?scope=friends",
    team: `/api/v1/users/current/leaderboards/${TEAM_ID}`,
  };
  for (const [kind, pathname] of Object.entries(boards)) {
    await measure(`${kind} cold`, pathname, COLD, true);
    await measure(`${kind} cached`, pathname, CACHED, false);
  }
  await measure("v1 leaders cached", "/api/v1/leaders?page=2", CACHED, false);

  const summary = { benchmark: "leaderboard", users: USERS, boardEntries: USERS * 3, rankedUsers: optedIn, friends: friends.total, teamMembers: TEAM, machine: machine(), results };
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

/** Users, settings, sharing, board entries, friendships and the team, generated inside SQLite. */
async function prepareDatabase() {
  await applyMigrations(persistTo);
  await ensureUsers(persistTo, [{ username: CALLER, key: KEY }, ...members]);
  const zones = `json('${JSON.stringify(ZONES)}')`;
  const sql = `
WITH RECURSIVE n(i) AS (SELECT 1 UNION ALL SELECT i + 1 FROM n WHERE i < ${USERS})
INSERT INTO users (id, username, display_name) SELECT 'bench-' || i, 'bench' || i, 'Bench ' || i FROM n;
INSERT INTO user_settings (user_id, time_zone)
  SELECT id, json_extract(${zones}, '$[' || (CAST(substr(id, 7) AS INTEGER) % ${ZONES.length}) || ']') FROM users WHERE id LIKE 'bench-%';
INSERT INTO user_sharing (user_id, leaderboards, languages)
  SELECT id, CAST(substr(id, 7) AS INTEGER) % 10 != 0, CAST(substr(id, 7) AS INTEGER) % 3 != 0 FROM users WHERE id LIKE 'bench-%' OR id LIKE 'local-%';
WITH standing AS (
  SELECT id AS user_id, username, k,
         CASE WHEN k % 7 = 0 THEN 0 ELSE (k * 2654435761) % 140000 END AS d7,
         (k * 40503 + 12345) % 400000 AS extra,
         CASE WHEN k % 997 = 0 THEN 15 ELSE 0 END AS flagged
    FROM (SELECT id, username, CASE WHEN id LIKE 'bench-%' THEN CAST(substr(id, 7) AS INTEGER) ELSE 1 END AS k FROM users WHERE id LIKE 'bench-%' OR id = 'local-${CALLER}'))
INSERT INTO board_entries (user_id, language, username, last_7_days, last_30_days, this_week, this_month, flagged, week_days, month_days, listed, updated_at)
  SELECT st.user_id, l.language, username, d7 * l.share, (d7 + extra) * l.share, d7 * 0.5 * l.share, (d7 + extra) * 0.7 * l.share, flagged, 3, 7,
         sh.leaderboards = 1 AND (l.language = '' OR sh.languages = 1), strftime('%Y-%m-%dT%H:%M:%fZ', 'now')
    FROM standing st JOIN user_sharing sh ON sh.user_id = st.user_id
    CROSS JOIN (SELECT '' AS language, 1.0 AS share UNION ALL SELECT 'TypeScript', 0.6 UNION ALL SELECT 'Python', 0.4) l;
INSERT INTO friendships (requester_id, addressee_id, status, accepted_at)
  SELECT 'local-${CALLER}', id, 'accepted', strftime('%Y-%m-%dT%H:%M:%fZ', 'now') FROM users WHERE id LIKE 'bench-%' AND CAST(substr(id, 7) AS INTEGER) <= ${FRIENDS};
INSERT INTO teams (id, name) VALUES ('${TEAM_ID}', 'Bench team');
INSERT INTO team_members (team_id, user_id, role, projects)
  SELECT '${TEAM_ID}', id, CASE WHEN id = 'local-${CALLER}' THEN 'owner' ELSE 'member' END, '"all"' FROM users WHERE id LIKE 'local-%';
`;
  const file = path.join(persistTo, "seed.sql");
  await writeFile(file, sql);
  await wranglerSql(["--file", file, "--yes"]);
}

/** Opted-in users with time in the last 7 days: the global board's size. */
async function expectedRanked() {
  // Counted through user_sharing (not the `listed` copy the board reads).
  const out = await wranglerSql(["--json", "--command", "SELECT count(*) AS n FROM board_entries b JOIN user_sharing s ON s.user_id = b.user_id WHERE s.leaderboards = 1 AND b.language = '' AND b.last_7_days > 0"]);
  return JSON.parse(out)[0].results[0].n;
}
