/**
 * bench:reads — read latency for a heavy user: a year of activity (~300 000 heartbeats, every
 * day, a heartbeat every 13-41 s while active), flushed to D1. Measures `stats/{range}` and
 * `summaries?range=` for last_7_days, last_year and all_time through the real API, next to
 * the same responses computed from the raw heartbeats (the naive design: every heartbeat a D1
 * row, every read merges its range; bench/worker/naive.ts), in interleaved rounds. The two
 * must give identical JSON, or the comparison means nothing.
 *
 * Beside each summaries endpoint, a floor (bench/worker/bench-entry.ts, `floor-read`): the
 * real stats request over the same range (same authentication, same day rows and live-day
 * call) answered with the summaries' exact bytes: what reading the days and sending this answer
 * costs on this runtime, whatever renders it.
 *
 * Targets: last_year p50 under 50 ms locally, and at least 100x faster than from raw.
 * Env: BENCH_SEED (11), BENCH_KODO_SAMPLES per endpoint (100), BENCH_RAW_SAMPLES (5).
 * Last line of output: one JSON object with the figures.
 */
import { isDeepStrictEqual } from "node:util";
import { startBenchRuntime } from "./lib/runtime.ts";
import { generateTrace, toWire } from "./lib/trace.ts";
import { basicAuth, makeUsers, postJson } from "./lib/wire.ts";
import { median, percentile, round } from "./lib/stats.ts";
import { machine } from "./lib/machine.ts";
import { report } from "./lib/report.ts";

const SEED = Number(process.env.BENCH_SEED ?? 11);
const KODO_SAMPLES = Number(process.env.BENCH_KODO_SAMPLES ?? 100);
const RAW_SAMPLES = Number(process.env.BENCH_RAW_SAMPLES ?? 5);
const RANGES = ["last_7_days", "last_year", "all_time"];
const KINDS = ["stats", "summaries"] as const;
const TEN_YEARS = String(10 * 365 * 86_400);

const today = new Date().toISOString().slice(0, 10);
const [heavy] = generateTrace({
  seed: SEED,
  users: 1,
  workingDays: 365,
  weekends: true,
  offlineUser: false,
  timeZone: "Europe/Berlin",
  intervalSeconds: [13, 41],
  sendEverySeconds: 120,
  lastDay: today,
});
// Today's trace may run past now: keep what has happened (times in the future are refused).
const now = Date.now() / 1000;
const heartbeats = heavy!.heartbeats.filter((hb) => hb.time < now - 60);

