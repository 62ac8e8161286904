/**
 * `npm run bench:dashboard`: how long the server takes to load the "last year" dashboard for
 * a user with a year of heavy activity, next to the time to compute the same view from the raw
 * heartbeats.
 *
 * - Kodo: `GET /api/kodo/dashboard?range=last_year` against the real worker (`wrangler dev` on
 *   workerd, scripts/local-worker.mjs), after the year has been flushed: the day roll-ups kept in
 *   the user's Durable Object (issue 16), aggregated by core. Timed from request to
 *   the last byte of the body, so it includes HTTP and JSON on both ends.
 * - Raw: the same view computed from the year's raw heartbeats: read from the user's Durable
 *   Object SQLite file (node:sqlite: the same SQLite engine), merged into sessions and
 *   aggregated with the same core functions, in this Node 22 process (the same V8 as workerd).
 *   It includes no HTTP at all, so the comparison flatters the raw path.
 * Both views are checked to agree (total, per project) before any figure is printed.
 *
 * Env: BENCH_DAYS (365), BENCH_BEATS_PER_DAY (about 700), BENCH_RUNS (10).
 * Results: printed, and written to bench/results/dashboard.json (git-ignored).
 */
import { mkdtemp, rm, mkdir, writeFile, readdir } from "node:fs/promises";
import os from "node:os";
import path from "node:path";
import { randomUUID } from "node:crypto";
import { DatabaseSync } from "node:sqlite";
import { ROOT, ensureUser, freePort, startWorker } from "../scripts/local-worker.mjs";
import { mergeSessions } from "../core/src/sessions/merge.ts";
import { rollUpDay } from "../core/src/sessions/rollup.ts";
import { resolveRange } from "../core/src/time/ranges.ts";
import { dayOf, addDays, startOfDay } from "../core/src/time/zone.ts";
import { rng } from "./lib/stats.ts";
import { buildDashboard, heatMapSpan, timelineDayFor } from "../core/src/dashboard/build-dashboard.ts";

const DAYS = Number(process.env.BENCH_DAYS ?? 365);
const BEATS_PER_DAY = Number(process.env.BENCH_BEATS_PER_DAY ?? 700);
const RUNS = Number(process.env.BENCH_RUNS ?? 10);
const TIME_ZONE = "Europe/Berlin";
const TIMEOUT_MINUTES = 15;

const UA = {
  vscode: "wakatime/v1.90.0 (linux-6.1-x86_64) go1.22 vscode/1.95.0 vscode-wakatime/24.6.0",
  idea: "wakatime/v1.90.0 (windows-10.0-x86_64) go1.22 IntelliJ IDEA/2024.2 intellij-wakatime/15.0.0",
  vim: "wakatime/v1.90.0 (darwin-23.0-arm64) go1.22 vim/9.1 vim-wakatime/11.0",
};
const PROJECTS = [
  { name: "kodo", languages: ["TypeScript", "SQL", "Markdown"], branches: ["main", "dashboard", "sam", "fix-timezones"] },
  { name: "website", languages: ["Svelte", "TypeScript", "CSS"], branches: ["main", "redesign"] },
  { name: "api-gateway", languages: ["Go", "YAML"], branches: ["main", "rate-limits"] },
  { name: "ml-pipeline", languages: ["Python", "Shell"], branches: ["main", "feature-store"] },
  { name: "mobile-app", languages: ["Kotlin", "Swift"], branches: ["develop", "release-3"] },
  { name: "infra", languages: ["HCL", "YAML", "Shell"], branches: ["main"] },
  { name: "notes", languages: ["Markdown"], branches: ["main"] },
  { name: "dotfiles", languages: ["Lua", "Shell"], branches: ["main"] },
  { name: "game-jam", languages: ["C#"], branches: ["main"] },
  { name: "compiler", languages: ["Rust"], branches: ["main", "borrowck"] },
];
const SETUPS = [
  { ua: UA.vscode, machine: "work-laptop" },
  { ua: UA.idea, machine: "work-desktop" },
  { ua: UA.vim, machine: "home-mac" },
];


