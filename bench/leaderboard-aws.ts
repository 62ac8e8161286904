/**
 * bench:leaderboard-aws — the leaderboard read on AWS (sam:local: the Lambda bundle behind the
 * local API-Gateway-like server, DynamoDB on dynalite) beside the same read on Cloudflare
 * (the worker on workerd, D1 + Durable Objects, as bench:leaderboard runs it), in one run, on
 * the same seeded data, requests interleaved, medians quoted.
 *
 * Data (deterministic, generated here and written to both): BENCH_USERS users (default 2,000)
 * in five time zones, 90% opted into leaderboards, a third hiding languages, one derived day per
 * user for each of the last BENCH_DAYS UTC days (default 30) with pseudo-random coding time
 * and per-language totals; plus the caller, opted in. D1 gets `daily_activity` rows (one SQL
 * file through `wrangler d1 execute`); DynamoDB gets the same days as fresh day items (totals
 * gzip'd, as the activity store writes them), profiles, sharing items and board members.
 *
 * Measured, one request at a time, alternating platforms:
 * - cold: `GET /api/kodo/leaderboards?page=3` right after a `PATCH /api/kodo/sharing` by the
 *   caller (a member's change: the board version moves, so the ranking is rebuilt from the
 *   days: D1's query over `daily_activity`; on AWS the board item is rebuilt from the members'
 *   day items);
 * - cached: the same request again (Cloudflare: the isolate's ranking; AWS: the container's
 *   copy of the board item, after reading the board version);
 * - the same two for a language board (`language=Python&range=last_30_days`).
 * Env: BENCH_USERS, BENCH_DAYS, BENCH_COLD (5), BENCH_CACHED (30).
 * Writes bench/results/leaderboard-aws.json; the last line of output is the same JSON.
 */
import { createHash } from "node:crypto";
import { execFile } from "node:child_process";
import { mkdir, mkdtemp, rm, writeFile } from "node:fs/promises";
import os from "node:os";
import path from "node:path";
import { promisify } from "node:util";
import { gzipSync } from "node:zlib";
import { applyMigrations, ensureUser, QUIET_ENV, ROOT } from "../scripts/local-worker.mjs";
import { startBenchRuntime } from "./lib/runtime.ts";
import { median, percentile, rng, round } from "./lib/stats.ts";
import { machine } from "./lib/machine.ts";
import { startDynalite, localClient, createTablesFromTemplate } from "../sam/local/dynamo.ts";
import { startLocalRunner } from "../sam/local/runner.ts";
import { loadTemplate } from "../sam/tools/template.ts";
import { batchWrite, documentClient } from "../sam/src/dynamo/client.ts";
import { dynamoAccounts } from "../sam/src/dynamo/accounts.ts";
import { accountKeys, activityKeys } from "../sam/src/dynamo/keys.ts";
import { socialKeys } from "../sam/src/dynamo/social-table.ts";

const USERS = Number(process.env.BENCH_USERS ?? 2_000);
const DAYS = Number(process.env.BENCH_DAYS ?? 30);
const COLD = Number(process.env.BENCH_COLD ?? 5);
const CACHED = Number(process.env.BENCH_CACHED ?? 30);
const ZONES = ["UTC", "Asia/Tokyo", "America/New_York", "Europe/Berlin", "Asia/Kolkata"];
const CALLER = "leaderboard-bench";
const KEY = `waka_${crypto.randomUUID()}`;

interface Day {
  day: string;
  coding: number;
}
interface BenchUser {
  id: string;
  username: string;
  zone: string;
  leaderboards: boolean;
  languages: boolean;
  days: Day[];
}

const utcDay = (k: number) => new Date(Date.now() - k * 86_400_000).toISOString().slice(0, 10);
const totalsOf = (coding: number) => ({
  project: { kodo: coding + 600 },
  language: { TypeScript: coding * 0.6, Python: coding * 0.4 + 600 },
  editor: { "VS Code": coding + 600 },
  operatingSystem: { Linux: coding + 600 },
  machine: { box: coding + 600 },
  branch: { main: coding + 600 },
  category: { coding, browsing: 600 },
});

function generate(): BenchUser[] {
  const random = rng(14);
  const users: BenchUser[] = [];
  for (let i = 1; i <= USERS; i++) {
    const days = Array.from({ length: DAYS }, (_, k) => ({ day: utcDay(k), coding: i % 997 === 0 ? 72_000 : Math.floor(random() * 20_000) }));
    users.push({ id: `bench-${i}`, username: `bench${i}`, zone: ZONES[i % ZONES.length]!, leaderboards: i % 10 !== 0, languages: i % 3 !== 0, days });
  }
  return users;
}

const sql = (s: string) => `'${s.replace(/'/g, "''")}'`;

