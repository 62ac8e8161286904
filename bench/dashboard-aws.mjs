/**
 * `npm run bench:dashboard-aws`: the dashboard's read latency on `npm run sam:local` (AWS: the
 * site and API Lambda bundles behind the local HTTP API, DynamoDB on dynalite) beside the same
 * read on `npm start` (Cloudflare: the site and API workers on workerd through wrangler dev),
 * both started by this script, the same seeded activity posted to both, reads interleaved.
 *
 * Two reads, each timed from request to the last byte, through each dashboard's origin:
 * - page: `GET /dashboard?range=last_30_days` with a session cookie, what the browser loads
 *   (server-side rendering: the site asks the API for the account and the dashboard view);
 * - api:  `GET /api/kodo/dashboard?range=last_30_days` with an API key, the data alone.
 * The first read on each platform is reported apart (cold: AWS merges the days then; workerd's
 * Durable Object has them in SQLite already). Both platforms' views are checked to agree
 * (total, per project) before any figure is printed.
 *
 * Env: BENCH_DAYS (60), BENCH_BEATS_PER_DAY (about 300), BENCH_RUNS (20).
 * Results: printed; the last line is one JSON object, also written to bench/results/dashboard-aws.json.
 */
import { spawn } from "node:child_process";
import { mkdir, mkdtemp, rm, writeFile } from "node:fs/promises";
import os from "node:os";
import path from "node:path";
import { ROOT, freePort, startKodo } from "../scripts/local-worker.mjs";
import { median, rng, round as roundTo } from "./lib/stats.ts";

const DAYS = Number(process.env.BENCH_DAYS ?? 60);
const BEATS_PER_DAY = Number(process.env.BENCH_BEATS_PER_DAY ?? 300);
const RUNS = Number(process.env.BENCH_RUNS ?? 20);
const TIME_ZONE = "Europe/Berlin";
const RANGE = "last_30_days";
const UA = "wakatime/v1.90.0 (linux-6.1-x86_64) go1.22 vscode/1.95.0 vscode-wakatime/24.6.0";
const SECRET = "bench-secret-0123456789abcdef0123456789abcdef";

/** DAYS days of activity up to a minute ago: blocks of heartbeats every 20-60 s in five projects. */
function seed(now) {
  const random = rng(7);
  const projects = ["kodo", "website", "infra", "notes", "compiler"];
  const languages = ["TypeScript", "Svelte", "YAML", "Markdown", "Rust"];
  const beats = [];
  for (let d = DAYS - 1; d >= 0; d--) {
    let t = Math.floor(now / 86_400 - d) * 86_400 + 7 * 3600 + random() * 3600;
    for (let i = 0; i < BEATS_PER_DAY && t < now - 60; i++) {
      const p = Math.floor(random() * projects.length);
      beats.push({ entity: `/src/${projects[p]}/file-${i % 7}.x`, type: "file", category: "coding", time: Math.round(t * 1000) / 1000, project: projects[p], language: languages[p], branch: "main", is_write: false });
      t += 20 + random() * 40 + (random() < 0.03 ? 1800 : 0);
    }
  }
  return beats;
}

/** `npm run sam:local`'s entry as its own process (in-memory dynalite, free ports). */
async function startSamLocal(scratch) {
  const child = spawn(process.execPath, [path.join(ROOT, "sam", "local", "main.ts")], {
    cwd: path.join(ROOT, "sam"),
    env: { ...process.env, BETTER_AUTH_SECRET: SECRET, KODO_PORT: String(await freePort()), KODO_SITE_PORT: String(await freePort()), KODO_DYNALITE: "memory", KODO_KEY_FILE: path.join(scratch, "key"), KODO_BUILD_DIR: path.join(scratch, "build") },
    stdio: ["ignore", "pipe", "pipe"],
    detached: true,
  });
  let output = "";
  child.stdout.on("data", (d) => (output += d));
  child.stderr.on("data", (d) => (output += d));
  const siteUrl = await new Promise((resolve, reject) => {
    const timer = setTimeout(() => reject(new Error(`sam:local did not start:\n${output.slice(-3000)}`)), 300_000);
    child.stdout.on("data", () => {
      const m = /Kodo dashboard: (\S+)/.exec(output);
      if (m) {
        clearTimeout(timer);
        resolve(m[1]);
      }
    });
    child.once("exit", (code) => reject(new Error(`sam:local exited (${code}):\n${output.slice(-3000)}`)));
  });
  return {
    siteUrl,
    stop: () =>
      new Promise((resolve) => {
        if (child.exitCode !== null) return resolve();
        child.once("exit", resolve);
        process.kill(-child.pid, "SIGTERM");
      }),
  };
}