/** A year of heavy use: most days 6-10 hours in blocks, a heartbeat every 20-60 s. */
function heavyYear(now) {
  const random = rng(42);
  const pick = (xs) => xs[Math.floor(random() * xs.length)];
  const today = dayOf(now, TIME_ZONE);
  const batches = new Map(); // "ua|machine" -> wire heartbeats
  let total = 0;
  const activeDays = new Set();
  for (let d = DAYS - 1; d >= 0; d--) {
    const day = addDays(today, -d);
    if (d > 0 && random() < 0.12) continue;
    const dayStart = startOfDay(day, TIME_ZONE);
    const end = d === 0 ? now - 60 : dayStart + 86_400 - 60;
    let t = dayStart + (7 + random() * 3) * 3600;
    let beats = 0;
    const target = BEATS_PER_DAY * (0.6 + random() * 0.8);
    while (beats < target && t < end) {
      const project = pick(PROJECTS);
      const setup = pick(SETUPS);
      const language = pick(project.languages);
      const branch = pick(project.branches);
      const files = Array.from({ length: 2 + Math.floor(random() * 6) }, (_, i) => `/home/dev/${project.name}/src/module-${i}/file-${Math.floor(random() * 40)}`);
      const key = `${setup.ua}|${setup.machine}`;
      const list = batches.get(key) ?? [];
      batches.set(key, list);
      const blockBeats = 20 + Math.floor(random() * 120);
      for (let i = 0; i < blockBeats && t < end; i++, beats++) {
        list.push({ entity: pick(files), type: "file", category: random() < 0.9 ? "coding" : "debugging", time: Math.round(t * 1000) / 1000, project: project.name, branch, language, is_write: random() < 0.1 });
        activeDays.add(dayOf(t, TIME_ZONE));
        t += 20 + random() * 40;
      }
      t += random() < 0.5 ? 60 + random() * 600 : 1200 + random() * 5400;
    }
    total += beats;
  }
  return { batches, total, activeDays };
}

/**
 * Posts one batch. `wrangler dev` reloads the worker when a source file changes (others edit
 * this tree too) and answers 503 to a request in flight; ingest is idempotent (dedupe keys),
 * so the batch is simply sent again.
 */
async function post(url, key, ua, machine, beats) {
  for (let attempt = 1; ; attempt++) {
    const res = await fetch(`${url}/api/v1/users/current/heartbeats.bulk`, {
      method: "POST",
      headers: { authorization: `Basic ${btoa(key)}`, "content-type": "application/json", "user-agent": ua, "x-machine-name": machine },
      body: JSON.stringify(beats),
    });
    if (res.status === 201) return;
    const text = await res.text();
    if (res.status !== 503 || attempt >= 5) throw new Error(`seeding: ${res.status} ${text}`);
    await new Promise((r) => setTimeout(r, 2000 * attempt));
  }
}

async function sqliteFiles(dir, part) {
  const all = await readdir(dir, { recursive: true });
  return all.filter((f) => f.endsWith(".sqlite") && f.includes(part)).map((f) => path.join(dir, f));
}

function count(file, sql) {
  const db = new DatabaseSync(file, { readOnly: true });
  try {
    return db.prepare(sql).get()?.n ?? 0;
  } catch {
    return 0;
  } finally {
    db.close();
  }
}

const median = (xs) => [...xs].sort((a, b) => a - b)[Math.floor((xs.length - 1) / 2)];
const p90 = (xs) => [...xs].sort((a, b) => a - b)[Math.max(0, Math.ceil(0.9 * xs.length) - 1)];
const ms = (x) => Math.round(x * 10) / 10;

