/**
 * bench:budget — the worst requests an attacker with an account can send, each measured for the
 * CPU time and memory it costs the runtime. Issue 13's budget: no single request over ~200 ms
 * of worker CPU or 64 MiB of memory (Workers' isolate limit is 128 MB).
 *
 * Each case runs against the real worker build on workerd (bench/lib/runtime.ts: workerd's own
 * port, no proxy). Around every request this process reads the workerd processes' CPU seconds
 * (/proc/<pid>/stat utime+stime, 10 ms ticks) and samples their resident memory
 * (/proc/<pid>/status VmRSS) every 5 ms; a case's figures are the CPU used and the peak RSS
 * above the level before the request. A bare GET /api/health is measured in the same run as
 * the yardstick (what any request costs here).
 *
 * Cases:
 * - account_patch_chunked: PATCH /api/kodo/account with a chunked body of up to 400 MiB (the
 *   client stops sending once the server has answered);
 * - import_huge_number / import_huge_key: POST /api/kodo/account/import whose file is an object
 *   with a 50 MiB number as a value the scanner skips, or a 50 MiB object key;
 * - remote_import_huge_day: one step of a remote import from a loopback WakaTime-compatible
 *   server whose single day answers ~300 MB of heartbeats;
 * - heartbeats_big_day: GET users/current/heartbeats?date= on a day of 100 000 heartbeats
 *   (every page when the answer is paged);
 * - leaders_nul_language: GET /api/v1/leaders?language=%00 (a name that once broke a JSON path).
 *
 * Env: BENCH_BUDGET_CASES (comma-separated subset), BENCH_BUDGET_BIG_DAY (100000).
 * Last line of output: one JSON object with the figures.
 */
import http from "node:http";
import { once } from "node:events";
import { readFileSync } from "node:fs";
import { startBenchRuntime, processCpuSeconds, type BenchRuntime } from "./lib/runtime.ts";
import { basicAuth, makeUsers, postJson, heartbeatJson, UA } from "./lib/wire.ts";
import { median, round } from "./lib/stats.ts";
import { machine } from "./lib/machine.ts";
import { report } from "./lib/report.ts";
import { freePort } from "../scripts/local-worker.mjs";

const MiB = 2 ** 20;
const BIG_DAY = Number(process.env.BENCH_BUDGET_BIG_DAY ?? 100_000);
const ONLY = process.env.BENCH_BUDGET_CASES?.split(",").map((s) => s.trim());
const BUDGET = { cpu_ms: 200, memory_mib: 64 };

interface Measured {
  status: number | string;
  cpu_ms: number;
  rss_growth_mib: number;
  wall_ms: number;
  note?: string;
}

function rssBytes(pids: number[]): number {
  let total = 0;
  for (const pid of pids) {
    const m = /VmRSS:\s+(\d+) kB/.exec(readFileSync(`/proc/${pid}/status`, "utf8"));
    if (m) total += Number(m[1]) * 1024;
  }
  return total;
}

/** Runs `work` while sampling the runtime's CPU and memory; `work` answers a status and a note. */
async function measure(rt: BenchRuntime, work: () => Promise<{ status: number | string; note?: string }>): Promise<Measured> {
  await new Promise((r) => setTimeout(r, 150)); // let the previous case's GC and I/O settle
  const baseRss = rssBytes(rt.workerdPids);
  let peak = baseRss;
  const sampler = setInterval(() => {
    const now = rssBytes(rt.workerdPids);
    if (now > peak) peak = now;
  }, 5);
  const cpu0 = processCpuSeconds(rt.workerdPids);
  const t0 = performance.now();
  let result: { status: number | string; note?: string };
  try {
    result = await work();
  } catch (err) {
    result = { status: `error: ${(err as Error).message.slice(0, 120)}` };
  }
  const wall = performance.now() - t0;
  // Work the runtime does after answering (cancelling a stream, freeing) belongs to the request.
  await new Promise((r) => setTimeout(r, 50));
  clearInterval(sampler);
  const cpu = processCpuSeconds(rt.workerdPids) - cpu0;
  return { ...result, cpu_ms: round(cpu * 1000, 0), rss_growth_mib: round((peak - baseRss) / MiB, 1), wall_ms: round(wall, 0) };
}

