/**
 * A benchmark's figures: printed as the last line of output (one JSON object, for scripts and
 * CI) and kept in bench/results/<bench>.json (git-ignored) for comparing runs.
 */
import { mkdirSync, writeFileSync } from "node:fs";
import path from "node:path";
import { fileURLToPath } from "node:url";

const RESULTS = path.resolve(path.dirname(fileURLToPath(import.meta.url)), "..", "results");

export function report(figures: { bench: string } & Record<string, unknown>): void {
  const line = JSON.stringify({ ...figures, measured_at: new Date().toISOString() });
  mkdirSync(RESULTS, { recursive: true });
  writeFileSync(path.join(RESULTS, `${figures.bench}.json`), line + "\n");
  console.log(line);
}
