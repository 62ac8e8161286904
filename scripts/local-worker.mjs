/**
 * Starts Kodo's worker locally on workerd through `wrangler dev`, with D1 and Durable Object
 * state persisted under `persistTo`, D1 migrations applied first. Used by `npm start`, the
 * end-to-end tests, the extension's integration test and the benchmarks.
 *
 * Run it through npm scripts (or from a process started by one) so that `wrangler` runs on the
 * Node 22 that the `node` package puts first on PATH.
 */
import { spawn, execFile } from "node:child_process";
import { createHash, randomUUID } from "node:crypto";
import { promisify } from "node:util";
import path from "node:path";
import { fileURLToPath } from "node:url";

export const ROOT = path.resolve(path.dirname(fileURLToPath(import.meta.url)), "..");
const run = promisify(execFile);

export const QUIET_ENV = {
  ...process.env,
  CLOUDFLARE_CF_FETCH_ENABLED: "false",
  WRANGLER_SEND_METRICS: "false",
  CI: process.env.CI ?? "1", // no interactive confirmation prompts from wrangler
  FORCE_COLOR: "0",
};

function wranglerBin() {
  return path.join(ROOT, "node_modules", ".bin", "wrangler");
}

function nodeBin() {
  // Node 22 from the `node` package; the machine's own Node may be older.
  return path.join(ROOT, "node_modules", ".bin", "node");
}

async function wrangler(args, opts = {}) {
  return run(nodeBin(), [wranglerBin(), ...args], { cwd: ROOT, env: QUIET_ENV, maxBuffer: 64 * 1024 * 1024, ...opts });
}

export async function applyMigrations(persistTo) {
  await wrangler(["d1", "migrations", "apply", "kodo", "--local", "--persist-to", persistTo]);
}

export const sha256 = (s) => createHash("sha256").update(s).digest("hex");

/** Creates (idempotently) a user with a full-access API key (and an email address), straight in local D1. */
export async function ensureUser(persistTo, user) {
  await ensureUsers(persistTo, [user]);
}

/**
 * Creates (idempotently) several users with full-access API keys in one `wrangler d1 execute`:
 * each call starts a process, so tests that need many users create them together.
 */
export async function ensureUsers(persistTo, users) {
  const q = (s) => `'${String(s).replaceAll("'", "''")}'`;
  const sql = users
    .flatMap(({ username, key, timeZone = "UTC", label = "local", email = null }) => [
      `INSERT OR IGNORE INTO users (id, username, display_name) VALUES (${q(`local-${username}`)}, ${q(username)}, ${q(username)});`,
      `INSERT OR IGNORE INTO user_settings (user_id, time_zone) VALUES ((SELECT id FROM users WHERE username = ${q(username)}), ${q(timeZone)});`,
      `INSERT OR IGNORE INTO api_keys (id, user_id, key_hash, label, scope, hint) VALUES (${q(randomUUID())}, (SELECT id FROM users WHERE username = ${q(username)}), ${q(sha256(key))}, ${q(label)}, 'full', ${q(key.slice(-4))});`,
      // An address lets the account sign in to the dashboard by email link (local outbox).
      ...(email ? [`UPDATE users SET email = ${q(email)} WHERE username = ${q(username)} AND email IS NULL;`] : []),
    ])
    .join(" ");
  await wrangler(["d1", "execute", "kodo", "--local", "--persist-to", persistTo, "--command", sql]);
}

/**
 * Starts `wrangler dev` and resolves once /api/health answers. `vars` override wrangler.toml
 * vars (e.g. a short flush delay for tests); `config` picks another wrangler config (the
 * site's); `env` adds to wrangler's own environment.
 */