async function main() {
  const persistTo = await mkdtemp(path.join(os.tmpdir(), "kodo-bench-dashboard-"));
  const key = `waka_${randomUUID()}`;
  const port = await freePort();
  let worker;
  try {
    const { applyMigrations } = await import("../scripts/local-worker.mjs");
    await applyMigrations(persistTo);
    await ensureUser(persistTo, { username: "heavy", key, timeZone: TIME_ZONE, label: "bench" });
    // Short flush delays: the flush runs soon after seeding, as it would have over a year.
    worker = await startWorker({ port, persistTo, migrate: false, vars: { FLUSH_QUIET_SECONDS: "2", FLUSH_MAX_DELAY_SECONDS: "10" } });

    const now = Date.now() / 1000;
    const year = heavyYear(now);
    process.stdout.write(`Seeding ${year.total.toLocaleString("en")} heartbeats over ${year.activeDays.size} active days (${DAYS} days)... `);
    const seedStart = performance.now();
    for (const [k, beats] of year.batches) {
      const [ua, machine] = k.split("|");
      for (let i = 0; i < beats.length; i += 1000) await post(worker.url, key, ua, machine, beats.slice(i, i + 1000));
    }
    console.log(`${ms((performance.now() - seedStart) / 1000)} s`);

    // The flush computes every stale day in the object (which all reads use) and writes the
    // user's board entries to D1 (issue 16: D1 holds no days): wait for it.
    process.stdout.write("Waiting for the flush... ");
    const d1 = (await sqliteFiles(path.join(persistTo, "v3", "d1"), ""))[0];
    const deadline = Date.now() + 180_000;
    for (let last = -1; ; ) {
      const rows = count(d1, "SELECT count(*) AS n FROM board_entries");
      if (rows > 0 && rows === last) break;
      if (Date.now() > deadline) throw new Error(`D1 has no board entries after 3 minutes`);
      last = rows;
      await new Promise((r) => setTimeout(r, 3000));
    }
    console.log("done");

    // Kodo: the API route the dashboard's server load calls.
    const timed = async (query, route = "/api/kodo/dashboard") => {
      const times = [];
      let body;
      let bytes = 0;
      for (let i = 0; i < RUNS + 2; i++) {
        const t0 = performance.now();
        const res = await fetch(`${worker.url}${route}?${query}`, { headers: { authorization: `Basic ${btoa(key)}` } });
        const text = await res.text();
        const t = performance.now() - t0;
        if (res.status !== 200) throw new Error(`${query}: ${res.status} ${text}`);
        if (i >= 2) times.push(t); // two warm-up requests
        body = JSON.parse(text);
        bytes = text.length;
      }
      return { median: median(times), p90: p90(times), bytes, body };
    };
    const lastYear = await timed("range=last_year");
    const lastYearFiltered = await timed("range=last_year&project=kodo&editor=VS%20Code");
    const last7 = await timed("range=last_7_days");
    // For scale: WakaTime's stats over the same year, which reads per-day totals only (no sessions).
    const statsOnly = await timed("", "/api/v1/users/current/stats/last_year");

    // Raw: the same view from the raw heartbeats.
    const doFiles = await sqliteFiles(path.join(persistTo, "v3", "do"), "");
    const logFile = doFiles.find((f) => count(f, "SELECT count(*) AS n FROM heartbeats") > 0);
    const settings = { timeZone: TIME_ZONE, keystrokeTimeoutMinutes: TIMEOUT_MINUTES };
    const rawRuns = [];
    let rawView;
    let stages = { read: [], merge: [], build: [] };
    const db = new DatabaseSync(logFile, { readOnly: true });
    try {
      for (let i = 0; i < Math.max(3, Math.ceil(RUNS / 2)) + 1; i++) {
        const t0 = performance.now();
        const nowRaw = Date.now() / 1000;
        const range = resolveRange("last_year", nowRaw, TIME_ZONE);
        const heat = heatMapSpan(dayOf(nowRaw, TIME_ZONE));
        const first = heat.start < range.start ? heat.start : range.start;
        const from = startOfDay(first, TIME_ZONE) - TIMEOUT_MINUTES * 60;
        const to = startOfDay(addDays(range.end, 1), TIME_ZONE) + TIMEOUT_MINUTES * 60;
        const rows = db
          .prepare("SELECT time, project, language, editor, operating_system AS operatingSystem, machine, branch, category FROM heartbeats WHERE time >= ? AND time <= ?")
          .all(from, to);
        const t1 = performance.now();
        const sessions = mergeSessions(rows, settings);
        const byDay = new Map();
        for (const s of sessions) byDay.set(s.day, [...(byDay.get(s.day) ?? []), s]);
        const days = [...byDay.keys()].sort().map((d) => rollUpDay(d, byDay.get(d)));
        const t2 = performance.now();
        const today = dayOf(nowRaw, TIME_ZONE);
        rawView = buildDashboard({ now: nowRaw, timeZone: TIME_ZONE, range, filter: {}, rangeDays: days, heatMapDays: days, timelineDay: timelineDayFor(undefined, range, today), timelineDays: days.filter((d) => d.day === today), hasActivity: true });
        const t3 = performance.now();
        if (i === 0) continue; // warm-up
        rawRuns.push(t3 - t0);
        stages.read.push(t1 - t0);
        stages.merge.push(t2 - t1);
        stages.build.push(t3 - t2);
      }
    } finally {
      db.close();
    }

    // The two must describe the same year before their times mean anything.
    const kodoView = lastYear.body;
    const agree = Math.abs(kodoView.totalSeconds - rawView.totalSeconds) < 0.01 && JSON.stringify(kodoView.shares.project.map((p) => [p.name, Math.round(p.seconds)])) === JSON.stringify(rawView.shares.project.map((p) => [p.name, Math.round(p.seconds)]));
    if (!agree) throw new Error(`views differ: Kodo ${kodoView.totalSeconds} s, raw ${rawView.totalSeconds} s`);

    const heartbeats = count(logFile, "SELECT count(*) AS n FROM heartbeats");
    const result = {
      machine: { cpu: os.cpus()[0]?.model.trim(), cores: os.cpus().length, node: process.version, load_average_1m: Math.round(os.loadavg()[0] * 100) / 100 },
      data: { heartbeats, active_days: year.activeDays.size, total_hours: Math.round(kodoView.totalSeconds / 36) / 100, days_in_range: kodoView.range.dayCount },
      kodo_ms: { last_year: { median: ms(lastYear.median), p90: ms(lastYear.p90), response_kib: Math.round(lastYear.bytes / 1024) }, last_year_filtered: { median: ms(lastYearFiltered.median), p90: ms(lastYearFiltered.p90) }, last_7_days: { median: ms(last7.median), p90: ms(last7.p90) }, wakatime_stats_last_year: { median: ms(statsOnly.median), p90: ms(statsOnly.p90) } },
      raw_ms: { last_year: { median: ms(median(rawRuns)), p90: ms(p90(rawRuns)), read: ms(median(stages.read)), merge: ms(median(stages.merge)), aggregate: ms(median(stages.build)) } },
      ratio_raw_over_kodo: Math.round((median(rawRuns) / lastYear.median) * 10) / 10,
    };
    console.log("");
    console.log(`Dashboard, last year, ${heartbeats.toLocaleString("en")} heartbeats, ${year.activeDays.size} active days, ${result.data.total_hours} h`);
    console.log(`  Kodo API (Durable Object roll-ups), HTTP included:      median ${result.kodo_ms.last_year.median} ms, p90 ${result.kodo_ms.last_year.p90} ms, ${result.kodo_ms.last_year.response_kib} KiB`);
    console.log(`    with filters project+editor (from sessions):          median ${result.kodo_ms.last_year_filtered.median} ms`);
    console.log(`    last 7 days:                                           median ${result.kodo_ms.last_7_days.median} ms`);
    console.log(`    for scale, /api/v1 stats/last_year (day totals only):  median ${result.kodo_ms.wakatime_stats_last_year.median} ms`);
    console.log(`  From raw heartbeats (read + merge + aggregate, no HTTP): median ${result.raw_ms.last_year.median} ms (read ${result.raw_ms.last_year.read}, merge ${result.raw_ms.last_year.merge}, aggregate ${result.raw_ms.last_year.aggregate})`);
    console.log(`  Raw / Kodo: ${result.ratio_raw_over_kodo}x   (${result.machine.cpu}, ${result.machine.cores} cores, load ${result.machine.load_average_1m})`);
    await mkdir(path.join(ROOT, "bench", "results"), { recursive: true });
    await writeFile(path.join(ROOT, "bench", "results", "dashboard.json"), `${JSON.stringify(result, null, 2)}\n`);
  } finally {
    await worker?.stop();
    await rm(persistTo, { recursive: true, force: true });
  }
}

await main();