/** Signs in by email link (the local outbox) over HTTP; sets the time zone; makes an API key. */
async function account(siteUrl, email) {
  const origin = new URL(siteUrl).origin;
  const asked = await fetch(`${siteUrl}/api/auth/sign-in/magic-link`, { method: "POST", headers: { origin, "content-type": "application/json" }, body: JSON.stringify({ email, callbackURL: "/" }) });
  if (!asked.ok) throw new Error(`magic link on ${siteUrl}: ${asked.status} ${await asked.text()}`);
  const mails = (await (await fetch(`${siteUrl}/api/kodo/dev/outbox`)).json()).data;
  const link = mails.find((m) => m.to === email)?.link;
  const verified = await fetch(new URL(link, siteUrl), { redirect: "manual" });
  const cookie = verified.headers.getSetCookie().map((c) => c.split(";")[0]).filter((c) => !c.endsWith("=")).join("; ");
  if (!/session_token=/.test(cookie)) throw new Error(`no session on ${siteUrl} (${verified.status})`);
  const { csrf_token } = await (await fetch(`${siteUrl}/api/kodo/account`, { headers: { cookie } })).json();
  const asUser = async (method, p, body) => {
    const res = await fetch(`${siteUrl}${p}`, { method, headers: { cookie, origin, "x-csrf-token": csrf_token, "content-type": "application/json" }, body: JSON.stringify(body) });
    if (!res.ok) throw new Error(`${method} ${p} on ${siteUrl}: ${res.status} ${await res.text()}`);
    return res.json();
  };
  await asUser("PATCH", "/api/kodo/account", { time_zone: TIME_ZONE });
  const { key } = await asUser("POST", "/api/kodo/account/keys", { label: "bench", scope: "full" });
  return { cookie, key };
}

async function post(siteUrl, key, beats) {
  for (let i = 0; i < beats.length; i += 1000) {
    const res = await fetch(`${siteUrl}/api/v1/users/current/heartbeats.bulk`, { method: "POST", headers: { authorization: `Basic ${btoa(key)}`, "content-type": "application/json", "user-agent": UA, "x-machine-name": "bench" }, body: JSON.stringify(beats.slice(i, i + 1000)) });
    if (res.status !== 201 && res.status !== 202) throw new Error(`seeding ${siteUrl}: ${res.status} ${await res.text()}`);
    await res.arrayBuffer();
  }
}

async function timed(url, headers) {
  const started = performance.now();
  const res = await fetch(url, { headers, redirect: "manual" });
  const body = await res.arrayBuffer();
  const ms = performance.now() - started;
  if (res.status !== 200) throw new Error(`${url}: ${res.status} ${new TextDecoder().decode(body).slice(0, 300)}`);
  return { ms, body };
}

const round = (x) => roundTo(x, 1);

