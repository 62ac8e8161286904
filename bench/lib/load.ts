/**
 * One autocannon run against workerd with fresh bodies per request, plus the CPU workerd and
 * this process used during it (from /proc and process.cpuUsage: the load generator shares the
 * two cores, so its own share is reported too).
 */
import autocannon from "autocannon";
import { processCpuSeconds } from "./runtime.ts";

export interface LoadSpec {
  url: string;
  path: string;
  connections: number;
  seconds: number;
  headers: Record<string, string>;
  /** GET (no body) or POST (default). */
  method?: "GET" | "POST";
  /** Builds the next request's body (POST). */
  body?: () => string;
  /** The next request's Authorization header (called right after `body`). */
  authorization?: () => string;
  /** Heartbeats each successful request carries (for heartbeats/s); 0 for the bare route. */
  heartbeatsPerRequest: number;
  /** Checks a response; returns a problem or null. Bodies are only read when given. */
  check?: (status: number, body: string) => string | null;
  workerdPids: number[];
}

export interface LoadResult {
  requests: number;
  requestsPerSecond: number;
  heartbeatsPerSecond: number;
  p50Ms: number;
  p99Ms: number;
  /** workerd CPU seconds per request during the run. */
  workerdCpuMsPerRequest: number;
  /** Share of one core this load generator used. */
  clientCpuCores: number;
  problems: string[];
}

export async function runLoad(spec: LoadSpec): Promise<LoadResult> {
  const problems: string[] = [];
  const note = (p: string) => {
    if (problems.length < 5) problems.push(p);
  };
  const cpuBefore = processCpuSeconds(spec.workerdPids);
  const selfBefore = process.cpuUsage();
  const started = process.hrtime.bigint();
  const result = await autocannon({
    url: spec.url,
    connections: spec.connections,
    duration: spec.seconds,
    timeout: 30,
    requests: [
      {
        method: spec.method ?? "POST",
        path: spec.path,
        headers: { ...(spec.body ? { "content-type": "application/json" } : {}), ...spec.headers },
        setupRequest: (req: { headers?: Record<string, string> }) => {
          const body = spec.body?.();
          const headers = spec.authorization ? { ...req.headers, authorization: spec.authorization() } : req.headers;
          return body === undefined ? { ...req, headers } : { ...req, body, headers };
        },
        ...(spec.check
          ? {
              onResponse: (status: number, body: string) => {
                const p = spec.check!(status, body);
                if (p) note(p);
              },
            }
          : {}),
      },
    ],
  });
  const wallSeconds = Number(process.hrtime.bigint() - started) / 1e9;
  const self = process.cpuUsage(selfBefore);
  const workerdCpu = processCpuSeconds(spec.workerdPids) - cpuBefore;
  const ok = result.requests.total - result.non2xx;
  if (result.non2xx > 0) note(`${result.non2xx} non-2xx responses: ${JSON.stringify(result.statusCodeStats)}`);
  if (result.errors > 0 || result.timeouts > 0) note(`${result.errors} errors, ${result.timeouts} timeouts`);
  return {
    requests: result.requests.total,
    requestsPerSecond: ok / result.duration,
    heartbeatsPerSecond: (ok * spec.heartbeatsPerRequest) / result.duration,
    p50Ms: result.latency.p50,
    p99Ms: result.latency.p99,
    workerdCpuMsPerRequest: (workerdCpu * 1000) / Math.max(1, result.requests.total),
    clientCpuCores: (self.user + self.system) / 1e6 / wallSeconds,
    problems,
  };
}