export async function startWorker({ port, persistTo, vars = {}, extraArgs = [], log = false, migrate = true, config = null, env = {} }) {
  if (migrate) await applyMigrations(persistTo);
  // The relay seals upstream keys under KODO_RELAY_SECRET (wrangler.toml [secrets]); npm start
  // keeps one in .dev.vars. Runs without .dev.vars (tests, CI, benchmarks) get a fixed local one,
  // so the relay routes answer there as in production instead of 501.
  const { existsSync } = await import("node:fs");
  if (config === null && vars.KODO_RELAY_SECRET === undefined && !existsSync(path.join(ROOT, ".dev.vars"))) vars = { ...vars, KODO_RELAY_SECRET: "local-relay-secret-not-for-production" };
  const args = [wranglerBin(), "dev", ...(config ? ["-c", config] : []), "--ip", "127.0.0.1", "--port", String(port), "--persist-to", persistTo, "--inspector-port", "0", ...extraArgs];
  for (const [k, v] of Object.entries(vars)) args.push("--var", `${k}:${v}`);
  const child = spawn(nodeBin(), args, { cwd: ROOT, env: { ...QUIET_ENV, ...env }, stdio: ["ignore", "pipe", "pipe"], detached: process.platform !== "win32" });
  let output = "";
  const onData = (d) => {
    output += d;
    if (output.length > 200_000) output = output.slice(-100_000);
    if (log) process.stderr.write(d);
  };
  child.stdout.on("data", onData);
  child.stderr.on("data", onData);
  const url = `http://127.0.0.1:${port}`;
  const deadline = Date.now() + 90_000;
  for (;;) {
    if (child.exitCode !== null) throw new Error(`wrangler dev exited (${child.exitCode}):\n${output.slice(-4000)}`);
    try {
      const res = await fetch(`${url}/api/health`);
      if (res.ok) break;
    } catch {
      /* not up yet */
    }
    if (Date.now() > deadline) {
      killTree(child, "SIGKILL");
      throw new Error(`wrangler dev did not answer on ${url} in 90 s:\n${output.slice(-4000)}`);
    }
    await new Promise((r) => setTimeout(r, 250));
  }
  return {
    url,
    child,
    output: () => output,
    /** Graceful stop. */
    stop: () => stopChild(child, "SIGTERM"),
    /** Abrupt death of the whole process tree (fault tests). */
    kill: () => stopChild(child, "SIGKILL"),
  };
}

function killTree(child, signal) {
  try {
    process.kill(-child.pid, signal);
  } catch {
    try {
      child.kill(signal);
    } catch {
      /* already gone */
    }
  }
}

function stopChild(child, signal) {
  return new Promise((resolve) => {
    if (child.exitCode !== null || child.signalCode !== null) return resolve();
    child.once("exit", () => resolve());
    killTree(child, signal);
    setTimeout(() => {
      killTree(child, "SIGKILL");
      resolve();
    }, 5_000).unref();
  });
}

/** A free TCP port on loopback. */
export async function freePort() {
  const net = await import("node:net");
  return new Promise((resolve, reject) => {
    const srv = net.createServer();
    srv.listen(0, "127.0.0.1", () => {
      const { port } = srv.address();
      srv.close(() => resolve(port));
    });
    srv.on("error", reject);
  });
}

// ---- the dashboard (site/) beside the worker -------------------------------------------

const SITE = path.join(ROOT, "site");
/**
 * One file the build of each target writes last-ish (site/svelte.config.js picks the adapter).
 * Each target builds in its own Kit folder (.svelte-kit, .svelte-kit-aws), so building one
 * leaves the other's output fresh.
 */
const SITE_OUTPUT = {
  cloudflare: path.join(SITE, ".svelte-kit", "cloudflare", "_worker.js"),
  aws: path.join(SITE, "build-aws", "server", "lambda-manifest.js"),
};
const SITE_BUILD_SCRIPT = { cloudflare: "build", aws: "build:aws" };

async function newestMtime(dir) {
  const { readdir, stat } = await import("node:fs/promises");
  let newest = 0;
  for (const entry of await readdir(dir, { withFileTypes: true, recursive: true })) {
    if (!entry.isFile()) continue;
    newest = Math.max(newest, (await stat(path.join(entry.parentPath ?? entry.path, entry.name))).mtimeMs);
  }
  return newest;
}

async function siteIsFresh(target) {
  const { existsSync, statSync } = await import("node:fs");
  if (!existsSync(SITE_OUTPUT[target])) return false;
  const built = statSync(SITE_OUTPUT[target]).mtimeMs;
  const sources = Math.max(
    await newestMtime(path.join(SITE, "src")),
    await newestMtime(path.join(SITE, "static")),
    await newestMtime(path.join(SITE, "adapters")),
    ...["svelte.config.js", "vite.config.ts", "wrangler.toml", "package.json"].map((f) => statSync(path.join(SITE, f)).mtimeMs),
  );
  return built > sources;
}

