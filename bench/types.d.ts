/** autocannon ships no types: the part of its API the benchmarks use. */
declare module "autocannon" {
  interface Histogram {
    p50: number;
    p99: number;
    average: number;
    total: number;
  }
  interface Result {
    requests: Histogram;
    latency: Histogram;
    duration: number;
    non2xx: number;
    errors: number;
    timeouts: number;
    statusCodeStats: Record<string, { count: number }>;
  }
  interface Options {
    url: string;
    connections?: number;
    duration?: number;
    timeout?: number;
    requests?: Record<string, unknown>[];
  }
  export default function autocannon(options: Options): Promise<Result>;
}
