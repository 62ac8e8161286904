/**
 * bench:badges — badge requests per second on workerd, cold (every request a cache miss: the
 * directory read in D1, the range's days from D1 and the user's Durable Object, rendering) and
 * cached (the same URL again: answered from the Workers Cache API), next to the bench build's
 * bare 204 route as the yardstick, in interleaved rounds (medians quoted).
 *
 * The user shares a public profile and has 60 days of activity (2 hours a day over three
 * projects), flushed to D1 as the alarm would, so reads take the normal path. "Cold" requests
 * differ only in `?label=` (part of the cache key), so each one is built from the stores.
 *
 * Runs on workerd directly (bench/lib/runtime.ts: wrangler's proxy would cap the figures).
 * Env: BENCH_SECONDS (per run, default 5), BENCH_ROUNDS (default 3), BENCH_CONNECTIONS (16).
 * Last line of output: one JSON object with the figures.
 */
import { execFile } from "node:child_process";
import { mkdtemp, rm } from "node:fs/promises";
import os from "node:os";
import path from "node:path";
import { promisify } from "node:util";
import autocannon from "autocannon";
import { applyMigrations, ensureUser, QUIET_ENV, ROOT } from "../scripts/local-worker.mjs";
import { startBenchRuntime } from "./lib/runtime.ts";
import { median, round } from "./lib/stats.ts";
import { machine } from "./lib/machine.ts";

const SECONDS = Number(process.env.BENCH_SECONDS ?? 5);
const ROUNDS = Number(process.env.BENCH_ROUNDS ?? 3);
const CONNECTIONS = Number(process.env.BENCH_CONNECTIONS ?? 16);
const USERNAME = "badge-bench";
const KEY = `waka_${crypto.randomUUID()}`;
const BADGE = `/api/badge/${USERNAME}/last_30_days.svg`;
const UA = "wakatime/v1.90.0 (linux-6.1-x86_64) go1.22 vscode/1.95.0 vscode-wakatime/24.6.0";

const persistTo = await mkdtemp(path.join(os.tmpdir(), "kodo-badge-bench-"));
let rt;
try {
  await prepareDatabase();
  rt = await startBenchRuntime({ persistTo });
  await seedActivity(rt.url);

  // Sanity: the first request builds the badge, the second comes from the cache.
  const first = await fetch(`${rt.url}${BADGE}`);
  const second = await fetch(`${rt.url}${BADGE}`);
  const svg = await second.text();
  if (first.headers.get("x-kodo-cache") !== "miss" || second.headers.get("x-kodo-cache") !== "hit" || !svg.includes("hrs")) {
    throw new Error(`unexpected badge answers: ${first.headers.get("x-kodo-cache")} then ${second.headers.get("x-kodo-cache")}: ${svg.slice(0, 300)}`);
  }
  console.log(`badge: ${/aria-label="([^"]*)"/.exec(svg)?.[1]}  (${CONNECTIONS} connections, ${SECONDS} s runs, ${ROUNDS} rounds)`);

  const runs = { cold: [], cached: [], bare: [] };
  for (let round_ = 1; round_ <= ROUNDS; round_++) {
    for (const kind of ["cold", "cached", "bare"]) {
      const r = await load(rt.url, kind);
      runs[kind].push(r);
      console.log(
        `round ${round_} ${kind.padEnd(6)} ${r.rps.toFixed(0).padStart(6)} req/s  p50 ${r.p50} ms  p99 ${r.p99} ms` +
          (r.problems.length ? `  PROBLEMS: ${r.problems.join("; ")}` : ""),
      );
    }
  }

  const summary = Object.fromEntries(
    Object.entries(runs).map(([kind, rs]) => [
      kind,
      { requests_per_second: round(median(rs.map((r) => r.rps)), 0), p50_ms: median(rs.map((r) => r.p50)), p99_ms: median(rs.map((r) => r.p99)) },
    ]),
  );
  const problems = Object.values(runs).flat().flatMap((r) => r.problems);
  console.log(
    `\nmedians: cold ${summary.cold.requests_per_second} req/s, cached ${summary.cached.requests_per_second} req/s ` +
      `(${round(summary.cached.requests_per_second / summary.cold.requests_per_second, 1)}x), bare route ${summary.bare.requests_per_second} req/s`,
  );
  console.log(
    JSON.stringify({
      bench: "badges",
      connections: CONNECTIONS,
      seconds: SECONDS,
      rounds: ROUNDS,
      ...summary,
      cached_over_cold: round(summary.cached.requests_per_second / summary.cold.requests_per_second, 2),
      problems,
      machine: machine(),
    }),
  );
  if (problems.length) process.exitCode = 1;
} finally {
  await rt?.dispose();
  await rm(persistTo, { recursive: true, force: true });
}

