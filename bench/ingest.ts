/**
 * bench:ingest — heartbeat ingest throughput and latency on workerd, side by side with a bare
 * Hono route returning 204 on the same worker, in interleaved rounds (medians quoted).
 *
 *  - single heartbeats (POST users/current/heartbeats, one object) at 1, 16 and 64 connections,
 *    one user per connection; target: Kodo/bare req/s ratio >= 0.5. Beside them, two floors
 *    on the same runtime: a call to the caller's Durable Object that does nothing, and one that
 *    durably inserts a single row (what storing anything in a per-user object costs at least);
 *  - bulk (POST users/current/heartbeats.bulk) with 25-item batches (8 connections) and
 *    1000-item batches at 2, 4 and 8 connections (one user each), next to the bare route
 *    receiving the same bodies; target: >= 50 000 heartbeats/s with 1000-item batches, quoted
 *    at the best of the three concurrencies (all three are printed and kept);
 *  - workerd CPU per heartbeat, from /proc (user + system time of the workerd processes around
 *    each run): local workerd exposes no per-request CPU accounting.
 *
 * Env: BENCH_SECONDS (per run, default 5), BENCH_ROUNDS (default 3).
 * Last line of output: one JSON object with the figures.
 */
import { startBenchRuntime } from "./lib/runtime.ts";
import { runLoad, type LoadResult } from "./lib/load.ts";
import { LoadClock, UA, basicAuth, makeUsers, type BenchUser } from "./lib/wire.ts";
import { median, round } from "./lib/stats.ts";
import { machine } from "./lib/machine.ts";
import { report } from "./lib/report.ts";

const SECONDS = Number(process.env.BENCH_SECONDS ?? 5);
const ROUNDS = Number(process.env.BENCH_ROUNDS ?? 3);
const CONCURRENCY = [1, 16, 64];
const BULK = [
  { size: 25, connections: 8 },
  { size: 1000, connections: 2 },
  { size: 1000, connections: 4 },
  { size: 1000, connections: 8 },
];
const bulkLabel = (b: { size: number; connections: number }) => `batch${b.size}_c${b.connections}`;
const SINGLE_PATH = "/api/v1/users/current/heartbeats";
const BULK_PATH = "/api/v1/users/current/heartbeats.bulk";