async function seedD1(persistTo: string, users: BenchUser[], callerDays: Day[]): Promise<void> {
  await applyMigrations(persistTo);
  await ensureUser(persistTo, { username: CALLER, key: KEY });
  const lines: string[] = [];
  const chunked = <T>(items: T[], n: number, f: (part: T[]) => string) => {
    for (let i = 0; i < items.length; i += n) lines.push(f(items.slice(i, i + n)));
  };
  chunked(users, 500, (p) => `INSERT INTO users (id, username, display_name) VALUES ${p.map((u) => `(${sql(u.id)}, ${sql(u.username)}, ${sql(u.username)})`).join(", ")};`);
  chunked(users, 500, (p) => `INSERT INTO user_settings (user_id, time_zone) VALUES ${p.map((u) => `(${sql(u.id)}, ${sql(u.zone)})`).join(", ")};`);
  chunked(users, 500, (p) => `INSERT INTO user_sharing (user_id, leaderboards, languages) VALUES ${p.map((u) => `(${sql(u.id)}, ${+u.leaderboards}, ${+u.languages})`).join(", ")};`);
  lines.push(`INSERT INTO user_sharing (user_id, leaderboards, languages) SELECT id, 1, 1 FROM users WHERE username = ${sql(CALLER)};`);
  const rows = [
    ...users.flatMap((u) => u.days.map((d) => ({ id: sql(u.id), ...d }))),
    ...callerDays.map((d) => ({ id: `(SELECT id FROM users WHERE username = ${sql(CALLER)})`, ...d })),
  ];
  chunked(rows, 200, (p) =>
    `INSERT INTO daily_activity (user_id, day, total_seconds, coding_seconds, totals, sessions, updated_at) VALUES ${p
      .map((r) => `(${r.id}, ${sql(r.day)}, ${r.coding + 600}, ${r.coding}, ${sql(JSON.stringify(totalsOf(r.coding)))}, '[]', strftime('%Y-%m-%dT%H:%M:%fZ', 'now'))`)
      .join(", ")};`,
  );
  const file = path.join(persistTo, "seed.sql");
  await writeFile(file, lines.join("\n"));
  const node = path.join(ROOT, "node_modules", ".bin", "node");
  const wrangler = path.join(ROOT, "node_modules", ".bin", "wrangler");
  await promisify(execFile)(node, [wrangler, "d1", "execute", "kodo", "--local", "--persist-to", persistTo, "--file", file, "--yes"], {
    cwd: ROOT,
    env: QUIET_ENV,
    maxBuffer: 64 * 1024 * 1024,
  });
}

async function seedDynamo(endpoint: string, users: BenchUser[], callerDays: Day[]): Promise<void> {
  const client = localClient(endpoint);
  await createTablesFromTemplate(client, loadTemplate());
  client.destroy();
  const doc = documentClient({ endpoint });
  const caller = await dynamoAccounts(doc, "AccountsTable").ensureUserWithKey({ username: CALLER, keyHash: createHash("sha256").update(KEY).digest("hex"), label: "bench", timeZone: "UTC" });
  const all = [...users, { id: caller.id, username: CALLER, zone: "UTC", leaderboards: true, languages: true, days: callerDays }];
  const now = new Date().toISOString();
  const accounts: { put: Record<string, unknown> }[] = [];
  const activity: { put: Record<string, unknown> }[] = [];
  const social: { put: Record<string, unknown> }[] = [];
  for (const u of all) {
    const settings = `${u.zone}|15`;
    if (u.id !== caller.id) {
      accounts.push({ put: { ...accountKeys.profile(u.id), id: u.id, username: u.username, displayName: u.username, email: null, timeZone: u.zone, keystrokeTimeoutMinutes: 15, createdAt: now } });
      accounts.push({ put: { ...accountKeys.username(u.username), userId: u.id } });
    }
    activity.push({ put: { ...activityKeys.head(u.id), settings } });
    for (const d of u.days) {
      activity.push({
        put: { ...activityKeys.day(u.id, d.day), day: d.day, dv: 1, cv: 1, settings, totals: gzipSync(JSON.stringify([d.coding + 600, totalsOf(d.coding)])), data: gzipSync("[]"), updatedAt: now },
      });
    }
    const sharing = { publicProfile: false, leaderboards: u.leaderboards, projects: "hidden", languages: u.languages, editors: true, operatingSystems: true, machines: false, historyDays: 365, gen: 1 };
    social.push({ put: { ...socialKeys.sharing(u.id), ...sharing } });
    if (u.leaderboards) social.push({ put: { ...socialKeys.boardMember(u.id), userId: u.id, username: u.username, displayName: u.username, timeZone: u.zone, languages: u.languages } });
  }
  social.push({ put: { ...socialKeys.boardVersion, v: 1 } });
  await Promise.all([batchWrite(doc, "AccountsTable", accounts), batchWrite(doc, "ActivityTable", activity), batchWrite(doc, "SocialTable", social)]);
  doc.destroy();
}

