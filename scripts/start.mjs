/**
 * `npm start`: runs Kodo locally with nothing to configure. Installs what is missing, applies
 * D1 migrations to local state (.wrangler/state), makes sure the local `dev` account exists,
 * writes its API key to .kodo/local-api-key, and starts the worker on workerd.
 */
import { existsSync, mkdirSync, readFileSync, writeFileSync } from "node:fs";
import { spawnSync } from "node:child_process";
import { randomUUID } from "node:crypto";
import path from "node:path";
import { fileURLToPath } from "node:url";

const ROOT = path.resolve(path.dirname(fileURLToPath(import.meta.url)), "..");
if (!existsSync(path.join(ROOT, "node_modules", ".bin", "wrangler"))) {
  console.log("Installing dependencies (first run)...");
  const r = spawnSync("npm", ["install", "--no-audit", "--no-fund"], { cwd: ROOT, stdio: "inherit" });
  if (r.status !== 0) process.exit(r.status ?? 1);
}

const { ensureUser, startWorker } = await import("./local-worker.mjs");
const port = Number(process.env.KODO_PORT ?? 8787);
const persistTo = path.join(ROOT, ".wrangler", "state");
const keyFile = path.join(ROOT, ".kodo", "local-api-key");
mkdirSync(path.dirname(keyFile), { recursive: true });
const key = existsSync(keyFile) ? readFileSync(keyFile, "utf8").trim() : `waka_${randomUUID()}`;
writeFileSync(keyFile, `${key}\n`, { mode: 0o600 });

const { applyMigrations } = await import("./local-worker.mjs");
await applyMigrations(persistTo);
await ensureUser(persistTo, { username: "dev", key, label: "local dev (npm start)" });
const worker = await startWorker({ port, persistTo, migrate: false, log: process.env.KODO_LOG === "1" });

const api = `${worker.url}/api`;
console.log(`Kodo API: ${worker.url}`);
console.log(`Local account "dev", API key: ${key} (also in .kodo/local-api-key)`);
console.log(`Point any WakaTime plugin here with these lines in ~/.wakatime.cfg:`);
console.log(`  [settings]\n  api_url = ${api}/v1\n  api_key = ${key}`);
console.log("Press Ctrl+C to stop.");

const shutdown = async () => {
  await worker.stop();
  process.exit(0);
};
process.on("SIGINT", shutdown);
process.on("SIGTERM", shutdown);
worker.child.on("exit", (code) => {
  console.error(`worker exited (${code})\n${worker.output().slice(-3000)}`);
  process.exit(code ?? 1);
});