/** Sends `totalBytes` of `prefix` + filler as a chunked body; stops when the server answers. */
function chunkedRequest(url: string, method: string, headers: Record<string, string>, prefix: string, filler: string, totalBytes: number): Promise<{ status: number | string; note?: string }> {
  return new Promise((resolve) => {
    const u = new URL(url);
    let sent = 0;
    let answered = false;
    const req = http.request({ host: u.hostname, port: u.port, path: u.pathname + u.search, method, headers: { ...headers, "transfer-encoding": "chunked" } }, (res) => {
      answered = true;
      const parts: Buffer[] = [];
      res.on("data", (d: Buffer) => parts.push(d));
      res.on("end", () => {
        resolve({ status: res.statusCode ?? 0, note: `${Buffer.concat(parts).toString("utf8").slice(0, 140)} (sent ${round(sent / MiB, 1)} MiB)` });
        req.destroy();
      });
    });
    req.on("error", (err) => {
      if (!answered) resolve({ status: `closed: ${err.message}`, note: `sent ${round(sent / MiB, 1)} MiB` });
    });
    const chunk = Buffer.from(filler.repeat(Math.ceil(MiB / filler.length)).slice(0, MiB));
    const pump = () => {
      if (sent === 0) {
        req.write(prefix);
        sent += prefix.length;
      }
      while (!answered && sent < totalBytes) {
        sent += chunk.length;
        if (!req.write(chunk)) return void req.once("drain", pump);
      }
      if (!answered) req.end();
    };
    pump();
  });
}

/** A WakaTime-compatible server on loopback with one day whose heartbeats answer ~`dayBytes`. */
async function startHugeDayServer(key: string, day: string, dayBytes: number) {
  const port = await freePort();
  const requests: string[] = [];
  const server = http.createServer(async (req, res) => {
    const url = new URL(req.url ?? "/", "http://x");
    requests.push(url.pathname + url.search);
    if (req.headers.authorization !== basicAuth(key)) return res.writeHead(401).end();
    res.writeHead(200, { "content-type": "application/json" });
    switch (url.pathname) {
      case "/api/v1/users/current/all_time_since_today":
        return res.end(JSON.stringify({ data: { total_seconds: 3600, range: { start_date: day, end_date: day, timezone: "UTC" } } }));
      case "/api/v1/users/current/user_agents":
      case "/api/v1/users/current/machine_names":
        return res.end(JSON.stringify({ data: [] }));
      case "/api/v1/users/current/heartbeats": {
        const start = Date.parse(`${day}T00:00:00Z`) / 1000;
        res.write('{"data":[');
        let written = 0;
        for (let n = 0; written < dayBytes && !res.destroyed; n++) {
          const hb = (n > 0 ? "," : "") + heartbeatJson(start + (n % 86_000) + n / 1e6, n);
          written += hb.length;
          if (!res.write(hb)) await once(res, "drain").catch(() => undefined);
        }
        return res.end(`],"start":"${day}T00:00:00Z","end":"${day}T23:59:59Z","timezone":"UTC"}`);
      }
      default:
        res.statusCode = 404;
        return res.end("{}");
    }
  });
  server.listen(port, "127.0.0.1");
  await once(server, "listening");
  return { url: `http://127.0.0.1:${port}/api/v1`, requests, close: () => new Promise<void>((r) => server.close(() => r())) };
}

