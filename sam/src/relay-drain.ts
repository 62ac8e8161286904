/**
 * The relay's scheduled drain (template.yaml RelayDrainFunction, an EventBridge schedule; the
 * local runner calls it on an interval): sends every due user's queued heartbeats to their
 * upstream (src/dynamo/relay.ts has how; core relay/ the rules). It stops starting batches a
 * margin before the invocation's own deadline; what is left is due for the next run at once.
 */
import { RELAY_RETRY_BASE_SECONDS } from "@kodo/core";
import { documentClient } from "./dynamo/client.ts";
import { drainRelays, type DrainReport } from "./dynamo/relay.ts";
import { lambdaOutbound } from "./outbound.ts";
import type { LambdaEnv } from "./ports.ts";

/** Time kept back from the invocation's deadline: one upstream request and its bookkeeping. */
const MARGIN_MS = 15_000;

export function relayDrain(env: LambdaEnv) {
  const table = env.ACTIVITY_TABLE;
  if (!table) throw new Error("ACTIVITY_TABLE is not set");
  const doc = documentClient(env.DYNAMODB_ENDPOINT ? { endpoint: env.DYNAMODB_ENDPOINT } : {});
  const base = Number(env.KODO_RELAY_RETRY_BASE_SECONDS);
  const outbound = lambdaOutbound(env);
  return (remainingMs: number): Promise<DrainReport> =>
    drainRelays(doc, {
      table,
      secret: env.KODO_RELAY_SECRET,
      outbound,
      retryBaseSeconds: Number.isFinite(base) && base > 0 ? base : RELAY_RETRY_BASE_SECONDS,
      deadlineMs: Date.now() + Math.max(0, remainingMs - MARGIN_MS),
    });
}

const drain = relayDrain(process.env);

export async function handler(_event: unknown, context: { getRemainingTimeInMillis(): number }): Promise<DrainReport> {
  const report = await drain(context.getRemainingTimeInMillis());
  if (report.batches > 0) console.log(JSON.stringify({ relay: report }));
  return report;
}
