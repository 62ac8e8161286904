/**
 * bench:profile — a V8 CPU profile of the worker (the app and its Durable Objects share one
 * isolate locally) under one ingest load, summarised as the functions with the most self and
 * inclusive time. Used to find where ingest time goes when a target is missed.
 *
 *   npm run bench:profile -- single|bulk25|bulk1000|stats|summaries [seconds]
 *
 * `stats` and `summaries` profile `GET .../{stats/last_year, summaries?range=last_year}` for a
 * user with a year of (lighter than bench:reads) activity flushed to D1.
 *
 * Writes the raw profile to $TMPDIR/kodo-<load>.cpuprofile (open it in Chrome DevTools).
 * Last line: JSON with the top entries.
 */
import { writeFile } from "node:fs/promises";
import os from "node:os";
import path from "node:path";
import { startBenchRuntime } from "./lib/runtime.ts";
import { runLoad } from "./lib/load.ts";
import { LoadClock, UA, basicAuth, makeUsers, postJson, type BenchUser } from "./lib/wire.ts";
import { generateTrace, toWire } from "./lib/trace.ts";
import { round } from "./lib/stats.ts";

const load = process.argv[2] ?? "bulk1000";
const seconds = Number(process.argv[3] ?? 8);
const read = load === "stats" || load === "summaries";
const batch = load === "single" || read ? 0 : Number(load.replace("bulk", ""));
if (!Number.isFinite(batch)) throw new Error(`load: single, bulk25, bulk1000, stats or summaries (got ${load})`);
const connections = load === "single" ? 16 : load === "bulk25" ? 8 : 4;

interface ProfileNode {
  id: number;
  callFrame: { functionName: string; url: string; lineNumber: number };
  children?: number[];
}
interface Profile {
  nodes: ProfileNode[];
  samples: number[];
  timeDeltas: number[];
}

const rt = await startBenchRuntime({ inspect: true });
try {
  if (!rt.inspectorUrl) throw new Error("no inspector address");
  const users = await makeUsers(rt.url, Array.from({ length: connections }, (_, i) => ({ username: `profile${i}` })));
  const clock = new LoadClock(users.length);
  let n = 0;
  let user = users[0]!;
  if (read) await seedYear(rt.url, user);
  const spec = (secs: number) => ({
    url: rt.url,
    path: read
      ? load === "stats"
        ? "/api/v1/users/current/stats/last_year"
        : "/api/v1/users/current/summaries?range=last_year"
      : batch === 0
        ? "/api/v1/users/current/heartbeats"
        : "/api/v1/users/current/heartbeats.bulk",
    method: read ? ("GET" as const) : ("POST" as const),
    connections: read ? 1 : connections,
    seconds: secs,
    headers: { "user-agent": UA },
    body: read
      ? undefined
      : () => {
          const i = n++ % users.length;
          user = users[i]!;
          return clock.body(i, batch);
        },
    authorization: () => basicAuth(user.key),
    heartbeatsPerRequest: Math.max(1, batch),
    workerdPids: rt.workerdPids,
  });
  await runLoad(spec(2)); // warm-up

  const devtools = await connect(rt.inspectorUrl);
  await devtools.send("Profiler.enable");
  await devtools.send("Profiler.setSamplingInterval", { interval: 200 });
  await devtools.send("Profiler.start");
  const result = await runLoad(spec(seconds));
  const { profile } = (await devtools.send("Profiler.stop")) as { profile: Profile };
  devtools.close();

  const file = path.join(os.tmpdir(), `kodo-${load}.cpuprofile`);
  await writeFile(file, JSON.stringify(profile));
  const summary = summarise(profile);
  console.log(`${load}: ${round(result.heartbeatsPerSecond, 0)} heartbeats/s while profiling; profile in ${file}`);
  console.log("\nSelf time (ms, share of sampled time):");
  console.table(summary.self.slice(0, 25));
  console.log("Inclusive time:");
  console.table(summary.inclusive.slice(0, 40));
  console.log(JSON.stringify({ bench: "profile", load, heartbeats_per_s: round(result.heartbeatsPerSecond, 0), self: summary.self.slice(0, 15), inclusive: summary.inclusive.slice(0, 25) }));
} finally {
  await rt.dispose();
}