const rt = await startBenchRuntime({
  storage: "memory",
  vars: {
    FLUSH_QUIET_SECONDS: "86400",
    FLUSH_MAX_DELAY_SECONDS: "86400",
    // Remote import refuses loopback unless local development allows it (issue 13).
    KODO_ALLOW_LOOPBACK_IMPORT: "1",
  },
});
const results: Record<string, Measured> = {};
try {
  const [user] = await makeUsers(rt.url, [{ username: "budget" }]);
  const auth = { authorization: basicAuth(user!.key), "user-agent": UA };
  const want = (name: string) => !ONLY || ONLY.includes(name);

  // The yardstick: the cheapest request, in the same run.
  const health: number[] = [];
  for (let i = 0; i < 20; i++) {
    const m = await measure(rt, async () => ({ status: (await fetch(`${rt.url}/api/health`)).status }));
    health.push(m.cpu_ms);
  }
  console.log(`GET /api/health: ${median(health)} ms CPU (median of 20; /proc ticks are 10 ms)`);

  const run = async (name: string, work: () => Promise<{ status: number | string; note?: string }>) => {
    if (!want(name)) return;
    const m = await measure(rt, work);
    results[name] = m;
    const over = m.cpu_ms > BUDGET.cpu_ms || m.rss_growth_mib > BUDGET.memory_mib ? "  OVER BUDGET" : "";
    console.log(`${name}: ${m.status}, ${m.cpu_ms} ms CPU, +${m.rss_growth_mib} MiB RSS, ${m.wall_ms} ms wall${over}${m.note ? `\n    ${m.note}` : ""}`);
  };

  await run("account_patch_chunked", () =>
    chunkedRequest(`${rt.url}/api/kodo/account`, "PATCH", { ...auth, "content-type": "application/json" }, '{"display_name":"', "a", 400 * MiB),
  );

  await run("import_huge_number", () =>
    chunkedRequest(`${rt.url}/api/kodo/account/import`, "POST", { ...auth, "content-type": "application/json" }, '{"version":', "1", 50 * MiB),
  );

  await run("import_huge_key", () =>
    chunkedRequest(`${rt.url}/api/kodo/account/import`, "POST", { ...auth, "content-type": "application/json" }, '{"', "k", 50 * MiB),
  );

  if (want("remote_import_huge_day")) {
    const remoteKey = crypto.randomUUID();
    const day = new Date(Date.now() - 3 * 86_400_000).toISOString().slice(0, 10);
    const remote = await startHugeDayServer(remoteKey, day, 300 * MiB);
    try {
      const job = await fetch(`${rt.url}/api/kodo/account/imports`, {
        method: "POST",
        headers: { ...auth, "content-type": "application/json" },
        body: JSON.stringify({ url: remote.url, api_key: remoteKey }),
      });
      const created = (await job.json()) as { data?: { id: string }; error?: string };
      const id = created.data?.id;
      if (!id) {
        results.remote_import_huge_day = { status: `job not created: ${job.status} ${JSON.stringify(created).slice(0, 120)}`, cpu_ms: 0, rss_growth_mib: 0, wall_ms: 0 };
        console.log(`remote_import_huge_day: ${results.remote_import_huge_day.status}`);
      } else {
        await run("remote_import_huge_day", async () => {
          const res = await fetch(`${rt.url}/api/kodo/account/imports/${id}/step`, {
            method: "POST",
            headers: { ...auth, "content-type": "application/json" },
            body: JSON.stringify({ api_key: remoteKey }),
          });
          return { status: res.status, note: (await res.text()).slice(0, 160) };
        });
      }
    } finally {
      await remote.close();
    }
  }

  if (want("heartbeats_big_day")) {
    const day = new Date(Date.now() - 2 * 86_400_000).toISOString().slice(0, 10);
    const start = Date.parse(`${day}T00:00:00Z`) / 1000;
    for (let i = 0; i < BIG_DAY; i += 1000) {
      const items: string[] = [];
      for (let n = i; n < Math.min(BIG_DAY, i + 1000); n++) items.push(heartbeatJson(start + n * (86_000 / BIG_DAY), n));
      await postJson(`${rt.url}/api/v1/users/current/heartbeats.bulk`, `[${items.join(",")}]`, auth);
    }
    // Every page of the day, each page a request; the worst page is what the budget is about.
    let page = 1;
    let cursor: string | null = null;
    let seen = 0;
    let worst: Measured = { status: "no page", cpu_ms: 0, rss_growth_mib: 0, wall_ms: 0 };
    for (let pages = 0; pages < 200; pages++) {
      let next: string | null = null;
      const m = await measure(rt, async () => {
        const res = await fetch(`${rt.url}/api/v1/users/current/heartbeats?date=${day}${cursor ? `&cursor=${cursor}` : ""}`, { headers: auth });
        const text = await res.text();
        if (res.ok) {
          const body = JSON.parse(text) as { data: unknown[]; next_cursor?: string | null };
          seen += body.data.length;
          next = body.next_cursor ?? null;
        }
        return { status: res.status, note: res.ok ? undefined : text.slice(0, 120) };
      });
      // The worst of every page: status of the first failing one, highest CPU and memory.
      worst = {
        status: typeof worst.status === "number" && worst.status >= 400 ? worst.status : m.status,
        cpu_ms: Math.max(m.cpu_ms, worst.cpu_ms),
        rss_growth_mib: Math.max(m.rss_growth_mib, worst.rss_growth_mib),
        wall_ms: Math.max(m.wall_ms, worst.wall_ms),
      };
      if (next === null) break;
      cursor = next;
      page++;
    }
    results.heartbeats_big_day = { ...worst, note: `${seen} of ${BIG_DAY} heartbeats read in ${page} page(s); worst page shown` };
    const m = results.heartbeats_big_day;
    console.log(`heartbeats_big_day: ${m.status}, ${m.cpu_ms} ms CPU, +${m.rss_growth_mib} MiB RSS, ${m.wall_ms} ms wall\n    ${m.note}`);
  }

  await run("leaders_nul_language", async () => {
    const res = await fetch(`${rt.url}/api/v1/leaders?language=%00`, { headers: auth });
    return { status: res.status, note: (await res.text()).slice(0, 100) };
  });
} finally {
  await rt.dispose();
}

report({
  bench: "budget",
  machine: machine(),
  budget: BUDGET,
  cases: results,
  within_budget: Object.values(results).every((m) => typeof m.status === "number" && m.status < 500 && m.cpu_ms <= BUDGET.cpu_ms && m.rss_growth_mib <= BUDGET.memory_mib),
});
