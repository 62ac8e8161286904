/**
 * `npm test`: every check and every suite of the repository, several at a time.
 *
 * The steps are the workspaces' own scripts (`npm run <script> -w <workspace>`); up to
 * KODO_TEST_JOBS of them (default 3) run at once, each started as soon as a slot is free and
 * what it needs is done, in the order listed (longest first). Why this order and these limits
 * (docs/development.md, "Tests"): the worker's end-to-end suite mostly waits on wrangler,
 * Chromium and the pages it drives, so it runs as two shards beside the CPU-bound steps
 * (typechecks, workerd unit tests, dynalite tests) instead of after them. The site's build
 * (its test) goes first: the e2e stacks serve that same build instead of building their own,
 * and svelte-check (its `svelte-kit sync` writes the same .svelte-kit/) waits for it.
 *
 * Each step's output is printed whole when it ends (steps do not interleave lines), and that of
 * the steps still running if the run is stopped (SIGTERM, SIGINT: a CI timeout). A failed step
 * fails the run; the other steps still run (those that need it do not) and the failures are
 * listed last. KODO_TEST_JOBS=1 runs one step at a time, in the same order.
 */
import { execFileSync, spawn } from "node:child_process";
import { readFileSync } from "node:fs";
import path from "node:path";
import { fileURLToPath } from "node:url";

const ROOT = path.resolve(path.dirname(fileURLToPath(import.meta.url)), "..");

/** `npm run <script> [-w <workspace>] [-- <args>]`, run once `after` (step names) passed. */
const step = (script, workspace = null, { args = [], after = [], name = null } = {}) => ({
  name: name ?? (workspace ? `${script} -w ${workspace}` : script),
  args: ["run", script, ...(workspace ? ["-w", workspace] : []), ...(args.length ? ["--", ...args] : [])],
  after,
});

/**
 * Every workspace's `typecheck` and `test` (as `npm run typecheck/test --workspaces` did), the
 * root's `db:check` and `bench:typecheck`. A workspace with `test:unit` and `test:e2e` scripts
 * (the worker) runs those instead of `test`, its e2e suite as two shards (vitest --shard, split
 * by worker/vitest.e2e.config.ts). The site's `test` is its build: the e2e shards and
 * svelte-check wait for it.
 */
function plan() {
  const rootPkg = JSON.parse(readFileSync(path.join(ROOT, "package.json"), "utf8"));
  const SITE_BUILD = "test -w site";
  const heavy = [step("db:check")];
  const rest = [];
  for (const ws of rootPkg.workspaces) {
    const { scripts = {} } = JSON.parse(readFileSync(path.join(ROOT, ws, "package.json"), "utf8"));
    const afterSite = ws === "site" ? [SITE_BUILD] : [];
    if (scripts["test:unit"] && scripts["test:e2e"]) {
      // Read what db:check regenerates (migrations, binding types): after it.
      heavy.push(step("test:unit", ws, { after: ["db:check"] }));
      for (const i of [1, 2]) heavy.push(step("test:e2e", ws, { args: [`--shard=${i}/2`], after: [SITE_BUILD], name: `e2e ${i}/2 -w ${ws}` }));
      if (scripts.typecheck) rest.unshift(step("typecheck", ws, { after: ["db:check"] }));
      continue;
    }
    if (ws === "site") heavy.unshift(step("test", ws)); // first: everything that serves the site waits for it
    else if (scripts.test) rest.push(step("test", ws));
    if (scripts.typecheck) rest.push(step("typecheck", ws, { after: afterSite }));
  }
  rest.push(step("bench:typecheck"));
  const steps = [...heavy, ...rest];
  for (const s of steps) for (const a of s.after) if (!steps.some((t) => t.name === a)) throw new Error(`${s.name} waits for ${a}, which is not a step`);
  return steps;
}
const STEPS = plan();

const jobs = Math.max(1, Number(process.env.KODO_TEST_JOBS ?? 3));
const started = Date.now();
const secs = (ms) => `${Math.round(ms / 1000)} s`;
/** name -> "running" | "passed" | "failed" | "skipped" */
const state = new Map();
const results = [];
/** Steps still running: their output so far, printed if the run itself is stopped (CI timeout). */
const running = new Map();

/** Every process below `pid` (Linux/macOS `ps`), parents before their children. */
function descendants(pid) {
  let table;
  try {
    table = execFileSync("ps", ["-e", "-o", "pid=,ppid="], { encoding: "utf8" });
  } catch {
    return [];
  }
  const children = new Map();
  for (const line of table.trim().split("\n")) {
    const [p, pp] = line.trim().split(/\s+/).map(Number);
    children.set(pp, [...(children.get(pp) ?? []), p]);
  }
  const out = [];
  for (let queue = [pid]; queue.length; ) for (const c of children.get(queue.shift()) ?? []) out.push(c), queue.push(c);
  return out;
}

