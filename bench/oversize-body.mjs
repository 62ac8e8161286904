/**
 * bench:oversize-body — what one hostile request costs the server: a 400 MiB chunked
 * (no Content-Length) PATCH /api/kodo/account, sent as fast as the server takes it, against
 * a local worker (scripts/local-worker.mjs). Reports the workerd process's CPU time
 * (utime+stime from /proc/<pid>/stat) and its RSS growth (VmRSS sampled every 20 ms, peak
 * minus before), the bytes the server accepted before it answered, and the answer.
 * Linux only (reads /proc). Env: OVERSIZE_MIB (default 400).
 * Last line of output: one JSON object with the figures.
 */
import { readFile, readdir, mkdtemp, rm } from "node:fs/promises";
import http from "node:http";
import os from "node:os";
import path from "node:path";
import { applyMigrations, ensureUser, freePort, startWorker } from "../scripts/local-worker.mjs";

const MIB = Number(process.env.OVERSIZE_MIB ?? 400);
const KEY = `waka_${crypto.randomUUID()}`;
const TICKS = 100; // USER_HZ on Linux

async function workerdPid(root) {
  // wrangler dev runs workerd as a descendant; find it by walking /proc's parent links.
  const procs = [];
  for (const d of await readdir("/proc")) {
    if (!/^\d+$/.test(d)) continue;
    try {
      const stat = await readFile(`/proc/${d}/stat`, "utf8");
      const comm = stat.slice(stat.indexOf("(") + 1, stat.lastIndexOf(")"));
      const ppid = Number(stat.slice(stat.lastIndexOf(")") + 2).split(" ")[1]);
      procs.push({ pid: Number(d), ppid, comm });
    } catch {
      /* gone */
    }
  }
  const inTree = new Set([root]);
  for (let changed = true; changed; ) {
    changed = false;
    for (const p of procs) if (!inTree.has(p.pid) && inTree.has(p.ppid)) (inTree.add(p.pid), (changed = true));
  }
  const found = procs.find((p) => inTree.has(p.pid) && p.comm === "workerd");
  if (!found) throw new Error("no workerd process under wrangler dev");
  return { pid: found.pid, tree: [...inTree] };
}

/** CPU seconds of every process of wrangler dev's tree (its proxy included). */
async function treeCpuSeconds(pids) {
  let sum = 0;
  for (const p of pids) sum += await cpuSeconds(p).catch(() => 0);
  return sum;
}

async function cpuSeconds(pid) {
  const stat = await readFile(`/proc/${pid}/stat`, "utf8");
  const f = stat.slice(stat.lastIndexOf(")") + 2).split(" ");
  return (Number(f[11]) + Number(f[12])) / TICKS;
}

async function rssMiB(pid, field = "VmRSS") {
  const status = await readFile(`/proc/${pid}/status`, "utf8");
  return Number(new RegExp(`${field}:\\s+(\\d+)`).exec(status)[1]) / 1024;
}

/** Streams `mib` MiB of JSON-ish bytes chunked; resolves with the answer and bytes written. */
function chunkedPatch(url, mib) {
  return new Promise((resolve, reject) => {
    const req = http.request(`${url}/api/kodo/account`, { method: "PATCH", headers: { authorization: `Bearer ${KEY}`, "content-type": "application/json" } });
    const chunk = Buffer.alloc(64 * 1024, "a");
    let written = 0;
    let answered = null;
    req.on("response", (res) => {
      let body = "";
      res.on("data", (d) => (body += d));
      res.on("end", () => {
        answered = { status: res.statusCode, body };
        req.destroy();
        resolve({ ...answered, writtenMiB: written / 1048576 });
      });
    });
    // A server that answers early may reset the connection before the answer is read: that is
    // a refusal too, reported as such.
    req.on("error", (err) => (answered ? null : resolve({ status: null, body: `connection closed: ${err.code ?? err.message}`, writtenMiB: written / 1048576 })));
    const total = mib * 1048576;
    function pump() {
      while (!answered && written < total) {
        written += chunk.length;
        if (!req.write(written === chunk.length ? Buffer.concat([Buffer.from('{"display_name":"'), chunk]) : chunk)) return void req.once("drain", pump);
      }
      if (!answered) req.end();
    }
    pump();
  });
}

const persistTo = await mkdtemp(path.join(os.tmpdir(), "kodo-oversize-"));
let worker;
try {
  await applyMigrations(persistTo);
  await ensureUser(persistTo, { username: "oversize", key: KEY });
  const port = await freePort();
  worker = await startWorker({ port, persistTo });
  const { pid, tree } = await workerdPid(worker.child.pid);
  // Warm the route (isolate, key cache) so the figures are the request's own.
  await fetch(`${worker.url}/api/kodo/account`, { method: "PATCH", headers: { authorization: `Bearer ${KEY}` }, body: "{}" });
  await new Promise((r) => setTimeout(r, 500));
  const cpu0 = await cpuSeconds(pid);
  const tree0 = await treeCpuSeconds(tree);
  const rss0 = await rssMiB(pid);
  const hwm0 = await rssMiB(pid, "VmHWM");
  let peak = rss0;
  const treeRss = async () => (await Promise.all(tree.map((p) => rssMiB(p).catch(() => 0)))).reduce((a, b) => a + b, 0);
  const treeRss0 = await treeRss();
  let treePeak = treeRss0;
  const sampler = setInterval(() => {
    rssMiB(pid).then((r) => (peak = Math.max(peak, r)), () => {});
    treeRss().then((r) => (treePeak = Math.max(treePeak, r)));
  }, 20);
  const t0 = performance.now();
  const answer = await chunkedPatch(worker.url, MIB);
  const wallMs = performance.now() - t0;
  await new Promise((r) => setTimeout(r, 300));
  clearInterval(sampler);
  const cpu1 = await cpuSeconds(pid);
  const tree1 = await treeCpuSeconds(tree);
  const hwm1 = await rssMiB(pid, "VmHWM");
  const figures = {
    sent_mib: MIB,
    status: answer.status,
    error: answer.body.slice(0, 120),
    written_before_answer_mib: Math.round(answer.writtenMiB * 10) / 10,
    wall_ms: Math.round(wallMs),
    workerd_cpu_ms: Math.round((cpu1 - cpu0) * 1000),
    wrangler_tree_cpu_ms: Math.round((tree1 - tree0) * 1000),
    workerd_rss_growth_mib: Math.round((peak - rss0) * 10) / 10,
    // The kernel's high-water mark catches a peak between two samples.
    wrangler_tree_rss_growth_mib: Math.round((treePeak - treeRss0) * 10) / 10,
    workerd_peak_rss_growth_mib: Math.round((Math.max(peak, hwm1) - Math.max(rss0, hwm0)) * 10) / 10,
  };
  console.log(JSON.stringify(figures));
} finally {
  await worker?.stop();
  await rm(persistTo, { recursive: true, force: true });
}
