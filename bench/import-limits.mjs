/**
 * What a hostile import costs the worker: CPU (utime+stime from /proc/<pid>/stat) and memory
 * (VmRSS before, VmHWM after, from /proc/<pid>/status) of the workerd process that
 * `wrangler dev` starts (scripts/local-worker.mjs), around one request each:
 *   number: POST /api/kodo/account/import with a WakaTime dump whose `user.id` is a 50 MiB
 *           number;
 *   day:    one step of a remote import whose day answer is 300 MB of heartbeats (a fake
 *           server on loopback streams it; the import is allowed loopback for this).
 * Usage: node bench/import-limits.mjs   (Linux only: reads /proc)
 * The peak (VmHWM) is the process's since start, so each case runs in a fresh worker.
 */
import http from "node:http";
import { mkdtempSync, readFileSync, readdirSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import path from "node:path";
import { ensureUser, freePort, startWorker } from "../scripts/local-worker.mjs";

const MiB = 1_048_576;
const TICK_MS = 10; // USER_HZ = 100 on Linux

function childrenOf(pid) {
  const out = [];
  for (const d of readdirSync("/proc")) {
    if (!/^\d+$/.test(d)) continue;
    try {
      const stat = readFileSync(`/proc/${d}/stat`, "utf8");
      const ppid = Number(stat.slice(stat.lastIndexOf(")") + 2).split(" ")[1]);
      if (ppid === pid) out.push(Number(d));
    } catch {
      /* gone */
    }
  }
  return out;
}

/** The workerd process under the wrangler process `root` (the one serving requests). */
function workerdPid(root) {
  const queue = [root];
  const found = [];
  while (queue.length) {
    const pid = queue.shift();
    for (const c of childrenOf(pid)) {
      queue.push(c);
      try {
        if (readFileSync(`/proc/${c}/cmdline`, "utf8").includes("workerd")) found.push(c);
      } catch {
        /* gone */
      }
    }
  }
  if (found.length === 0) throw new Error("no workerd process found");
  return found[found.length - 1];
}

function sample(pid) {
  const stat = readFileSync(`/proc/${pid}/stat`, "utf8");
  const f = stat.slice(stat.lastIndexOf(")") + 2).split(" ");
  const status = readFileSync(`/proc/${pid}/status`, "utf8");
  const kb = (name) => Number(new RegExp(`${name}:\\s+(\\d+)`).exec(status)[1]);
  return { cpuMs: (Number(f[11]) + Number(f[12])) * TICK_MS, rssMiB: kb("VmRSS") / 1024, hwmMiB: kb("VmHWM") / 1024 };
}

async function withWorker(fn) {
  const persistTo = mkdtempSync(path.join(tmpdir(), "kodo-import-limits-"));
  const worker = await startWorker({ port: await freePort(), persistTo, vars: { KODO_ALLOW_LOOPBACK_IMPORT: "1" } });
  try {
    const user = { username: `bench_${crypto.randomUUID().slice(0, 6)}`, key: `waka_${crypto.randomUUID()}` };
    await ensureUser(persistTo, user);
    const pid = workerdPid(worker.child.pid);
    // Warm the isolate (first request compiles the worker).
    await fetch(`${worker.url}/api/v1/users/current`, { headers: { authorization: `Basic ${btoa(user.key)}` } });
    await new Promise((r) => setTimeout(r, 500));
    const before = sample(pid);
    const started = performance.now();
    const result = await fn(worker.url, user.key);
    const wallMs = Math.round(performance.now() - started);
    await new Promise((r) => setTimeout(r, 200));
    const after = sample(pid);
    return { ...result, wallMs, cpuMs: after.cpuMs - before.cpuMs, rssBeforeMiB: Math.round(before.rssMiB), peakGrowthMiB: Math.round(after.hwmMiB - before.rssMiB) };
  } finally {
    await worker.stop();
    rmSync(persistTo, { recursive: true, force: true });
  }
}

async function hugeNumber(url, key) {
  // In the dump's `user` object, outside any heartbeat (a heartbeat is capped at 1 MiB whole).
  const body = Buffer.concat([Buffer.from('{"user":{"id":'), Buffer.alloc(50 * MiB, "7"), Buffer.from('},"days":[{"date":"2026-01-01","heartbeats":[]}]}')]);
  const res = await fetch(`${url}/api/kodo/account/import`, { method: "POST", headers: { authorization: `Basic ${btoa(key)}`, "content-type": "application/json" }, body }).catch((e) => ({ status: `error ${e.message}`, text: async () => "" }));
  return { status: res.status, answer: (await res.text()).slice(0, 160) };
}

/** A WakaTime-like server whose one day answers `bytes` of heartbeats, generated as it is sent. */
async function hugeDayServer(bytes) {
  const day = new Date(Date.now() - 3 * 86_400_000).toISOString().slice(0, 10);
  const t0 = Date.parse(`${day}T01:00:00Z`) / 1000;
  let sent = 0;
  const server = http.createServer((req, res) => {
    const u = new URL(req.url, "http://x");
    res.setHeader("content-type", "application/json");
    if (u.pathname.endsWith("/all_time_since_today")) return res.end(JSON.stringify({ data: { total_seconds: 1, range: { start_date: day } } }));
    if (!u.pathname.endsWith("/heartbeats")) return res.end('{"data":[]}');
    if (u.searchParams.get("date") !== day) return res.end('{"data":[]}');
    res.write('{"data":[');
    let i = 0;
    let written = 0;
    const pump = () => {
      while (written < bytes) {
        const chunk = Array.from({ length: 200 }, () => JSON.stringify({ entity: `/src/file${i % 100}.ts`, type: "file", category: "coding", time: t0 + (i++ % 80_000) + 0.5, project: "p", language: "TypeScript", is_write: false, branch: "main" })).join(",") + ",";
        written += chunk.length;
        sent += chunk.length;
        if (!res.write(chunk)) return res.once("drain", pump);
      }
      res.end(`${JSON.stringify({ entity: "/src/last.ts", type: "file", time: t0 })}]}`);
    };
    res.on("close", () => (written = bytes));
    pump();
  });
  const port = await freePort();
  await new Promise((r) => server.listen(port, "127.0.0.1", r));
  return { url: `http://127.0.0.1:${port}/api/v1`, sentMiB: () => Math.round(sent / MiB), close: () => new Promise((r) => server.close(r)) };
}

async function hugeDay(url, key) {
  const remote = await hugeDayServer(300 * 1_000_000);
  try {
    const post = (p, body) => fetch(`${url}${p}`, { method: "POST", headers: { authorization: `Basic ${btoa(key)}`, "content-type": "application/json" }, body: JSON.stringify(body) });
    const job = await (await post("/api/kodo/account/imports", { url: remote.url, api_key: "k" })).json();
    if (!job.data) return { status: "job not created", answer: JSON.stringify(job) };
    const res = await post(`/api/kodo/account/imports/${job.data.id}/step`, { api_key: "k" }).catch((e) => ({ status: `error ${e.message}`, text: async () => "" }));
    const text = await res.text();
    return { status: res.status, answer: text.slice(0, 220), remoteSentMiB: remote.sentMiB() };
  } finally {
    await remote.close();
  }
}

for (const [name, fn] of [
  ["50 MiB number (file import)", hugeNumber],
  ...(process.env.ONLY_NUMBER ? [] : [["300 MB remote day (one step)", hugeDay]]),
]) {
  console.log(name, JSON.stringify(await withWorker(fn)));
}