const users = generate();
const callerDays = Array.from({ length: DAYS }, (_, k) => ({ day: utcDay(k), coding: 3600 }));
const persistTo = await mkdtemp(path.join(os.tmpdir(), "kodo-leaderboard-aws-"));
const scratch = await mkdtemp(path.join(os.tmpdir(), "kodo-leaderboard-aws-sam-"));
let cf: Awaited<ReturnType<typeof startBenchRuntime>> | undefined;
let dynamo: Awaited<ReturnType<typeof startDynalite>> | undefined;
let sam: Awaited<ReturnType<typeof startLocalRunner>> | undefined;
try {
  let t = performance.now();
  dynamo = await startDynalite();
  await Promise.all([seedD1(persistTo, users, callerDays), seedDynamo(dynamo.endpoint, users, callerDays)]);
  console.log(`seeded ${USERS} users x ${DAYS} days on both platforms in ${round((performance.now() - t) / 1000, 1)} s`);
  cf = await startBenchRuntime({ persistTo });
  sam = await startLocalRunner({ port: 0, dynamoEndpoint: dynamo.endpoint, keyFile: path.join(scratch, "key"), buildDir: path.join(scratch, "build") });
  const platforms = { cloudflare: cf.url, aws: sam.url } as const;
  type Platform = keyof typeof platforms;
  const auth = { authorization: `Basic ${Buffer.from(KEY).toString("base64")}` };
  const get = async (p: Platform, pathname: string) => {
    const start = performance.now();
    const res = await fetch(`${platforms[p]}${pathname}`, { headers: auth });
    const body = (await res.json()) as any;
    const ms = performance.now() - start;
    if (res.status !== 200) throw new Error(`${p} ${pathname}: ${res.status} ${JSON.stringify(body)}`);
    return { ms, body };
  };
  const touch = async (p: Platform) => {
    const res = await fetch(`${platforms[p]}/api/kodo/sharing`, { method: "PATCH", headers: { ...auth, "content-type": "application/json" }, body: JSON.stringify({ leaderboards: true }) });
    if (res.status !== 200) throw new Error(`${p} PATCH sharing: ${res.status}`);
  };

  // Sanity: both rank the same users with the same totals.
  const firstPages: Record<string, any> = {};
  for (const p of ["cloudflare", "aws"] as const) {
    await touch(p);
    firstPages[p] = (await get(p, "/api/kodo/leaderboards?range=last_30_days")).body;
  }
  const brief = (b: any) => JSON.stringify({ total: b.total, me: b.me, top: b.data.slice(0, 10).map((e: any) => [e.user.username, e.totalSeconds, e.flagged, e.languages ?? null]) });
  if (brief(firstPages.cloudflare) !== brief(firstPages.aws)) throw new Error(`boards differ:\n cloudflare ${brief(firstPages.cloudflare)}\n aws        ${brief(firstPages.aws)}`);
  console.log(`both boards: ${firstPages.aws.total} users ranked; #1 ${firstPages.aws.data[0].user.username}; caller #${firstPages.aws.me.rank}`);

  const results: Record<string, Record<Platform, { samples: number; p50Ms: number; p90Ms: number }>> = {};
  const measure = async (name: string, pathname: string, samples: number, cold: boolean) => {
    const times: Record<Platform, number[]> = { cloudflare: [], aws: [] };
    for (const p of ["cloudflare", "aws"] as const) if (!cold) await get(p, pathname); // warm
    for (let i = 0; i < samples; i++) {
      for (const p of (i % 2 === 0 ? ["cloudflare", "aws"] : ["aws", "cloudflare"]) as Platform[]) {
        if (cold) await touch(p);
        times[p].push((await get(p, pathname)).ms);
      }
    }
    results[name] = {
      cloudflare: { samples, p50Ms: round(median(times.cloudflare), 1), p90Ms: round(percentile(times.cloudflare, 90), 1) },
      aws: { samples, p50Ms: round(median(times.aws), 1), p90Ms: round(percentile(times.aws, 90), 1) },
    };
    console.log(`${name.padEnd(16)} cloudflare p50 ${String(results[name].cloudflare.p50Ms).padStart(8)} ms   aws p50 ${String(results[name].aws.p50Ms).padStart(8)} ms   (${samples} each)`);
  };
  t = performance.now();
  await measure("global cold", "/api/kodo/leaderboards?page=3", COLD, true);
  await measure("global cached", "/api/kodo/leaderboards?page=3", CACHED, false);
  await measure("language cold", "/api/kodo/leaderboards?language=Python&range=last_30_days", COLD, true);
  await measure("language cached", "/api/kodo/leaderboards?language=Python&range=last_30_days", CACHED, false);

  const summary = { benchmark: "leaderboard-aws", users: USERS, days: DAYS, rankedUsers: firstPages.aws.total, machine: machine(), results };
  await mkdir(path.join(ROOT, "bench", "results"), { recursive: true });
  await writeFile(path.join(ROOT, "bench", "results", "leaderboard-aws.json"), `${JSON.stringify(summary, null, 2)}\n`);
  console.log(JSON.stringify(summary));
} finally {
  await sam?.close();
  await cf?.dispose();
  await dynamo?.close();
  await rm(persistTo, { recursive: true, force: true });
  await rm(scratch, { recursive: true, force: true });
}
