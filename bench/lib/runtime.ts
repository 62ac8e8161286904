/**
 * Starts the bench build of the worker on workerd, in this process, through wrangler's
 * `unstable_DevEnv` (what `unstable_startWorker` uses), and hands back workerd's OWN address:
 * `wrangler dev`'s proxy in front of it caps throughput on a 2-core machine (STACK.md), so the
 * benchmarks talk to the user worker directly. D1 migrations are applied first with the shared
 * launcher's `applyMigrations` (scripts/local-worker.mjs).
 */
import { mkdtemp, rm } from "node:fs/promises";
import { existsSync, readdirSync, readFileSync } from "node:fs";
import os from "node:os";
import path from "node:path";
import { fileURLToPath } from "node:url";
import { randomBytes } from "node:crypto";
import { ROOT, applyMigrations, freePort } from "../../scripts/local-worker.mjs";
import { checkBenchConfig } from "./bench-config.ts";

const BENCH_DIR = path.resolve(path.dirname(fileURLToPath(import.meta.url)), "..");
export const BENCH_CONFIG = path.join(BENCH_DIR, "worker", "wrangler.bench.toml");

// Offline machine: no Request.cf fetch, no telemetry (STACK.md pitfall 4).
process.env.CLOUDFLARE_CF_FETCH_ENABLED = "false";
process.env.WRANGLER_SEND_METRICS = "false";
process.env.CI ??= "1";
process.env.WRANGLER_LOG ??= "warn";

export interface BenchRuntime {
  /** workerd's own address (no proxy). */
  url: string;
  persistTo: string;
  storage: string;
  /** Pids of the workerd processes this runtime started (for /proc CPU accounting). */
  workerdPids: number[];
  /** The user worker's V8 inspector (DevTools protocol) when started with `inspect`. */
  inspectorUrl?: string;
  dispose(): Promise<void>;
}

export interface StartOptions {
  /** Overrides of wrangler.toml vars, e.g. the flush policy. */
  vars?: Record<string, string>;
  /** Reuse a persist dir (otherwise a fresh temporary one is made and removed on dispose). */
  persistTo?: string;
  /** Open the V8 inspector (for CPU profiles; it slows the worker a little). */
  inspect?: boolean;
  /**
   * Where a fresh persist dir goes: "disk" (the OS temp dir, as `npm start` keeps state on
   * disk) or "memory" (/dev/shm: no fsync cost, for benchmarks that count rows rather than
   * time them). BENCH_STORAGE overrides.
   */
  storage?: "disk" | "memory";
}

export async function startBenchRuntime(options: StartOptions = {}): Promise<BenchRuntime> {
  await checkBenchConfig(path.join(ROOT, "wrangler.toml"), BENCH_CONFIG);
  const fresh = !options.persistTo;
  const storage = process.env.BENCH_STORAGE ?? options.storage ?? "disk";
  const parent = storage === "memory" && existsSync("/dev/shm") ? "/dev/shm" : os.tmpdir();
  const persistTo = options.persistTo ?? (await mkdtemp(path.join(parent, "kodo-bench-")));
  await applyMigrations(persistTo);
  const before = new Set(workerdChildren());
  const { unstable_DevEnv: DevEnv } = await import("wrangler");
  const inspectorPort = options.inspect ? await freePort() : undefined;
  const devEnv = new DevEnv();
  let direct: URL | undefined;
  let inspectorUrl: string | undefined;
  type UrlParts = { protocol: string; hostname: string; port: string; pathname?: string };
  devEnv.on("reloadComplete", (event: { proxyData: { userWorkerUrl: UrlParts; userWorkerInspectorUrl?: UrlParts } }) => {
    const u = event.proxyData.userWorkerUrl;
    direct = new URL(`${u.protocol}//${u.hostname}:${u.port}`);
    const i = event.proxyData.userWorkerInspectorUrl;
    if (i) inspectorUrl = `${i.protocol}//${i.hostname}:${i.port}${i.pathname ?? ""}`;
  });
  const bindings = {
    ...Object.fromEntries(Object.entries(options.vars ?? {}).map(([k, v]) => [k, { type: "plain_text", value: v }])),
    // Required by the accounts code; the benchmarks sign nobody in.
    BETTER_AUTH_SECRET: { type: "secret_text", value: randomBytes(32).toString("hex") },
    // Required by wrangler.toml (the relay seals upstream keys with it); the benchmarks relay nothing.
    KODO_RELAY_SECRET: { type: "secret_text", value: randomBytes(32).toString("hex") },
  };
  const worker = await devEnv.startWorker({
    config: BENCH_CONFIG,
    bindings,
    dev: {
      persist: persistTo,
      server: { hostname: "127.0.0.1", port: await freePort() },
      inspector: inspectorPort ? { hostname: "127.0.0.1", port: inspectorPort } : false,
      watch: false,
      logLevel: "warn",
    },
  } as never);
  await worker.ready;
  for (let i = 0; !direct && i < 200; i++) await new Promise((r) => setTimeout(r, 50));
  if (!direct) throw new Error("workerd's address never came (no reloadComplete event)");
  const url = direct.origin;
  const health = await fetch(`${url}/api/health`);
  if (!health.ok) throw new Error(`health check on ${url}: ${health.status}`);
  return {
    url,
    persistTo,
    storage: parent === "/dev/shm" ? "memory (/dev/shm)" : `disk (${parent})`,
    inspectorUrl: inspectorPort ? `ws://127.0.0.1:${inspectorPort}/ws` : inspectorUrl,
    workerdPids: workerdChildren().filter((pid) => !before.has(pid)),
    async dispose() {
      await worker.dispose();
      if (fresh) await rm(persistTo, { recursive: true, force: true });
    },
  };
}

/** workerd processes whose parent is this process (miniflare spawns them directly). */
function workerdChildren(): number[] {
  const out: number[] = [];
  for (const entry of readdirSync("/proc")) {
    if (!/^\d+$/.test(entry)) continue;
    try {
      const stat = readFileSync(`/proc/${entry}/stat`, "utf8");
      const close = stat.lastIndexOf(")");
      const comm = stat.slice(stat.indexOf("(") + 1, close);
      const ppid = Number(stat.slice(close + 2).split(" ")[1]);
      if (ppid === process.pid && comm.startsWith("workerd")) out.push(Number(entry));
    } catch {
      /* exited meanwhile */
    }
  }
  return out;
}

/** CPU seconds (user + system) used so far by the given processes, from /proc. */
export function processCpuSeconds(pids: number[]): number {
  const ticksPerSecond = 100; // USER_HZ on Linux
  let ticks = 0;
  for (const pid of pids) {
    const stat = readFileSync(`/proc/${pid}/stat`, "utf8");
    const fields = stat.slice(stat.lastIndexOf(")") + 2).split(" ");
    ticks += Number(fields[11]) + Number(fields[12]); // utime, stime (fields 14, 15 of stat)
  }
  return ticks / ticksPerSecond;
}