const rt = await startBenchRuntime({ vars: { FLUSH_QUIET_SECONDS: TEN_YEARS, FLUSH_MAX_DELAY_SECONDS: TEN_YEARS } });
try {
  const [user] = await makeUsers(rt.url, [{ username: "heavy", timeZone: heavy!.timeZone }]);
  const auth = { authorization: basicAuth(user!.key), "user-agent": heavy!.userAgent, "x-machine-name": heavy!.machine };
  await postJson(`${rt.url}/__bench/naive/setup`, {});

  const seedStarted = Date.now();
  for (let i = 0; i < heartbeats.length; i += 1000) {
    const body = heartbeats.slice(i, i + 1000).map(toWire);
    const [kodo] = await Promise.all([
      postJson(`${rt.url}/api/v1/users/current/heartbeats.bulk`, body, auth),
      postJson(`${rt.url}/__bench/naive/${user!.id}`, body, auth),
    ]);
    const stored = (kodo as { responses: [unknown, number][] }).responses.filter(([, s]) => s === 201).length;
    if (stored !== body.length) throw new Error(`seeding: ${stored}/${body.length} stored`);
  }
  const flushed = await postJson(`${rt.url}/__bench/flush/${user!.id}`, {});
  console.log(`seeded ${heartbeats.length} heartbeats (${flushed.daysChanged} days, ${flushed.entriesWritten} board entries flushed to D1) in ${round((Date.now() - seedStarted) / 1000, 1)} s`);

  const endpoints = RANGES.flatMap((range) =>
    KINDS.map((kind) => ({
      name: `${kind} ${range}`,
      kodo: kind === "stats" ? `/api/v1/users/current/stats/${range}` : `/api/v1/users/current/summaries?range=${range}`,
      raw: `/__bench/naive/${user!.id}/${kind}/${range}`,
      floor: kind === "summaries" ? `/__bench/floor-read/${range}` : null,
      kodoMs: [] as number[],
      rawMs: [] as number[],
      floorMs: [] as number[],
      same: null as boolean | null,
    })),
  );

  const timed = async (path: string, headers: Record<string, string> = {}) => {
    const started = performance.now();
    const res = await fetch(`${rt.url}${path}`, { headers });
    const body = await res.text();
    const ms = performance.now() - started;
    if (!res.ok) throw new Error(`GET ${path}: ${res.status} ${body.slice(0, 300)}`);
    return { ms, text: body, json: JSON.parse(body) as unknown };
  };

  // Warm up, and check that both sides answer the same.
  for (const e of endpoints) {
    const kodo = await timed(e.kodo, auth);
    const raw = await timed(e.raw);
    e.same = isDeepStrictEqual(kodo.json, raw.json);
    if (e.floor) {
      await fetch(`${rt.url}/__bench/floor-body/${e.floor.split("/").pop()}`, { method: "POST", body: kodo.text });
      const floor = await timed(e.floor, auth);
      if (floor.text !== kodo.text) throw new Error(`${e.floor}: not the same bytes as ${e.kodo}`);
    }
  }
  for (let round = 0; round < RAW_SAMPLES; round++) {
    for (const e of endpoints) {
      const perRound = Math.ceil(KODO_SAMPLES / RAW_SAMPLES);
      for (let i = 0; i < perRound; i++) {
        e.kodoMs.push((await timed(e.kodo, auth)).ms);
        if (e.floor) e.floorMs.push((await timed(e.floor, auth)).ms);
      }
      e.rawMs.push((await timed(e.raw)).ms);
    }
    process.stderr.write(`round ${round + 1}/${RAW_SAMPLES} done\n`);
  }

  const figures = Object.fromEntries(
    endpoints.map((e) => [
      e.name.replace(" ", "_"),
      {
        kodo_p50_ms: round(median(e.kodoMs), 1),
        kodo_p99_ms: round(percentile(e.kodoMs, 99), 1),
        raw_p50_ms: round(median(e.rawMs), 0),
        raw_max_ms: round(Math.max(...e.rawMs), 0),
        speedup: round(median(e.rawMs) / median(e.kodoMs), 0),
        ...(e.floor
          ? {
              floor_read_and_send_p50_ms: round(median(e.floorMs), 1),
              floor_speedup: round(median(e.rawMs) / median(e.floorMs), 0),
            }
          : {}),
        same_json: e.same,
        samples: `${e.kodoMs.length}/${e.rawMs.length}`,
      },
    ]),
  );
  console.table(figures);
  const lastYear = figures.stats_last_year!;
  report({
    bench: "reads",
    machine: machine(),
    storage: rt.storage,
    heartbeats: heartbeats.length,
    days_with_activity: flushed.daysChanged,
    figures,
    targets: {
      last_year_p50_ms: lastYear.kodo_p50_ms,
      last_year_p50_target_ms: 50,
      last_year_speedup: lastYear.speedup,
      last_year_speedup_target: 100,
      summaries_last_year_p50_ms: figures.summaries_last_year!.kodo_p50_ms,
      summaries_last_year_speedup: figures.summaries_last_year!.speedup,
      summaries_last_year_floor_p50_ms: figures.summaries_last_year!.floor_read_and_send_p50_ms,
      summaries_last_year_floor_speedup: figures.summaries_last_year!.floor_speedup,
    },
    all_same_json: endpoints.every((e) => e.same),
  });
} finally {
  await rt.dispose();
}