/** The account and its sharing row, written to local D1 before the runtime opens it. */
async function prepareDatabase() {
  await applyMigrations(persistTo);
  await ensureUser(persistTo, { username: USERNAME, key: KEY });
  const sql = `INSERT INTO user_sharing (user_id, public_profile, projects) VALUES ('local-${USERNAME}', 1, 'public');`;
  const node = path.join(ROOT, "node_modules", ".bin", "node");
  const wrangler = path.join(ROOT, "node_modules", ".bin", "wrangler");
  await promisify(execFile)(node, [wrangler, "d1", "execute", "kodo", "--local", "--persist-to", persistTo, "--command", sql], { cwd: ROOT, env: QUIET_ENV });
}

/** 60 days x 2 hours (a heartbeat a minute over three projects), then a flush to D1. */
async function seedActivity(url) {
  const today = Math.floor(Date.now() / 86_400_000) * 86_400;
  const beats = [];
  for (let d = 0; d < 60; d++) {
    for (let i = 0; i < 120; i++) {
      const project = ["kodo", "site", "infra"][Math.floor(i / 40)];
      beats.push({ entity: `/src/${project}/${i % 7}.ts`, type: "file", category: "coding", time: today - d * 86_400 + 9 * 3600 + i * 60, project, branch: "main", language: "TypeScript", is_write: i % 5 === 0 });
    }
  }
  for (let i = 0; i < beats.length; i += 1000) {
    const res = await fetch(`${url}/api/v1/users/current/heartbeats.bulk`, {
      method: "POST",
      headers: { authorization: `Basic ${Buffer.from(KEY).toString("base64")}`, "content-type": "application/json", "user-agent": UA },
      body: JSON.stringify(beats.slice(i, i + 1000)),
    });
    if (res.status !== 201) throw new Error(`seeding: ${res.status} ${await res.text()}`);
  }
  const flush = await fetch(`${url}/__bench/flush/local-${USERNAME}`, { method: "POST" });
  if (!flush.ok) throw new Error(`flush: ${flush.status} ${await flush.text()}`);
}

/** One autocannon run: cold (a new label each request), cached (one URL) or the bare route. */
async function load(url, kind) {
  const problems = [];
  const note = (p) => problems.length < 5 && problems.push(p);
  let n = 0;
  const runId = crypto.randomUUID().slice(0, 8);
  const expected = kind === "cold" ? "miss" : "hit";
  const result = await autocannon({
    url,
    connections: CONNECTIONS,
    duration: SECONDS,
    timeout: 30,
    requests: [
      {
        method: "GET",
        path: kind === "bare" ? "/__bench/bare" : BADGE,
        setupRequest: (req) => (kind === "cold" ? { ...req, path: `${BADGE}?label=${runId}-${n++}` } : req),
        onResponse: (status, _body, _context, headers) => {
          if (kind === "bare") return;
          if (status !== 200) note(`status ${status}`);
          else {
            // Raw header names keep the server's spelling.
            const cache = Object.entries(headers).find(([k]) => k.toLowerCase() === "x-kodo-cache")?.[1];
            if (cache !== expected) note(`expected a cache ${expected}, got ${cache}`);
          }
        },
      },
    ],
  });
  const ok = result.requests.total - result.non2xx;
  if (result.errors || result.timeouts) note(`${result.errors} errors, ${result.timeouts} timeouts`);
  return { rps: ok / result.duration, p50: result.latency.p50, p99: result.latency.p99, problems };
}