const rt = await startBenchRuntime();
try {
  const users = await makeUsers(rt.url, Array.from({ length: 64 }, (_, i) => ({ username: `ingest${i}` })));
  // Kodo's requests draw unique times from their own clock; the yardstick routes (which store
  // nothing) get theirs, or their bodies would use up a year of heartbeat times in one run
  // and push Kodo's later ones into the future (refused).
  const clock = new LoadClock(users.length);
  const yardstickClock = new LoadClock(users.length);

  /** Round-robin over the first `n` users: the key goes in the body's request headers. */
  const roundRobin = (n: number) => {
    let i = 0;
    return () => users[i++ % n]!;
  };

  // Per-request headers must vary (one key per user); autocannon takes them from the request
  // object that setupRequest returns, so the body builder sets both.
  type Kind = "kodo" | "bare" | "rpc" | "insert";
  async function run(kind: Kind, connections: number, batch: number, seconds = SECONDS): Promise<LoadResult> {
    const next = roundRobin(connections);
    let current: BenchUser = users[0]!;
    const path = kind === "bare" ? "/__bench/bare" : kind === "rpc" || kind === "insert" ? `/__bench/floor/${kind}` : batch === 0 ? SINGLE_PATH : BULK_PATH;
    return runLoad({
      url: rt.url,
      path,
      connections,
      seconds,
      headers: { "user-agent": UA },
      body: () => {
        current = next();
        return (kind === "kodo" ? clock : yardstickClock).body(users.indexOf(current), batch);
      },
      authorization: () => basicAuth(current.key),
      heartbeatsPerRequest: kind === "kodo" ? Math.max(1, batch) : 0,
      check: kind === "kodo" ? (status, body) => checkKodo(status, body, batch) : undefined,
      workerdPids: rt.workerdPids,
    });
  }

  // Warm up both routes (JIT, SQLite pages, DO instances) before measuring.
  await run("bare", 16, 0, 2);
  await run("rpc", 16, 0, 2);
  await run("insert", 16, 0, 2);
  await run("kodo", 16, 0, 2);
  await run("kodo", 4, 1000, 2);

  const single = new Map<number, Record<Kind, LoadResult[]>>(CONCURRENCY.map((c) => [c, { kodo: [], bare: [], rpc: [], insert: [] }]));
  const bulk = new Map<string, { kodo: LoadResult[]; bare: LoadResult[] }>(BULK.map((b) => [bulkLabel(b), { kodo: [], bare: [] }]));
  for (let round = 0; round < ROUNDS; round++) {
    // Alternate which goes first, so drift (other load on the machine, a growing log) hits both.
    const order: ("kodo" | "bare")[] = round % 2 === 0 ? ["bare", "kodo"] : ["kodo", "bare"];
    const singleOrder: Kind[] = round % 2 === 0 ? ["bare", "rpc", "insert", "kodo"] : ["kodo", "insert", "rpc", "bare"];
    for (const c of CONCURRENCY) for (const kind of singleOrder) single.get(c)![kind].push(await run(kind, c, 0));
    for (const b of BULK) for (const kind of order) bulk.get(bulkLabel(b))![kind].push(await run(kind, b.connections, b.size));
    process.stderr.write(`round ${round + 1}/${ROUNDS} done\n`);
  }

  const problems = [...[...single.values()].flatMap((r) => Object.values(r).flat()), ...[...bulk.values()].flatMap((r) => [...r.kodo, ...r.bare])].flatMap((x) => x.problems);
  const med = (rs: LoadResult[], f: (r: LoadResult) => number) => median(rs.map(f));

  const singleFigures = Object.fromEntries(
    CONCURRENCY.map((c) => {
      const { kodo, bare, rpc, insert } = single.get(c)!;
      const ratios = kodo.map((k, i) => k.requestsPerSecond / bare[i]!.requestsPerSecond);
      const ratioOf = (rs: LoadResult[]) => round(median(rs.map((r, i) => r.requestsPerSecond / bare[i]!.requestsPerSecond)), 3);
      return [
        `c${c}`,
        {
          kodo_req_per_s: round(med(kodo, (r) => r.requestsPerSecond), 0),
          bare_req_per_s: round(med(bare, (r) => r.requestsPerSecond), 0),
          ratio: round(median(ratios), 3),
          floor_noop_call_ratio: ratioOf(rpc),
          floor_one_row_insert_ratio: ratioOf(insert),
          kodo_vs_insert_floor: round(median(kodo.map((k, i) => k.requestsPerSecond / insert[i]!.requestsPerSecond)), 3),
          kodo_p50_ms: med(kodo, (r) => r.p50Ms),
          kodo_p99_ms: med(kodo, (r) => r.p99Ms),
          bare_p50_ms: med(bare, (r) => r.p50Ms),
          bare_p99_ms: med(bare, (r) => r.p99Ms),
          workerd_cpu_ms_per_heartbeat: round(med(kodo, (r) => r.workerdCpuMsPerRequest), 3),
          bare_workerd_cpu_ms_per_request: round(med(bare, (r) => r.workerdCpuMsPerRequest), 3),
          client_cpu_cores: round(med(kodo, (r) => r.clientCpuCores), 2),
        },
      ];
    }),
  );
  const bulkFigures = Object.fromEntries(
    BULK.map(({ size, connections }) => {
      const { kodo, bare } = bulk.get(bulkLabel({ size, connections }))!;
      return [
        bulkLabel({ size, connections }),
        {
          connections,
          heartbeats_per_s: round(med(kodo, (r) => r.heartbeatsPerSecond), 0),
          req_per_s: round(med(kodo, (r) => r.requestsPerSecond), 1),
          p50_ms: med(kodo, (r) => r.p50Ms),
          p99_ms: med(kodo, (r) => r.p99Ms),
          bare_same_body_req_per_s: round(med(bare, (r) => r.requestsPerSecond), 1),
          workerd_cpu_ms_per_heartbeat: round(med(kodo, (r) => r.workerdCpuMsPerRequest) / size, 4),
          client_cpu_cores: round(med(kodo, (r) => r.clientCpuCores), 2),
        },
      ];
    }),
  );

  console.log("\nSingle heartbeats (median of %d interleaved %ds runs)", ROUNDS, SECONDS);
  console.table(singleFigures);
  console.log("Bulk ingest");
  console.table(bulkFigures);
  if (problems.length) console.log("Problems:", problems);

  const ratioC16 = singleFigures.c16!.ratio;
  const bulk1000 = BULK.filter((b) => b.size === 1000)
    .map((b) => ({ connections: b.connections, heartbeats_per_s: bulkFigures[bulkLabel(b)]!.heartbeats_per_s }))
    .reduce((best, x) => (x.heartbeats_per_s > best.heartbeats_per_s ? x : best));
  report({
    bench: "ingest",
    machine: machine(),
    storage: rt.storage,
    seconds_per_run: SECONDS,
    rounds: ROUNDS,
    single: singleFigures,
    bulk: bulkFigures,
    cpu_source: "/proc/<workerd>/stat utime+stime around each run (local workerd has no per-request CPU accounting)",
    targets: {
      ratio_min_over_concurrency: Math.min(...CONCURRENCY.map((c) => singleFigures[`c${c}`]!.ratio)),
      ratio_target: 0.5,
      ratio_c16: ratioC16,
      bulk1000_heartbeats_per_s: bulk1000.heartbeats_per_s,
      bulk1000_best_connections: bulk1000.connections,
      bulk1000_target: 50_000,
    },
    problems: problems.length,
  });
} finally {
  await rt.dispose();
}

/** Every item must be stored (201): a duplicate or a rejection would skip the write path. */
function checkKodo(status: number, body: string, batch: number): string | null {
  if (batch === 0) return status === 201 ? null : `single: ${status} ${body.slice(0, 200)}`;
  if (status !== 201) return `bulk: ${status} ${body.slice(0, 200)}`;
  let created = 0;
  for (let at = body.indexOf(",201]"); at !== -1; at = body.indexOf(",201]", at + 5)) created++;
  return created === batch ? null : `bulk: ${created}/${batch} items created: ${body.slice(0, 300)}`;
}
