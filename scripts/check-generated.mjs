/**
 * Generated files are the source of truth and must match their sources: regenerates the D1
 * and Durable Object migrations (drizzle-kit) and the worker's binding types (wrangler types),
 * then fails if that changed anything tracked or added files.
 */
import { execFileSync } from "node:child_process";
import path from "node:path";
import { fileURLToPath } from "node:url";

const ROOT = path.resolve(path.dirname(fileURLToPath(import.meta.url)), "..");
const env = { ...process.env, WRANGLER_SEND_METRICS: "false", CI: "1" };
const bin = (name) => path.join(ROOT, "node_modules", ".bin", name);
const run = (cmd, args, cwd = ROOT) => execFileSync(process.execPath, [bin(cmd), ...args], { cwd, env, stdio: ["ignore", "pipe", "pipe"] });

const watched = ["migrations", "worker/drizzle", "worker/worker-configuration.d.ts"];
const status = () => execFileSync("git", ["status", "--porcelain", "--", ...watched], { cwd: ROOT }).toString();
const before = status();

run("drizzle-kit", ["generate", "--config", "drizzle.config.ts"]);
run("drizzle-kit", ["generate", "--config", "drizzle.activity.config.ts"], path.join(ROOT, "worker"));
run("wrangler", ["types", "worker/worker-configuration.d.ts"]);

const after = status();
if (after !== before) {
  console.error("Generated files are out of date with their sources. Regenerate and commit them:");
  console.error(after);
  process.exit(1);
}
console.log("generated files: up to date");
