/**
 * One upstream request of the relay, the same on every platform: a batch of heartbeats (already
 * in their wire form, relay.ts `relayWireHeartbeat`) POSTed to the upstream's bulk route with
 * the user's key, through the address policy on every hop (net/safe-fetch.ts), bounded in time
 * (RELAY_TIMEOUT_MS) and in the bytes of the answer read. The answer is read by
 * `readRelayAnswer`; a network failure or a timeout is a batch to retry.
 */
import { safeFetch, UNREACHABLE_TEXT, type Outbound } from "../net/safe-fetch.ts";
import { cappedText } from "../net/capped-body.ts";
import { RELAY_TIMEOUT_MS, readRelayAnswer, relayBulkUrl, type RelayAnswer } from "./relay.ts";

/** Bytes of an upstream answer read at most (a bulk answer for 100 heartbeats is ~10 KB). */
const MAX_ANSWER_BYTES = 1_048_576;

export async function sendRelayBatch(outbound: Outbound, baseUrl: string, key: string, machine: string | null, bodies: readonly string[]): Promise<RelayAnswer> {
  let status: number;
  let body: unknown = null;
  try {
    const headers: Record<string, string> = {
      authorization: `Basic ${btoa(key)}`,
      "content-type": "application/json",
      "user-agent": "kodo-relay/1",
    };
    if (machine !== null) headers["x-machine-name"] = machine;
    const res = await safeFetch(outbound, relayBulkUrl(baseUrl), {
      method: "POST",
      headers,
      body: `[${bodies.join(",")}]`,
      signal: AbortSignal.timeout(RELAY_TIMEOUT_MS),
    });
    status = res.status;
    const text = await cappedText(res, MAX_ANSWER_BYTES).catch(() => "");
    try {
      body = JSON.parse(text);
    } catch {
      body = null;
    }
  } catch (err) {
    const why = err instanceof Error && err.message !== UNREACHABLE_TEXT ? `could not reach the upstream: ${err.message}` : `${UNREACHABLE_TEXT} (or it did not answer within ${RELAY_TIMEOUT_MS / 1000} s)`;
    return { kind: "retry", error: why };
  }
  return readRelayAnswer(status, body, bodies.length);
}

/** What an answer does to the batch sent: which items leave the queue, and what to count. */
export interface RelayBatchOutcome<Id> {
  /** Delivered or given up: removed from the queue. */
  done: Id[];
  forwarded: number;
  dropped: number;
  /** The error to show (the last one), or null. */
  error: string | null;
  /** Some items (or the whole batch) are to be sent again, after backing off. */
  retry: boolean;
}

/**
 * Applies a non-retry answer to the batch `ids` (in the order sent): delivered items count as
 * forwarded, refused ones as dropped (their error kept), items answered 5xx stay queued.
 */
export function relayBatchOutcome<Id>(answer: Exclude<RelayAnswer, { kind: "retry" }>, ids: readonly Id[]): RelayBatchOutcome<Id> {
  if (answer.kind === "drop") return { done: [...ids], forwarded: 0, dropped: ids.length, error: answer.error, retry: false };
  const out: RelayBatchOutcome<Id> = { done: [], forwarded: 0, dropped: 0, error: null, retry: false };
  answer.items.forEach((item, i) => {
    if (item.kind === "retry") return void (out.retry = true);
    out.done.push(ids[i]!);
    if (item.kind === "done") out.forwarded++;
    else {
      out.dropped++;
      out.error = item.error;
    }
  });
  return out;
}
