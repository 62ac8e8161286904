/**
 * bench:writes — D1 write amplification. Replays a realistic trace (20 users x 30 working
 * days, a heartbeat every 30-120 s while active, 3-8 projects, several languages, breaks,
 * midnight crossings, one user syncing a week late) through the real ingest route, flushing
 * each user's Durable Object whenever the flush policy would (simulated clock, see
 * lib/flush-sim.ts), and reports D1 rows written per heartbeat from D1's own result meta: the
 * flushes' rows plus any row the request path wrote. Next to it, on the same heartbeats in the
 * same batches, the naive design: one INSERT per heartbeat into a D1 table.
 *
 * The policy is the one wrangler.toml configures (FLUSH_QUIET_SECONDS, FLUSH_MAX_DELAY_SECONDS);
 * a lazier policy is replayed too, and "flush after every send" (no debounce: the worst case)
 * on a sample of users and days. Real alarms are pushed out of the way (the
 * runtime gets a 10-year delay) so only the simulated clock flushes.
 *
 * Env: BENCH_SEED (default 7), BENCH_USERS (20), BENCH_DAYS (30), BENCH_SEND_EVERY (120 s),
 * BENCH_EVERY_SEND_USERS (2), BENCH_EVERY_SEND_DAYS (5). Last line of output: one JSON object with the figures.
 */
import type { FlushPolicy } from "../core/src/sessions/flush-policy.ts";
import { startBenchRuntime } from "./lib/runtime.ts";
import { generateTrace, type TraceUser } from "./lib/trace.ts";
import { replayTrace } from "./lib/replay.ts";
import { basicAuth, getJson, makeUsers, postJson, type BenchUser } from "./lib/wire.ts";
import { round } from "./lib/stats.ts";
import { machine } from "./lib/machine.ts";
import { report } from "./lib/report.ts";
import { configuredPolicy } from "./lib/flush-policy.ts";
import { isDeepStrictEqual } from "node:util";

const SEED = Number(process.env.BENCH_SEED ?? 7);
const USERS = Number(process.env.BENCH_USERS ?? 20);
const DAYS = Number(process.env.BENCH_DAYS ?? 30);
const SEND_EVERY_SECONDS = Number(process.env.BENCH_SEND_EVERY ?? 120);
const EVERY_SEND_USERS = Number(process.env.BENCH_EVERY_SEND_USERS ?? 2);
const EVERY_SEND_DAYS = Number(process.env.BENCH_EVERY_SEND_DAYS ?? 5);
const PARALLEL_USERS = 4;
const TEN_YEARS = String(10 * 365 * 86_400);

const configured = configuredPolicy();
const yesterday = new Date(Date.now() - 86_400_000).toISOString().slice(0, 10);
const traceOf = (users: number, workingDays: number) =>
  generateTrace({ seed: SEED, users, workingDays, intervalSeconds: [30, 120], sendEverySeconds: SEND_EVERY_SECONDS, lastDay: yesterday });
const trace = traceOf(USERS, DAYS);
// Flushing after every send costs a flush per request: replayed on a sample (same generator).
const everySendTrace = traceOf(EVERY_SEND_USERS, EVERY_SEND_DAYS);
const policies: { name: string; policy: FlushPolicy; trace: TraceUser[] }[] = [
  { name: "configured", policy: configured, trace },
  { name: "lazy", policy: { quietSeconds: 1800, maxDelaySeconds: 7200, minIntervalSeconds: 0 }, trace },
  { name: "every_send", policy: { quietSeconds: 0, maxDelaySeconds: 0, minIntervalSeconds: 0 }, trace: everySendTrace },
];

const traceHeartbeats = trace.reduce((n, u) => n + u.heartbeats.length, 0);
const midnightCrossings = trace.reduce((n, u) => n + countMidnightCrossings(u), 0);
console.log(
  `trace: ${trace.length} users, ${DAYS} working days each, ${traceHeartbeats} heartbeats, ` +
    `${midnightCrossings} heartbeat gaps across local midnight, offline user: ${trace.find((u) => u.offline)?.username}`,
);

