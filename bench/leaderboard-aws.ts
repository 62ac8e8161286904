/**
 * bench:leaderboard-aws — every board kind on AWS at scale (issue 16): sam:local (the Lambda
 * bundle behind the local API-Gateway-like server, one container) on dynalite, reading the
 * stored standings (sam/src/dynamo/standings.ts) as AWS does. Cloudflare's boards are
 * bench:leaderboard's.
 *
 * Data (deterministic): BENCH_USERS users (default 100,000) in five time zones, 90% opted into
 * leaderboards, a third hiding languages, a day of pseudo-random coding time (TypeScript and
 * Python) for each of the last BENCH_DAYS UTC days (default 30). Two ways in:
 * - a sample (BENCH_SAMPLE users, default 300, and the caller) the real way: day items as the
 *   activity store writes them, then the drainer's refresh (refreshStanding: days read through
 *   the activity store, core's boardStanding, items, BCOUNT and BHIST counters);
 * - everyone else through a fast path: the same core `boardStanding` and the same item builder
 *   (`standingItems`, `boardDeltas`) in this process, written with BatchWriteItem, counters
 *   summed here and written once. Before timing, the bench checks that the fast path gives the
 *   drainer's items for the sample users, and that the API's total, top ten and the caller's
 *   rank equal a ranking of every generated standing computed here.
 * The caller has BENCH_FRIENDS friends (default 100, through the social port) and a team of 20
 * (the caller and the last 19 users of the sample, through the team store, each counting all
 * their projects): a team board reads each member's day items of the range, projected to their
 * `proj` (time per project, written with the day as writeDay writes it; sam/src/dynamo/project-days.ts).
 *
 * Measured, one request at a time (the scheduled drainer off, so nothing else runs):
 * - cold: `GET /api/kodo/leaderboards?...` right after a `PATCH /api/kodo/sharing` by the caller
 *   (the board version moves, so the route's page and entry caches miss);
 * - cached: the same request again;
 * for the global board (`last_7_days`, page 3), a language board (`Python`, `last_30_days`), the
 * friends board (cached per viewer under SocialStore.friendsBoardVersion, one GetItem per
 * request; the caller's sharing change moves it too, so "cold" misses) and the team board
 * (WakaTime's private leaderboard, `/api/v1/users/current/leaderboards/{team}`: cached like a
 * global page, the caller's sharing change clears the container's cache, so "cold" misses and
 * reads every member's days).
 * Env: BENCH_USERS, BENCH_DAYS, BENCH_SAMPLE, BENCH_FRIENDS, BENCH_COLD (20), BENCH_CACHED (100).
 * Writes bench/results/leaderboard-aws.json; the last line of output is the same JSON.
 */
import { createHash } from "node:crypto";
import { mkdir, mkdtemp, rm, writeFile } from "node:fs/promises";
import os from "node:os";
import path from "node:path";
import { gzipSync } from "node:zlib";
import { UpdateCommand } from "@aws-sdk/lib-dynamodb";
import type { DayActivity } from "@kodo/core";
import { resolveRange } from "@kodo/core";
import { boardStanding, MAX_PLAUSIBLE_SECONDS_PER_DAY, type LeaderboardRange } from "@kodo/core/social";
import { ROOT } from "../scripts/local-worker.mjs";
import { median, percentile, rng, round } from "./lib/stats.ts";
import { machine } from "./lib/machine.ts";
import { spawn } from "node:child_process";
import { localClient, createTablesFromTemplate } from "../sam/local/dynamo.ts";
import { startLocalRunner } from "../sam/local/runner.ts";
import { loadTemplate } from "../sam/tools/template.ts";
import { batchWrite, documentClient, queryAll, type Doc } from "../sam/src/dynamo/client.ts";
import { dynamoAccounts } from "../sam/src/dynamo/accounts.ts";
import { dynamoActivity } from "../sam/src/dynamo/activity.ts";
import { encodeProjectTimes } from "../sam/src/dynamo/days.ts";
import { accountKeys, activityKeys } from "../sam/src/dynamo/keys.ts";
import { socialKeys } from "../sam/src/dynamo/social-table.ts";
import { mapLimit } from "../sam/src/dynamo/pool.ts";
import { dynamoSocial } from "../sam/src/dynamo/social.ts";
import { dynamoTeams } from "../sam/src/dynamo/teams.ts";
import { standingReads } from "../sam/src/dynamo/standing-reads.ts";
import { RANGE_CODES, boardDeltas, drainUsers, refreshStanding, standingItemKeys, standingItems, type StandingItem } from "../sam/src/dynamo/standings.ts";

