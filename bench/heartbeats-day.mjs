/**
 * Worst case of `GET users/current/heartbeats?date=`: one day holding N heartbeats with 1 KiB
 * entities, read page by page. Starts the worker with scripts/local-worker.mjs and measures the
 * workerd processes' CPU (utime+stime from /proc/<pid>/stat) and resident memory (VmRSS) around
 * the read. Usage: `node bench/heartbeats-day.mjs [count]` (through npm: Node 22).
 */
import { mkdtempSync, readFileSync, readdirSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import path from "node:path";
import { applyMigrations, ensureUser, freePort, startWorker } from "../scripts/local-worker.mjs";

const COUNT = Number(process.argv[2] ?? 100_000);
const DAY = "2026-11-02";
const dayStart = Date.parse(`${DAY}T00:00:00Z`) / 1000;
const persistTo = mkdtempSync(path.join(tmpdir(), "kodo-hbday-"));
const key = `waka_${crypto.randomUUID()}`;
await applyMigrations(persistTo);
await ensureUser(persistTo, { username: "hbday", key });
const worker = await startWorker({ port: await freePort(), persistTo, migrate: false });
const auth = { authorization: `Bearer ${key}`, "content-type": "application/json" };

/** Every process below `root` (wrangler starts workerd as a child). */
function descendants(root) {
  const children = new Map();
  for (const name of readdirSync("/proc")) {
    if (!/^\d+$/.test(name)) continue;
    try {
      const stat = readFileSync(`/proc/${name}/stat`, "utf8");
      const ppid = Number(stat.slice(stat.lastIndexOf(")") + 2).split(" ")[1]);
      if (!children.has(ppid)) children.set(ppid, []);
      children.get(ppid).push(Number(name));
    } catch { /* gone */ }
  }
  const out = [];
  const walk = (pid) => { for (const c of children.get(pid) ?? []) { out.push(c); walk(c); } };
  walk(root);
  return out;
}
function workerdPids() {
  return descendants(worker.child.pid).filter((pid) => {
    try { return readFileSync(`/proc/${pid}/cmdline`, "utf8").includes("workerd"); } catch { return false; }
  });
}
function sample() {
  const ticks = 100; // USER_HZ
  let cpu = 0, rss = 0;
  for (const pid of workerdPids()) {
    const stat = readFileSync(`/proc/${pid}/stat`, "utf8").slice(readFileSync(`/proc/${pid}/stat`, "utf8").lastIndexOf(")") + 2).split(" ");
    cpu += (Number(stat[11]) + Number(stat[12])) / ticks;
    const m = /VmRSS:\s+(\d+) kB/.exec(readFileSync(`/proc/${pid}/status`, "utf8"));
    rss += m ? Number(m[1]) : 0;
  }
  return { cpuMs: cpu * 1000, rssMiB: rss / 1024 };
}

try {
  const pad = "x".repeat(850);
  for (let i = 0; i < COUNT; i += 1000) {
    const batch = [];
    for (let j = i; j < Math.min(COUNT, i + 1000); j++) {
      batch.push({ entity: `/src/${pad}/${j}.ts`, type: "file", time: dayStart + 1 + (j * 80_000) / COUNT, project: "big", language: "TypeScript" });
    }
    const res = await fetch(`${worker.url}/api/v1/users/current/heartbeats.bulk`, { method: "POST", headers: auth, body: JSON.stringify(batch) });
    if (res.status !== 201) throw new Error(`ingest ${res.status}: ${await res.text()}`);
  }
  console.log(`ingested ${COUNT} heartbeats on ${DAY}`);
  await new Promise((r) => setTimeout(r, 2000));
  const before = sample();
  let cursor = null, got = 0, statuses = [], peakRss = before.rssMiB, worstPage = 0;
  for (;;) {
    const pageBefore = sample();
    const res = await fetch(`${worker.url}/api/v1/users/current/heartbeats?date=${DAY}${cursor ? `&cursor=${cursor}` : ""}`, { headers: auth });
    statuses.push(res.status);
    const s = sample();
    peakRss = Math.max(peakRss, s.rssMiB);
    worstPage = Math.max(worstPage, s.cpuMs - pageBefore.cpuMs);
    if (res.status !== 200) { console.log(`page ${page}: ${res.status} ${(await res.text()).slice(0, 200)}`); break; }
    const body = await res.json();
    got += body.data.length;
    if (!body.next_cursor) break;
    cursor = body.next_cursor;
  }
  const after = sample();
  console.log(JSON.stringify({ count: COUNT, pages: statuses.length, heartbeatsRead: got, statuses: [...new Set(statuses)], cpuMs: Math.round(after.cpuMs - before.cpuMs), cpuMsPerPage: Math.round((after.cpuMs - before.cpuMs) / statuses.length), worstPageCpuMs: Math.round(worstPage), rssBeforeMiB: Math.round(before.rssMiB), rssPeakMiB: Math.round(peakRss), rssAfterMiB: Math.round(after.rssMiB) }));
} finally {
  await worker.stop();
  rmSync(persistTo, { recursive: true, force: true });
}