for (const signal of ["SIGINT", "SIGTERM"]) {
  process.once(signal, () => {
    for (const [name, { child, chunks, t0 }] of running) {
      process.stdout.write(`\n===== STOPPED ${name} after ${secs(Date.now() - t0)} (${signal}); its output so far =====\n${Buffer.concat(chunks).toString()}\n===== end of ${name} =====\n`);
      // The whole tree: npm's `sh -c` does not pass the signal on to the suite it started.
      for (const pid of [child.pid, ...descendants(child.pid)]) {
        try {
          process.kill(pid, signal);
        } catch {
          /* gone */
        }
      }
    }
    process.exit(1);
  });
}

function runStep({ name, args }) {
  return new Promise((resolve) => {
    const t0 = Date.now();
    process.stdout.write(`[test] +${secs(t0 - started)} start ${name}\n`);
    const child = spawn(process.platform === "win32" ? "npm.cmd" : "npm", args, { cwd: ROOT, stdio: ["ignore", "pipe", "pipe"], env: { ...process.env, FORCE_COLOR: process.env.FORCE_COLOR ?? "0" } });
    const chunks = [];
    running.set(name, { child, chunks, t0 });
    child.stdout.on("data", (d) => chunks.push(d));
    child.stderr.on("data", (d) => chunks.push(d));
    child.on("close", (code, signal) => {
      running.delete(name);
      const ok = code === 0;
      const took = Date.now() - t0;
      results.push({ name, ok, took, output: ok ? "" : Buffer.concat(chunks).toString() });
      const head = `${ok ? "passed" : "FAILED"} ${name} in ${secs(took)}${signal ? ` (${signal})` : ""}`;
      process.stdout.write(`\n===== ${head} =====\n${Buffer.concat(chunks).toString()}\n===== end of ${name} (+${secs(Date.now() - started)}) =====\n`);
      resolve(ok);
    });
  });
}

/**
 * The part of a failed step's output that names its failures: vitest's "Failed Tests" section
 * (or its first FAIL line) to the end, else the last lines; at most MAX_LINES lines, colours off.
 */
function failureExcerpt(output, MAX_LINES = 150) {
  const lines = output.replace(/\x1b\[[0-9;]*m/g, "").split("\n");
  let from = lines.findIndex((l) => /Failed Tests \d+|Unhandled Errors?/.test(l));
  if (from < 0) from = lines.findIndex((l) => /^\s*(FAIL|×|✗)\s/.test(l));
  if (from < 0) from = Math.max(0, lines.length - 60);
  const excerpt = lines.slice(from);
  return excerpt.length > MAX_LINES ? [...excerpt.slice(0, MAX_LINES - 20), `... (${excerpt.length - MAX_LINES + 20} lines) ...`, ...excerpt.slice(-20)].join("\n") : excerpt.join("\n");
}

if (process.argv.includes("--list")) {
  for (const s of STEPS) console.log(`${s.name}${s.after.length ? `  (after ${s.after.join(", ")})` : ""}`);
  process.exit(0);
}

await new Promise((finish) => {
  let busy = 0;
  const next = () => {
    // Steps whose prerequisites failed or were skipped are skipped in turn.
    for (const s of STEPS) {
      if (state.has(s.name)) continue;
      const blocker = s.after.find((a) => state.get(a) === "failed" || state.get(a) === "skipped");
      if (blocker) {
        state.set(s.name, "skipped");
        results.push({ name: s.name, ok: false, took: 0, skipped: `${blocker} did not pass` });
      }
    }
    while (busy < jobs) {
      const ready = STEPS.find((s) => !state.has(s.name) && s.after.every((a) => state.get(a) === "passed"));
      if (!ready) break;
      state.set(ready.name, "running");
      busy++;
      runStep(ready).then((ok) => {
        state.set(ready.name, ok ? "passed" : "failed");
        busy--;
        next();
      });
    }
    if (busy === 0) finish();
  };
  next();
});

const failed = results.filter((r) => !r.ok);
process.stdout.write(`\n[test] ${secs(Date.now() - started)} in all, up to ${jobs} steps at a time:\n`);
for (const r of results) process.stdout.write(`  ${r.ok ? "ok  " : r.skipped ? "skip" : "FAIL"} ${r.name.padEnd(22)} ${r.skipped ? `(not run: ${r.skipped})` : secs(r.took)}\n`);
if (failed.length) {
  // Again, last, what each failed step said about its failures: a CI log shown by its tail
  // must still say which test failed and why (the step's whole output is above).
  for (const r of failed.filter((f) => f.output)) process.stdout.write(`\n===== why ${r.name} failed =====\n${failureExcerpt(r.output)}\n`);
  process.stdout.write(`[test] failed: ${failed.map((r) => r.name).join(", ")}\n`);
  process.exit(1);
}