const scratch = await mkdtemp(path.join(os.tmpdir(), "kodo-bench-dash-aws-"));
const stops = [];
try {
  console.error("starting npm start's stack (wrangler dev x2) and sam:local...");
  const cf = await startKodo({ persistTo: path.join(scratch, "cf"), vars: { BETTER_AUTH_SECRET: SECRET, KODO_LOCAL_OUTBOX: "1" } });
  stops.push(() => cf.stop());
  const aws = await startSamLocal(scratch);
  stops.push(() => aws.stop());
  const targets = { cloudflare: { siteUrl: cf.site.url }, aws: { siteUrl: aws.siteUrl } };

  const beats = seed(Date.now() / 1000);
  console.error(`seeding ${beats.length} heartbeats over ${DAYS} days on both...`);
  for (const [name, t] of Object.entries(targets)) {
    Object.assign(t, await account(t.siteUrl, `bench-${name}@example.com`));
    const started = performance.now();
    await post(t.siteUrl, t.key, beats);
    t.seedSeconds = (performance.now() - started) / 1000;
  }

  const pageUrl = (t) => `${t.siteUrl}/dashboard?range=${RANGE}`;
  const apiUrl = (t) => `${t.siteUrl}/api/kodo/dashboard?range=${RANGE}`;
  const results = {};
  const views = {};
  for (const [name, t] of Object.entries(targets)) {
    const cold = await timed(apiUrl(t), { authorization: `Basic ${btoa(t.key)}` });
    views[name] = JSON.parse(new TextDecoder().decode(cold.body));
    results[name] = { coldApiMs: round(cold.ms), page: [], api: [] };
  }
  // Same data, same view: the totals and each project's seconds agree before anything is timed.
  const projects = (v) => JSON.stringify(v.shares.project.map((p) => [p.name, Math.round(p.seconds)]));
  if (Math.round(views.cloudflare.totalSeconds) !== Math.round(views.aws.totalSeconds) || projects(views.cloudflare) !== projects(views.aws)) {
    throw new Error(`the platforms disagree: ${views.cloudflare.totalSeconds} vs ${views.aws.totalSeconds}\n${projects(views.cloudflare)}\n${projects(views.aws)}`);
  }
  for (const [name, t] of Object.entries(targets)) {
    const page = await timed(pageUrl(t), { cookie: t.cookie });
    const shown = /data-testid="total"[^>]*data-seconds="([\d.]+)"/.exec(new TextDecoder().decode(page.body));
    if (!shown || Math.abs(Number(shown[1]) - views[name].totalSeconds) > 1) throw new Error(`${name}: the page shows ${shown?.[1]}, the API ${views[name].totalSeconds}`);
  }
  for (let i = 0; i < RUNS; i++) {
    for (const [name, t] of i % 2 ? Object.entries(targets).reverse() : Object.entries(targets)) {
      results[name].page.push((await timed(pageUrl(t), { cookie: t.cookie })).ms);
      results[name].api.push((await timed(apiUrl(t), { authorization: `Basic ${btoa(t.key)}` })).ms);
    }
  }
  const summary = {
    bench: "dashboard-aws",
    heartbeats: beats.length,
    days: DAYS,
    range: RANGE,
    runs: RUNS,
    totalSeconds: views.aws.totalSeconds,
    ...Object.fromEntries(
      Object.entries(results).map(([name, r]) => [
        name,
        { seedSeconds: round(targets[name].seedSeconds), coldApiMs: r.coldApiMs, pageMedianMs: round(median(r.page)), apiMedianMs: round(median(r.api)), pageMinMs: round(Math.min(...r.page)), apiMinMs: round(Math.min(...r.api)) },
      ]),
    ),
  };
  summary.ratio = { page: round(summary.aws.pageMedianMs / summary.cloudflare.pageMedianMs), api: round(summary.aws.apiMedianMs / summary.cloudflare.apiMedianMs) };
  console.log(`dashboard (${RANGE}, ${beats.length} heartbeats over ${DAYS} days, ${RUNS} interleaved runs, medians):`);
  for (const name of ["cloudflare", "aws"]) {
    const s = summary[name];
    console.log(`  ${name.padEnd(10)} page ${s.pageMedianMs} ms   api ${s.apiMedianMs} ms   first api read ${s.coldApiMs} ms   seeding ${s.seedSeconds} s`);
  }
  console.log(`  aws / cloudflare: page x${summary.ratio.page}, api x${summary.ratio.api}`);
  await mkdir(path.join(ROOT, "bench", "results"), { recursive: true });
  await writeFile(path.join(ROOT, "bench", "results", "dashboard-aws.json"), JSON.stringify(summary, null, 2));
  console.log(JSON.stringify(summary));
} finally {
  for (const stop of stops.reverse()) await stop().catch(() => {});
  await rm(scratch, { recursive: true, force: true });
}