// Rows are counted, not timed: state in memory keeps the replay quick.
const rt = await startBenchRuntime({ storage: "memory", vars: { FLUSH_QUIET_SECONDS: TEN_YEARS, FLUSH_MAX_DELAY_SECONDS: TEN_YEARS } });
try {
  await postJson(`${rt.url}/__bench/naive/setup`, {});
  const results: Record<string, PolicyResult> = {};
  let naive: { heartbeats: number; rowsWritten: number } | null = null;
  let sameResult: boolean | null = null;
  for (const p of policies) {
    const started = Date.now();
    const users = p.trace;
    const accounts = await makeUsers(rt.url, users.map((u) => ({ username: `${p.name}-${u.username}`, timeZone: u.timeZone })));
    const withNaive = p.name === "configured";
    const r = await replay(users, accounts, p.policy, withNaive);
    results[p.name] = r.result;
    if (withNaive) {
      naive = r.naive;
      sameResult = await compareWithRaw(accounts.slice(0, 3));
    }
    console.log(
      `${p.name.padEnd(10)} quiet ${p.policy.quietSeconds}s max ${p.policy.maxDelaySeconds}s: ` +
        `${r.result.d1_rows_written_per_heartbeat} D1 rows/heartbeat (${r.result.flushes} flushes, ${r.result.days_changed} days changed, ${r.result.board_entries_written} board entries, ` +
        `${r.result.heartbeats} heartbeats, ${users.length} users) in ${round((Date.now() - started) / 1000, 1)} s`,
    );
  }
  if (!naive) throw new Error("the naive baseline did not run");
  const naivePerHeartbeat = round(naive.rowsWritten / naive.heartbeats, 3);
  console.log(`naive     one INSERT per heartbeat: ${naivePerHeartbeat} D1 rows/heartbeat (${naive.rowsWritten} rows, ${naive.heartbeats} heartbeats)`);
  const main = results.configured!;
  report({
    bench: "writes",
    machine: machine(),
    storage: rt.storage,
    d1_rows_written_per_heartbeat: main.d1_rows_written_per_heartbeat,
    naive_rows_written_per_heartbeat: naivePerHeartbeat,
    reduction_vs_naive: round(naivePerHeartbeat / main.d1_rows_written_per_heartbeat, 1),
    target_max: 0.1,
    policy: configured,
    policies: Object.fromEntries(policies.map((p) => [p.name, { ...p.policy, users: p.trace.length, ...results[p.name] }])),
    trace: { seed: SEED, users: USERS, working_days: DAYS, heartbeats: traceHeartbeats, send_every_seconds: SEND_EVERY_SECONDS, midnight_gaps: midnightCrossings },
    kodo_stats_equal_raw_computation: sameResult,
  });
} finally {
  await rt.dispose();
}

interface PolicyResult {
  heartbeats: number;
  plugin_sends: number;
  flushes: number;
  days_changed: number;
  board_entries_written: number;
  flush_rows_written: number;
  request_path_rows_written: number;
  d1_rows_written_per_heartbeat: number;
}

async function replay(users: TraceUser[], accounts: BenchUser[], policy: FlushPolicy, withNaive: boolean) {
  const before = await getJson(`${rt.url}/__bench/d1-writes`);
  const totals = { heartbeats: 0, sends: 0, flushes: 0, days: 0, entries: 0, rows: 0 };
  const naive = { heartbeats: 0, rowsWritten: 0 };
  totals.heartbeats = await replayTrace(rt.url, users, accounts, policy, {
    batch: withNaive
      ? async (account, body, headers) => {
          const n: { heartbeats: number; rowsWritten: number } = await postJson(`${rt.url}/__bench/naive/${account.id}`, body, headers);
          naive.heartbeats += n.heartbeats;
          naive.rowsWritten += n.rowsWritten;
        }
      : undefined,
    flushed(flushed, segment) {
      totals.sends += segment.sends;
      totals.flushes += 1;
      totals.days += flushed.daysChanged ?? 0;
      totals.entries += flushed.entriesWritten ?? 0;
      totals.rows += flushed.rowsWritten;
    },
  }, PARALLEL_USERS);
  const after = await getJson(`${rt.url}/__bench/d1-writes`);
  const requestPathRows = after.rowsWritten - before.rowsWritten;
  const result: PolicyResult = {
    heartbeats: totals.heartbeats,
    plugin_sends: totals.sends,
    flushes: totals.flushes,
    days_changed: totals.days,
    board_entries_written: totals.entries,
    flush_rows_written: totals.rows,
    request_path_rows_written: requestPathRows,
    d1_rows_written_per_heartbeat: round((totals.rows + requestPathRows) / totals.heartbeats, 4),
  };
  return { result, naive };
}

/** Kodo's stats (from D1's day rows) must equal the same stats computed from the raw rows. */
async function compareWithRaw(accounts: BenchUser[]): Promise<boolean> {
  for (const a of accounts) {
    const kodo = await getJson(`${rt.url}/api/v1/users/current/stats/all_time`, { authorization: basicAuth(a.key) });
    const raw = await getJson(`${rt.url}/__bench/naive/${a.id}/stats/all_time`);
    if (!isDeepStrictEqual(kodo, raw)) {
      console.log(`stats differ for ${a.username}: kodo ${kodo.data.total_seconds} s, raw ${raw.data.total_seconds} s`);
      return false;
    }
  }
  return true;
}

/** Gaps short enough to count (15 min) that cross the user's local midnight. */
function countMidnightCrossings(user: TraceUser): number {
  let n = 0;
  const hbs = user.heartbeats;
  for (let i = 1; i < hbs.length; i++) {
    const gap = hbs[i]!.time - hbs[i - 1]!.time;
    if (gap > 0 && gap <= 900 && localDay(hbs[i]!.time, user.timeZone) !== localDay(hbs[i - 1]!.time, user.timeZone)) n++;
  }
  return n;
}

function localDay(t: number, timeZone: string) {
  return new Date(t * 1000).toLocaleDateString("en-CA", { timeZone });
}
