/** The flush policy wrangler.toml configures for the worker (bench:writes and bench:scale replay it). */
import { readFileSync } from "node:fs";
import path from "node:path";
import { fileURLToPath } from "node:url";
import type { FlushPolicy } from "../../core/src/sessions/flush-policy.ts";

export function configuredPolicy(): FlushPolicy {
  const toml = readFileSync(path.resolve(path.dirname(fileURLToPath(import.meta.url)), "..", "..", "wrangler.toml"), "utf8");
  const read = (name: string) => {
    const m = new RegExp(`^${name}\\s*=\\s*"?(\\d+)"?`, "m").exec(toml);
    if (!m) throw new Error(`${name} not found in wrangler.toml`);
    return Number(m[1]);
  };
  return { quietSeconds: read("FLUSH_QUIET_SECONDS"), maxDelaySeconds: read("FLUSH_MAX_DELAY_SECONDS"), minIntervalSeconds: read("FLUSH_MIN_INTERVAL_SECONDS") };
}
