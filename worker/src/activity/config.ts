import { DEFAULT_FLUSH_POLICY, RELAY_RETRY_BASE_SECONDS, type FlushPolicy } from "@kodo/core";

/** The flush policy from the worker's vars, falling back to the defaults. */
export function flushPolicyOf(env: Pick<Env, "FLUSH_QUIET_SECONDS" | "FLUSH_MAX_DELAY_SECONDS"> & { FLUSH_MIN_INTERVAL_SECONDS?: string }): FlushPolicy {
  const quiet = Number(env.FLUSH_QUIET_SECONDS);
  const max = Number(env.FLUSH_MAX_DELAY_SECONDS);
  const interval = Number(env.FLUSH_MIN_INTERVAL_SECONDS ?? Number.NaN);
  return {
    quietSeconds: Number.isFinite(quiet) && quiet >= 0 ? quiet : DEFAULT_FLUSH_POLICY.quietSeconds,
    maxDelaySeconds: Number.isFinite(max) && max >= 0 ? max : DEFAULT_FLUSH_POLICY.maxDelaySeconds,
    minIntervalSeconds: Number.isFinite(interval) && interval >= 0 ? interval : DEFAULT_FLUSH_POLICY.minIntervalSeconds,
  };
}

/**
 * Seconds before the relay's first retry (doubling after each failure, core relay/relay.ts):
 * KODO_RELAY_RETRY_BASE_SECONDS, for tests that take an upstream down and up again; default 30.
 */
export function relayRetryBaseOf(env: object): number {
  const base = Number((env as { KODO_RELAY_RETRY_BASE_SECONDS?: unknown }).KODO_RELAY_RETRY_BASE_SECONDS);
  return Number.isFinite(base) && base > 0 ? base : RELAY_RETRY_BASE_SECONDS;
}
