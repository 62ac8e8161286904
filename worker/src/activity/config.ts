import { DEFAULT_FLUSH_POLICY, type FlushPolicy } from "@kodo/core";

/** The flush policy from the worker's vars, falling back to the defaults. */
export function flushPolicyOf(env: Pick<Env, "FLUSH_QUIET_SECONDS" | "FLUSH_MAX_DELAY_SECONDS">): FlushPolicy {
  const quiet = Number(env.FLUSH_QUIET_SECONDS);
  const max = Number(env.FLUSH_MAX_DELAY_SECONDS);
  return {
    quietSeconds: Number.isFinite(quiet) && quiet >= 0 ? quiet : DEFAULT_FLUSH_POLICY.quietSeconds,
    maxDelaySeconds: Number.isFinite(max) && max >= 0 ? max : DEFAULT_FLUSH_POLICY.maxDelaySeconds,
  };
}
