/**
 * `npm start`: runs Kodo locally with nothing to configure. Installs what is missing, applies
 * D1 migrations to local state (.wrangler/state), makes sure the local `dev` account exists,
 * writes its API key to .kodo/local-api-key, makes a sign-in secret (.dev.vars) if there is
 * none, builds the dashboard if its sources changed, and starts the worker and the dashboard
 * (scripts/local-worker.mjs startKodo).
 */
import { existsSync, mkdirSync, readFileSync, writeFileSync } from "node:fs";
import { spawnSync } from "node:child_process";
import { randomBytes, randomUUID } from "node:crypto";
import path from "node:path";
import { fileURLToPath } from "node:url";

const ROOT = path.resolve(path.dirname(fileURLToPath(import.meta.url)), "..");
if (!existsSync(path.join(ROOT, "node_modules", ".bin", "wrangler"))) {
  console.log("Installing dependencies (first run)...");
  const r = spawnSync("npm", ["install", "--no-audit", "--no-fund"], { cwd: ROOT, stdio: "inherit" });
  if (r.status !== 0) process.exit(r.status ?? 1);
}

const { applyMigrations, ensureUser, startKodo } = await import("./local-worker.mjs");
const apiPort = Number(process.env.KODO_PORT ?? 8787);
const sitePort = Number(process.env.KODO_SITE_PORT ?? 8780);
const persistTo = path.join(ROOT, ".wrangler", "state");
const keyFile = path.join(ROOT, ".kodo", "local-api-key");
mkdirSync(path.dirname(keyFile), { recursive: true });
const key = existsSync(keyFile) ? readFileSync(keyFile, "utf8").trim() : `waka_${randomUUID()}`;
writeFileSync(keyFile, `${key}\n`, { mode: 0o600 });

const devVars = readDevVars();
/** The local account's address: sign in to the dashboard with it to see its history. */
const DEV_EMAIL = "dev@kodo.localhost";
await applyMigrations(persistTo);
await ensureUser(persistTo, { username: "dev", key, label: "local dev (npm start)", email: DEV_EMAIL });
console.log("Starting Kodo (the dashboard is rebuilt first when its sources changed)...");
const kodo = await startKodo({
  apiPort,
  sitePort,
  persistTo,
  migrate: false,
  log: process.env.KODO_LOG === "1",
  // .dev.vars entries beyond the secret (GOOGLE_CLIENT_ID, OIDC_ISSUER, ...) reach the worker
  // as vars; sign-in links go to the local outbox unless a mail sender is configured.
  vars: { KODO_LOCAL_OUTBOX: "1", ...devVars },
});

const api = `${kodo.api.url}/api`;
console.log(`Kodo API: ${kodo.api.url}`);
console.log(`Kodo dashboard: ${kodo.site.url}`);
console.log(`  sign in as "dev" with ${DEV_EMAIL} (or any address): the link shows at ${kodo.site.url}/dev/outbox and here`);
console.log(`Local account "dev", API key: ${key} (also in .kodo/local-api-key)`);
console.log(`Point any WakaTime plugin here with these lines in ~/.wakatime.cfg:`);
console.log(`  [settings]\n  api_url = ${api}/v1\n  api_key = ${key}`);
console.log("Press Ctrl+C to stop.");

const shutdown = async () => {
  await kodo.stop();
  process.exit(0);
};
process.on("SIGINT", shutdown);
process.on("SIGTERM", shutdown);
for (const [name, proc] of [["worker", kodo.api], ["dashboard", kodo.site]]) {
  proc.child.on("exit", async (code) => {
    console.error(`${name} exited (${code})\n${proc.output().slice(-3000)}`);
    await kodo.stop();
    process.exit(code ?? 1);
  });
}
// Sign-in links printed by the worker (its log is otherwise quiet unless KODO_LOG=1).
if (process.env.KODO_LOG !== "1") {
  kodo.api.child.stdout.on("data", (d) => {
    for (const line of String(d).split("\n")) if (/\[kodo outbox\]|magic-link\/verify/.test(line)) console.log(line.trim());
  });
}

/** Secrets wrangler reads itself from .dev.vars (wrangler.toml [secrets]); npm start makes them. */
const DEV_SECRETS = ["BETTER_AUTH_SECRET", "KODO_RELAY_SECRET"];

/**
 * .dev.vars (git-ignored): made with fresh secrets (sign-in, relay key encryption) on the first
 * run, and given any that an older one lacks. Returns its entries other than the secrets.
 */
function readDevVars() {
  const file = path.join(ROOT, ".dev.vars");
  if (!existsSync(file)) {
    writeFileSync(file, "# Local secrets for wrangler dev (git-ignored). Made by npm start.\n", { mode: 0o600 });
  }
  for (const name of DEV_SECRETS) {
    const text = readFileSync(file, "utf8");
    if (!new RegExp(`^\\s*${name}\\s*=\\s*\\S`, "m").test(text)) {
      writeFileSync(file, `${text === "" || text.endsWith("\n") ? "" : "\n"}${name}=${randomBytes(32).toString("hex")}\n`, { flag: "a" });
      console.log(`Added a new ${name} to .dev.vars (local secrets).`);
    }
  }
  const vars = {};
  for (const line of readFileSync(file, "utf8").split("\n")) {
    const m = /^\s*([A-Z][A-Z0-9_]*)\s*=\s*(.*?)\s*$/.exec(line);
    if (!m || DEV_SECRETS.includes(m[1])) continue;
    vars[m[1]] = m[2].replace(/^"(.*)"$/, "$1");
  }
  return vars;
}