/**
 * Builds the SvelteKit site for `target` ("cloudflare": `npm run build -w site`, "aws":
 * `npm run build:aws -w site`) when its output is missing or older than its sources. Builds of
 * one working tree take turns (a lock directory): two builds of one target would write the same
 * Kit folder, and both targets' builds run `svelte-kit sync` on site/.svelte-kit.
 */
export async function ensureSiteBuilt({ log = false, target = "cloudflare" } = {}) {
  if (await siteIsFresh(target)) return false;
  const { mkdirSync, rmSync, statSync } = await import("node:fs");
  const lock = path.join(SITE, ".svelte-kit-build.lock");
  const deadline = Date.now() + 300_000;
  for (;;) {
    try {
      mkdirSync(lock);
      break;
    } catch {
      try {
        if (Date.now() - statSync(lock).mtimeMs > 180_000) rmSync(lock, { recursive: true, force: true }); // left by a killed build
      } catch {
        /* gone meanwhile */
      }
      if (Date.now() > deadline) throw new Error(`another site build holds ${lock}`);
      await new Promise((r) => setTimeout(r, 500));
    }
  }
  try {
    if (await siteIsFresh(target)) return false; // built by whoever held the lock
    const npm = process.platform === "win32" ? "npm.cmd" : "npm";
    await run(npm, ["run", SITE_BUILD_SCRIPT[target], "-w", "site"], { cwd: ROOT, env: { ...QUIET_ENV, PATH: `${path.join(ROOT, "node_modules", ".bin")}${path.delimiter}${process.env.PATH}` }, maxBuffer: 64 * 1024 * 1024 }).catch((err) => {
      throw new Error(`building the site failed:\n${err.stdout ?? ""}${err.stderr ?? ""}`);
    });
    if (log) process.stderr.write(`site built (${target})\n`);
    return true;
  } finally {
    rmSync(lock, { recursive: true, force: true });
  }
}

/**
 * Starts Kodo with its dashboard: the API worker, then the site worker (site/wrangler.toml),
 * two `wrangler dev` processes started one after the other. The site's service binding to the
 * worker goes through wrangler's dev registry; a private registry under `persistTo` makes
 * sure it reaches THIS worker and not another one running on the machine. The site forwards
 * /api/* to the worker, so `site.url` serves the dashboard and the whole API.
 * `vars` go to the API worker; BETTER_AUTH_URL defaults to the site's URL. `siteHost`: the
 * name the site is reached by (it listens on 127.0.0.1); "localhost" for WebAuthn, which refuses
 * an IP address as the relying party's id.
 * Without ports (tests, benchmarks) it picks free ones, and picks again when one was taken
 * meanwhile: the site's port is chosen before the API worker starts, whose workerd opens
 * listening sockets of its own and may take it first (seen once in CI).
 */
export async function startKodo({ apiPort = /** @type {number | undefined} */ (undefined), sitePort = /** @type {number | undefined} */ (undefined), persistTo, vars = {}, log = false, migrate = true, build = true, siteHost = "127.0.0.1" }) {
  if (build) await ensureSiteBuilt({ log });
  const pick = apiPort === undefined && sitePort === undefined;
  for (let attempt = 1; ; attempt++) {
    try {
      return await startKodoOn(pick ? await freePort() : apiPort, pick ? await freePort() : sitePort, { persistTo, vars, log, migrate: migrate && attempt === 1, siteHost });
    } catch (err) {
      if (!pick || attempt >= 3 || !String(err?.message).includes("Address already in use")) throw err;
    }
  }
}

async function startKodoOn(apiPort, sitePort, { persistTo, vars, log, migrate, siteHost }) {
  const env = { WRANGLER_REGISTRY_PATH: path.join(persistTo, "dev-registry") };
  const siteUrl = `http://${siteHost}:${sitePort}`;
  const api = await startWorker({ port: apiPort, persistTo, vars: { BETTER_AUTH_URL: siteUrl, ...vars }, log, migrate, env });
  try {
    const site = await startWorker({ port: sitePort, persistTo: path.join(persistTo, "site"), config: "site/wrangler.toml", migrate: false, log, env });
    return { api, site: { ...site, url: siteUrl }, stop: async () => Promise.all([site.stop(), api.stop()]) };
  } catch (err) {
    await api.stop();
    throw err;
  }
}