/** A year of activity (every day, a heartbeat every 1-4 min while active), flushed to D1. */
async function seedYear(url: string, user: BenchUser) {
  const [trace] = generateTrace({ seed: 3, users: 1, workingDays: 365, weekends: true, offlineUser: false, intervalSeconds: [60, 240], sendEverySeconds: 120, lastDay: new Date().toISOString().slice(0, 10) });
  const beats = trace!.heartbeats.filter((hb) => hb.time < Date.now() / 1000 - 60).map(toWire);
  for (let i = 0; i < beats.length; i += 1000) await postJson(`${url}/api/v1/users/current/heartbeats.bulk`, beats.slice(i, i + 1000), { authorization: basicAuth(user.key) });
  await postJson(`${url}/__bench/flush/${user.id}`, {});
}

/** Self and inclusive time per function (a function counted once per sample however deep). */
function summarise(profile: Profile) {
  const byId = new Map(profile.nodes.map((n) => [n.id, n]));
  const parent = new Map<number, number>();
  for (const n of profile.nodes) for (const c of n.children ?? []) parent.set(c, n.id);
  const keyOf = (n: ProfileNode) => {
    const f = n.callFrame;
    const file = f.url ? path.basename(f.url.split("?")[0]!) : "";
    return `${f.functionName || "(anonymous)"} ${file}${file ? `:${f.lineNumber + 1}` : ""}`.trim();
  };
  const self = new Map<string, number>();
  const inclusive = new Map<string, number>();
  let total = 0;
  // A sample stands for the time until the next one (as DevTools counts it): timeDeltas[i] is
  // the time since the previous sample, which after a pause would credit the wrong frame.
  profile.samples.forEach((id, i) => {
    const ms = (profile.timeDeltas[i + 1] ?? 0) / 1000;
    const node = byId.get(id)!;
    const k = keyOf(node);
    total += ms;
    self.set(k, (self.get(k) ?? 0) + ms);
    const seen = new Set<string>();
    for (let cur: number | undefined = id; cur !== undefined; cur = parent.get(cur)) {
      const key = keyOf(byId.get(cur)!);
      if (seen.has(key)) continue;
      seen.add(key);
      inclusive.set(key, (inclusive.get(key) ?? 0) + ms);
    }
  });
  const rows = (m: Map<string, number>) =>
    [...m.entries()]
      .sort((a, b) => b[1] - a[1])
      .map(([fn, ms]) => ({ fn: fn.slice(0, 90), ms: round(ms, 0), share: round(ms / total, 3) }));
  return { self: rows(self), inclusive: rows(inclusive).filter((r) => !r.fn.startsWith("(root)")) };
}

async function connect(url: string) {
  // wrangler's inspector proxy wants an Origin it knows (DevTools on localhost).
  const ws = new WebSocket(url, { headers: { origin: "http://127.0.0.1" } } as unknown as string[]);
  await new Promise((resolve, reject) => {
    ws.onopen = resolve;
    ws.onerror = reject;
  });
  let nextId = 0;
  const pending = new Map<number, (value: unknown) => void>();
  ws.onmessage = (event) => {
    const msg = JSON.parse(String(event.data)) as { id?: number; result?: unknown; error?: unknown };
    if (msg.id === undefined) return;
    const resolve = pending.get(msg.id);
    pending.delete(msg.id);
    resolve?.(msg.error ? Promise.reject(new Error(JSON.stringify(msg.error))) : msg.result);
  };
  return {
    send(method: string, params: Record<string, unknown> = {}) {
      const id = ++nextId;
      ws.send(JSON.stringify({ id, method, params }));
      return new Promise((resolve) => pending.set(id, resolve));
    },
    close: () => ws.close(),
  };
}