const USERS = Number(process.env.BENCH_USERS ?? 100_000);
const DAYS = Number(process.env.BENCH_DAYS ?? 30);
const SAMPLE = Math.min(USERS, Number(process.env.BENCH_SAMPLE ?? 300));
/** Friends come from the sample (they need accounts). */
const FRIENDS = Math.min(SAMPLE, Number(process.env.BENCH_FRIENDS ?? 100));
/** The caller and members from the end of the sample (they need accounts and day items). */
const TEAM = Math.min(SAMPLE + 1, 20);
const COLD = Number(process.env.BENCH_COLD ?? 20);
const CACHED = Number(process.env.BENCH_CACHED ?? 100);
const ZONES = ["UTC", "Asia/Tokyo", "America/New_York", "Europe/Berlin", "Asia/Kolkata"];
const CALLER = "leaderboard-bench";
const KEY = `waka_${crypto.randomUUID()}`;
/** BatchWriteItem calls in flight while seeding. */
const WRITERS = 8;

interface BenchUser {
  id: string;
  username: string;
  zone: string;
  leaderboards: boolean;
  languages: boolean;
  days: { day: string; coding: number }[];
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
const dayActivity = (d: { day: string; coding: number }): DayActivity => ({ day: d.day, totalSeconds: d.coding + 600, sessions: [], totals: totalsOf(d.coding) });

function generate(): BenchUser[] {
  const random = rng(14);
  const users: BenchUser[] = [];
  for (let i = 1; i <= USERS; i++) {
    const days = Array.from({ length: DAYS }, (_, k) => ({ day: utcDay(k), coding: i % 997 === 0 ? 72_000 : Math.floor(random() * 20_000) }));
    users.push({ id: `bench-${i}`, username: `bench${i}`, zone: ZONES[i % ZONES.length]!, leaderboards: i % 10 !== 0, languages: i % 3 !== 0, days });
  }
  return users;
}

const sharingOf = (u: BenchUser) => ({ publicProfile: false, leaderboards: u.leaderboards, projects: "hidden", languages: u.languages, editors: true, operatingSystems: true, machines: false, historyDays: 365, gen: 1 });

/** Writes `requests` in BatchWriteItem calls, WRITERS at a time. */
async function writeAll(doc: Doc, table: string, requests: { put: Record<string, unknown> }[]): Promise<void> {
  const groups: (typeof requests)[] = [];
  for (let i = 0; i < requests.length; i += 500) groups.push(requests.slice(i, i + 500));
  await mapLimit(groups, WRITERS, (g) => batchWrite(doc, table, g));
}

/**
 * Accounts, sharing, board membership and day items (as the stores write them) of the sample.
 * Everyone else has only their standing items (seedStandings): no board read reads a profile,
 * a sharing item or a day (the standing items carry the name and sharing).
 */
async function seedAccounts(doc: Doc, users: BenchUser[], sample: Set<string>, hasAccount?: string): Promise<void> {
  const now = new Date().toISOString();
  const accounts: { put: Record<string, unknown> }[] = [];
  const activity: { put: Record<string, unknown> }[] = [];
  const social: { put: Record<string, unknown> }[] = [];
  for (const u of users) {
    if (u.id !== hasAccount) accounts.push({ put: { ...accountKeys.profile(u.id), id: u.id, username: u.username, displayName: u.username, email: null, timeZone: u.zone, keystrokeTimeoutMinutes: 15, createdAt: now } });
    if (u.id !== hasAccount) accounts.push({ put: { ...accountKeys.username(u.username), userId: u.id } });
    social.push({ put: { ...socialKeys.sharing(u.id), ...sharingOf(u) } });
    if (u.leaderboards) social.push({ put: { ...socialKeys.boardMember(u.id), userId: u.id, username: u.username, displayName: u.username, timeZone: u.zone, languages: u.languages } });
    if (sample.has(u.id)) {
      const settings = `${u.zone}|15`;
      activity.push({ put: { ...activityKeys.head(u.id), settings } });
      for (const d of u.days) {
        // `proj`: the day's time per project (all of it in "kodo"), what a team board reads.
        const proj = encodeProjectTimes([{ project: "kodo", codingMs: d.coding * 1000, allMs: (d.coding + 600) * 1000 }]);
        activity.push({ put: { ...activityKeys.day(u.id, d.day), day: d.day, dv: 1, cv: 1, settings, totals: gzipSync(JSON.stringify([d.coding + 600, totalsOf(d.coding)])), data: gzipSync("[]"), proj, updatedAt: now } });
      }
    }
  }
  social.push({ put: { ...socialKeys.boardVersion, v: 1 } });
  await writeAll(doc, "AccountsTable", accounts);
  await writeAll(doc, "ActivityTable", activity);
  await writeAll(doc, "SocialTable", social);
}

/** The fast path: the drainer's items and counters for `users`, computed here, written in batches. */
async function seedStandings(doc: Doc, users: BenchUser[], now: number): Promise<Map<string, StandingItem>> {
  const items: { put: Record<string, unknown> }[] = [];
  const counters = new Map<string, { key: { pk: string; sk: string }; n: number }>();
  const all = new Map<string, StandingItem>();
  for (const u of users) {
    const standing = boardStanding(u.days.map(dayActivity), u.zone, now);
    for (const item of standingItems({ id: u.id, username: u.username, displayName: u.username }, u, standing, now).values()) {
      items.push({ put: item });
      all.set(`${u.id}|${item.language}`, item);
      for (const d of boardDeltas(null, item)) {
        const key = d.bucket === undefined ? standingItemKeys.count(d.range, d.language) : standingItemKeys.hist(d.range, d.language, d.bucket);
        const k = `${key.pk}|${key.sk}`;
        const c = counters.get(k) ?? { key, n: 0 };
        c.n += d.delta;
        counters.set(k, c);
      }
    }
  }
  await writeAll(doc, "SocialTable", items);
  // Counters as ADD: the sample's refreshes (before or after) add to the same items.
  await mapLimit([...counters.values()], 16, async (c) => {
    await doc.send(new UpdateCommand({ TableName: "SocialTable", Key: c.key, UpdateExpression: "ADD n :d", ExpressionAttributeValues: { ":d": c.n } }));
  });
  return all;
}

/**
 * dynalite in its own process (sam:local runs it in-process): seeding 100k users' items is
 * dynalite's CPU, and this process's own (computing standings, the HTTP server) must not share
 * its one thread.
 */
async function dynaliteProcess(): Promise<{ endpoint: string; close(): Promise<void> }> {
  const code = `import dynalite from "dynalite";
const server = dynalite({ createTableMs: 0, deleteTableMs: 0, updateTableMs: 0 });
server.listen(0, "127.0.0.1", () => console.log(server.address().port));`;
  const child = spawn(process.execPath, ["--input-type=module", "-e", code], { cwd: ROOT, stdio: ["ignore", "pipe", "inherit"] });
  const port = await new Promise<number>((resolve, reject) => {
    child.once("error", reject);
    child.once("exit", (c) => reject(new Error(`dynalite exited (${c})`)));
    child.stdout!.once("data", (d: Buffer) => resolve(Number(String(d).trim())));
  });
  return {
    endpoint: `http://127.0.0.1:${port}`,
    close: () =>
      new Promise<void>((resolve) => {
        child.removeAllListeners("exit");
        child.once("exit", () => resolve());
        child.kill();
      }),
  };
}

/** What a standing item says, without bookkeeping (version, time). */
const contentOf = (item: Record<string, unknown>) => {
  const { ver: _v, updatedAt: _u, ...rest } = item;
  // Numbers as DynamoDB returns them (decimal, not binary floating point): compared to 1e-6.
  return JSON.stringify(Object.keys(rest).sort().map((k) => [k, rest[k]]), (_k, v: unknown) => (typeof v === "number" ? Math.round(v * 1e6) / 1e6 : v));
};

const users = generate();
const scratch = await mkdtemp(path.join(os.tmpdir(), "kodo-leaderboard-aws-sam-"));
let dynamo: Awaited<ReturnType<typeof dynaliteProcess>> | undefined;
let sam: Awaited<ReturnType<typeof startLocalRunner>> | undefined;
try {
  let t = performance.now();
  dynamo = await dynaliteProcess();
  const client = localClient(dynamo.endpoint);
  await createTablesFromTemplate(client, loadTemplate());
  client.destroy();
  const doc = documentClient({ endpoint: dynamo.endpoint });
  const callerAccount = await dynamoAccounts(doc, "AccountsTable").ensureUserWithKey({ username: CALLER, keyHash: createHash("sha256").update(KEY).digest("hex"), label: "bench", timeZone: "UTC" });
  const caller: BenchUser = { id: callerAccount.id, username: CALLER, zone: "UTC", leaderboards: true, languages: true, days: Array.from({ length: DAYS }, (_, k) => ({ day: utcDay(k), coding: 3600 })) };
  const sample = new Set(users.slice(0, SAMPLE).map((u) => u.id));
  const now = Date.now() / 1000;
  // The caller's account exists (with its key); their sharing and days go in like the sample's.
  await seedAccounts(doc, [...users.slice(0, SAMPLE), caller], new Set([...sample, caller.id]), caller.id);
  console.log(`seeded the sample's accounts and days in ${round((performance.now() - t) / 1000, 1)} s`);
  const fast = await seedStandings(doc, users.slice(SAMPLE), now);
  console.log(`seeded ${USERS} users (${fast.size} standing items by the fast path) in ${round((performance.now() - t) / 1000, 1)} s`);

  // The sample and the caller the real way: the drainer's refresh from day items.
  t = performance.now();
  const deps = { doc, accountsTable: "AccountsTable", socialTable: "SocialTable", activity: dynamoActivity(doc, { table: "ActivityTable", boardTable: "SocialTable" }), now: () => now };
  const social = dynamoSocial(doc, deps);
  await mapLimit([...users.slice(0, SAMPLE), caller], 8, async (u) => {
    if (!(await refreshStanding(deps, u.id))) throw new Error(`refresh conflict for ${u.id}`);
  });
  console.log(`refreshed ${SAMPLE + 1} users through the drainer in ${round((performance.now() - t) / 1000, 1)} s`);
  // The fast path gives exactly the drainer's items.
  for (const u of users.slice(0, SAMPLE)) {
    const stored = await queryAll<StandingItem>(doc, { TableName: "SocialTable", KeyConditionExpression: "pk = :pk", ExpressionAttributeValues: { ":pk": standingItemKeys.partition(u.id) } });
    const computed = [...standingItems({ id: u.id, username: u.username, displayName: u.username }, u, boardStanding(u.days.map(dayActivity), u.zone, now), now).values()];
    if (JSON.stringify(stored.map(contentOf).sort()) !== JSON.stringify(computed.map(contentOf).sort())) throw new Error(`fast path differs from the drainer for ${u.id}:\n${stored.map(contentOf).sort().join("\n")}\n--\n${computed.map(contentOf).sort().join("\n")}`);
    for (const item of computed) fast.set(`${u.id}|${item.language}`, item);
  }
  for (const item of await queryAll<StandingItem>(doc, { TableName: "SocialTable", KeyConditionExpression: "pk = :pk", ExpressionAttributeValues: { ":pk": standingItemKeys.partition(caller.id) } })) fast.set(`${caller.id}|${item.language}`, item);
  // Friends: the caller and the first FRIENDS users, through the social port.
  for (const u of users.slice(0, FRIENDS)) {
    await social.requestFriendByName(caller.id, u.username);
    await social.acceptFriend(caller.id, u.id);
  }
  // The team: the caller (owner) and the sample's last TEAM - 1 users, all counting every project.
  const teams = dynamoTeams(doc, deps);
  const team = await teams.createTeam(caller.id, "Bench team");
  const teamMembers = [caller, ...users.slice(SAMPLE - (TEAM - 1), SAMPLE)];
  for (const u of teamMembers) {
    if (u !== caller && !(await teams.addMember(team.id, u.id, "member"))) throw new Error(`could not add ${u.id} to the team`);
    await teams.setProjects(team.id, u.id, "all");
  }

  sam = await startLocalRunner({ port: 0, dynamoEndpoint: dynamo.endpoint, keyFile: path.join(scratch, "key"), buildDir: path.join(scratch, "build"), drainEveryMs: 0 });
  const auth = { authorization: `Basic ${Buffer.from(KEY).toString("base64")}` };
  const get = async (pathname: string) => {
    const start = performance.now();
    const res = await fetch(`${sam!.url}${pathname}`, { headers: auth });
    const body = (await res.json()) as any;
    const ms = performance.now() - start;
    if (res.status !== 200) throw new Error(`${pathname}: ${res.status} ${JSON.stringify(body)}`);
    return { ms, body };
  };
  const touch = async () => {
    const res = await fetch(`${sam!.url}/api/kodo/sharing`, { method: "PATCH", headers: { ...auth, "content-type": "application/json" }, body: JSON.stringify({ leaderboards: true }) });
    if (res.status !== 200) throw new Error(`PATCH sharing: ${res.status}`);
  };

  // Sanity: the API's board equals a ranking of every generated standing computed here.
  const expected = (range: LeaderboardRange, language: string | null) => {
    const c = RANGE_CODES[range];
    return [...fast.values()]
      .filter((i) => i.language === (language ?? "") && i[`g${c}pk`] !== undefined)
      .map((i) => ({ username: i.username, seconds: Number(i[`s${c}`]) }))
      .sort((a, b) => b.seconds - a.seconds || (a.username < b.username ? -1 : 1));
  };
  const boards = {
    global: "/api/kodo/leaderboards?range=last_7_days&page=3",
    language: "/api/kodo/leaderboards?language=Python&range=last_30_days",
    friends: "/api/kodo/leaderboards?scope=friends&range=last_7_days",
    team: `/api/v1/users/current/leaderboards/${team.id}`,
  } as const;
  for (const [range, language, pathname] of [["last_7_days", null, boards.global], ["last_30_days", "Python", boards.language]] as const) {
    await touch();
    const { body } = await get(pathname);
    const want = expected(range, language);
    const offset = (body.page - 1) * 50;
    const got = body.data.slice(0, 10).map((e: any) => [e.user.username, e.totalSeconds]);
    const wantTop = want.slice(offset, offset + 10).map((e) => [e.username, Math.round(e.seconds * 100) / 100]);
    if (body.total !== want.length || JSON.stringify(got) !== JSON.stringify(wantTop)) throw new Error(`${pathname}: board differs: total ${body.total} vs ${want.length}\n ${JSON.stringify(got)}\n ${JSON.stringify(wantTop)}`);
    const rank = want.findIndex((e) => e.username === CALLER) + 1;
    if (body.me?.rank !== rank) throw new Error(`${pathname}: caller's rank ${body.me?.rank}, expected ${rank}`);
    console.log(`${pathname}: ${body.total} ranked, equal to the ranking computed here; caller #${rank}`);
  }
  const friendsBoard = (await get(boards.friends)).body;
  if (friendsBoard.total !== FRIENDS + 1) throw new Error(`friends board: ${friendsBoard.total} listed, expected ${FRIENDS + 1}`);
  console.log(`friends board: ${friendsBoard.total} listed, caller #${friendsBoard.me?.rank}`);
  // The team board equals each member's capped coding time over their own last 7 local days.
  const wantTeam = teamMembers
    .map((u) => {
      const r = resolveRange("last_7_days", now, u.zone)!;
      const seconds = u.days.filter((d) => d.day >= r.start && d.day <= r.end).reduce((a, d) => a + Math.min(d.coding, MAX_PLAUSIBLE_SECONDS_PER_DAY), 0);
      return [u.username, seconds] as const;
    })
    .filter(([, seconds]) => seconds > 0)
    .sort((a, b) => b[1] - a[1] || (a[0] < b[0] ? -1 : 1));
  const teamBoard = (await get(boards.team)).body;
  const gotTeam = teamBoard.data.map((e: any) => [e.user.username, e.running_total.total_seconds]);
  if (JSON.stringify(gotTeam) !== JSON.stringify(wantTeam)) throw new Error(`team board differs:\n ${JSON.stringify(gotTeam)}\n ${JSON.stringify(wantTeam)}`);
  console.log(`team board: ${teamBoard.data.length} members ranked, equal to the ranking computed here; caller #${teamBoard.current_user.rank}`);

  // Where a cold read's time goes: the store calls alone, in this process, median of 5.
  const reads = standingReads(doc, "SocialTable");
  const parts: Record<string, number> = {};
  const part = async (name: string, f: () => Promise<unknown>) => {
    const times: number[] = [];
    for (let i = 0; i < 5; i++) {
      const start = performance.now();
      await f();
      times.push(performance.now() - start);
    }
    parts[name] = round(median(times), 1);
  };
  const g = { range: "last_7_days" as const, language: null };
  const pageRows = (await reads.page({ ...g, offset: 100, limit: 50 })).rows;
  await part("page 3 (global)", () => reads.page({ ...g, offset: 100, limit: 50 }));
  await part("caller's rank (global)", () => reads.entry(g, caller.id));
  await part("languages of a page", () => reads.languages(pageRows.map((r) => r.user.id), "last_7_days"));
  await part("drain the caller's mark", () => drainUsers(deps, [caller.id]));
  console.log(`store calls (ms, p50 of 5): ${JSON.stringify(parts)}`);

  type Figures = { samples: number; p50Ms: number; p99Ms: number };
  const results: Record<string, Figures> = {};
  const measure = async (name: string, pathname: string, samples: number, cold: boolean) => {
    const times: number[] = [];
    if (!cold) await get(pathname); // warm
    for (let i = 0; i < samples; i++) {
      if (cold) await touch();
      times.push((await get(pathname)).ms);
    }
    results[name] = { samples, p50Ms: round(median(times), 1), p99Ms: round(percentile(times, 99), 1) };
    console.log(`${name.padEnd(18)} p50 ${String(results[name].p50Ms).padStart(8)} ms   p99 ${String(results[name].p99Ms).padStart(8)} ms   (${samples})`);
  };
  for (const [kind, pathname] of Object.entries(boards)) {
    await measure(`${kind} cold`, pathname, COLD, true);
    await measure(`${kind} cached`, pathname, CACHED, false);
  }

  const summary = { benchmark: "leaderboard-aws", users: USERS, days: DAYS, sample: SAMPLE, friends: FRIENDS, teamMembers: TEAM, rankedGlobal: expected("last_7_days", null).length, machine: machine(), storeCallsMs: parts, results };
  await mkdir(path.join(ROOT, "bench", "results"), { recursive: true });
  await writeFile(path.join(ROOT, "bench", "results", "leaderboard-aws.json"), `${JSON.stringify(summary, null, 2)}\n`);
  console.log(JSON.stringify(summary));
} finally {
  await sam?.close();
  await dynamo?.close();
  await rm(scratch, { recursive: true, force: true });
}
