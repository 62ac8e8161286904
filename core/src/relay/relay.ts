/**
 * Relay: each heartbeat Kodo newly stores is also forwarded to one upstream WakaTime-compatible
 * server the user chose (WakaTime, Wakapi, another Kodo), so Kodo can be tried without leaving
 * the old server. The platform queues (Cloudflare: an outbox in the user's Durable Object) and
 * sends on its own time; the client's request never waits on the upstream. The rules live
 * here, pure: what a setting may be, what is sent, how an answer is read, when to retry.
 *
 * Limits, and what happens when the upstream is down for days:
 * - attempts back off exponentially: RELAY_RETRY_BASE_SECONDS after the first failure,
 *   doubling, at most one attempt an hour (RELAY_RETRY_MAX_SECONDS), with +-10% jitter;
 * - at most RELAY_QUEUE_MAX heartbeats wait: when the queue is full, new heartbeats are not
 *   queued (they are counted as dropped and the error says so), so the oldest, already waiting,
 *   go first and nothing is reordered;
 * - a heartbeat waits at most RELAY_MAX_AGE_SECONDS (7 days): older ones are dropped (counted,
 *   error recorded). After an outage shorter than that, everything queued arrives, in order.
 */
import { checkUrl, type AddressPolicyOptions } from "../net/address-policy.ts";
import type { Parsed } from "../accounts/api-keys.ts";
import type { Heartbeat } from "../types.ts";
import type { User } from "../ports.ts";
import { toWireHeartbeat } from "../wakatime/v1/heartbeat.ts";

/** Heartbeats per upstream request (wakatime-cli sends 25 at a time; servers take 100s). */
export const RELAY_BATCH_SIZE = 100;
export const RELAY_QUEUE_MAX = 20_000;
export const RELAY_MAX_AGE_SECONDS = 7 * 86_400;
export const RELAY_RETRY_BASE_SECONDS = 30;
export const RELAY_RETRY_MAX_SECONDS = 3_600;
/** How long one upstream request may take (a hung upstream is a failed attempt). */
export const RELAY_TIMEOUT_MS = 10_000;
/** Delay between a first queued heartbeat and the send, so a burst goes in one request. */
export const RELAY_GATHER_SECONDS = 1;
const URL_MAX = 2_048;
const KEY_MIN = 8;
const KEY_MAX = 256;

/** What the user sets: the upstream's API base URL (as wakatime-cli's `api_url`) and key. */
export interface RelayInput {
  url: string;
  key: string;
}

/** The relay as its owner sees it; times in epoch seconds. Never the key itself. */
export interface RelayStatus {
  url: string;
  /** The key's last four characters. */
  keyHint: string;
  setAt: number;
  queued: number;
  oldestQueuedAt: number | null;
  lastSuccessAt: number | null;
  lastError: string | null;
  lastErrorAt: number | null;
  /** When the next attempt is due while heartbeats wait (backing off after failures). */
  nextAttemptAt: number | null;
  /** Failed attempts in a row (0 after a success). */
  failures: number;
  /** Heartbeats the upstream accepted, and heartbeats given up (refused, too old, queue full). */
  forwarded: number;
  dropped: number;
}

/** The relay setting of each user (Cloudflare: the user's Durable Object). */
export interface RelayStore {
  status(user: User): Promise<RelayStatus | null>;
  /** Sets (or replaces) the upstream. The same URL keeps the queue; a new one starts empty. */
  set(user: User, input: RelayInput): Promise<RelayStatus>;
  /** Removes the upstream and drops its queue; false when none was set. */
  clear(user: User): Promise<boolean>;
}

/**
 * Checks a PUT body: `url` (http(s), a public host by the address policy's form checks; the
 * addresses it resolves to are checked on every send) and `key` (8-256 printable ASCII
 * characters, no spaces: WakaTime's `waka_<uuid>`, Wakapi's and Kodo's keys all fit).
 */
export function parseRelayInput(body: Record<string, unknown>, policy: AddressPolicyOptions): Parsed<RelayInput> {
  const { url, key } = body;
  if (typeof url !== "string" || url.trim() === "") return { ok: false, error: "url: required, the upstream's API base URL (e.g. https://wakatime.com/api/v1)" };
  if (url.length > URL_MAX) return { ok: false, error: `url: at most ${URL_MAX} characters` };
  let parsed: URL;
  try {
    parsed = new URL(url.trim());
  } catch {
    return { ok: false, error: "url: not a URL" };
  }
  const verdict = checkUrl(parsed, policy);
  if (!verdict.ok) return { ok: false, error: verdict.problem === "form" ? `url: ${verdict.error}` : "url: must name a public host (not a private, loopback or local address)" };
  if (parsed.search !== "" || parsed.hash !== "") return { ok: false, error: "url: the API base URL, without query or fragment" };
  if (typeof key !== "string" || key.length < KEY_MIN || key.length > KEY_MAX || !/^[\x21-\x7e]+$/.test(key)) {
    return { ok: false, error: `key: required, the upstream's API key (${KEY_MIN}-${KEY_MAX} printable characters, no spaces)` };
  }
  return { ok: true, value: { url: relayBaseUrl(parsed), key } };
}

/** The API base without trailing slashes: `https://wakapi.dev/api/` -> `https://wakapi.dev/api`. */
export function relayBaseUrl(url: URL): string {
  return url.origin + url.pathname.replace(/\/+$/, "");
}

/** Where a batch goes: WakaTime's bulk route under the base, as wakatime-cli builds it. */
export function relayBulkUrl(base: string): string {
  return `${base}/users/current/heartbeats.bulk`;
}

export function keyHintOf(key: string): string {
  return key.slice(-4);
}

/**
 * Seconds to wait after the `failures`-th failed attempt in a row: base, 2 x base, 4 x base,
 * ... at most RELAY_RETRY_MAX_SECONDS, times a jitter of +-10% (`random` in [0, 1)) so that
 * many users' queues do not hit a recovering upstream in step.
 */
export function relayRetryDelaySeconds(failures: number, baseSeconds = RELAY_RETRY_BASE_SECONDS, random: () => number = Math.random): number {
  const exponent = Math.min(Math.max(failures, 1) - 1, 30);
  const delay = Math.min(baseSeconds * 2 ** exponent, RELAY_RETRY_MAX_SECONDS);
  return delay * (0.9 + 0.2 * random());
}

/**
 * A stored heartbeat as sent upstream: WakaTime's request fields (the wire shape less what the
 * server derives itself: editor, OS and machine; the user agent under its request name), nulls
 * left out.
 */
export function relayWireHeartbeat(hb: Heartbeat): Record<string, unknown> {
  const { editor: _editor, operating_system: _os, machine_name_id: _machine, user_agent_id, dependencies, ...fields } = toWireHeartbeat(hb);
  const wire: Record<string, unknown> = { ...fields, dependencies: dependencies.length > 0 ? dependencies : null, user_agent: user_agent_id };
  for (const k of Object.keys(wire)) if (wire[k] === null) delete wire[k];
  return wire;
}

/** What became of one forwarded heartbeat. */
export type RelayItemOutcome = { kind: "done" } | { kind: "refused"; error: string } | { kind: "retry" };

/** What to do with a batch after the upstream answered `status` with `body`. */
export type RelayAnswer = { kind: "items"; items: RelayItemOutcome[] } | { kind: "retry"; error: string } | { kind: "drop"; error: string };

/**
 * Reads the upstream's answer to a bulk POST of `count` heartbeats:
 * - 2xx with WakaTime's `{"responses": [[body, status], ...]}`: per item, 2xx is delivered,
 *   4xx refused (dropped, its error recorded: sending it again would be refused again), 5xx
 *   retried; a 2xx without a readable per-item list counts as all delivered;
 * - 401, 403 (a wrong or revoked key: fixing the setting delivers what waits), 408, 429 and
 *   5xx: the whole batch is retried with backoff;
 * - any other 4xx refuses the whole batch (dropped, error recorded).
 */
export function readRelayAnswer(status: number, body: unknown, count: number): RelayAnswer {
  if (status >= 200 && status < 300) {
    const responses = (body as { responses?: unknown } | null)?.responses;
    if (!Array.isArray(responses) || responses.length !== count) return { kind: "items", items: Array.from({ length: count }, () => ({ kind: "done" as const })) };
    return {
      kind: "items",
      items: responses.map((r): RelayItemOutcome => {
        const itemStatus = Array.isArray(r) && typeof r[1] === "number" ? r[1] : 201;
        if (itemStatus >= 200 && itemStatus < 300) return { kind: "done" };
        if (itemStatus >= 400 && itemStatus < 500) return { kind: "refused", error: `upstream refused a heartbeat (${itemStatus}${errorText(Array.isArray(r) ? r[0] : null)})` };
        return { kind: "retry" };
      }),
    };
  }
  if (status === 401 || status === 403) return { kind: "retry", error: `upstream refused the key (${status}${errorText(body)}): check the key` };
  if (status === 408 || status === 429 || status >= 500 || status < 200) return { kind: "retry", error: `upstream answered ${status}${errorText(body)}` };
  if (status >= 300 && status < 400) return { kind: "retry", error: `upstream answered ${status} (a redirect it did not complete)` };
  return { kind: "drop", error: `upstream refused the batch (${status}${errorText(body)})` };
}

/** ": <the server's error text>" when its answer has one (cut short), else "". */
function errorText(body: unknown): string {
  const e = (body as { error?: unknown; message?: unknown } | null)?.error ?? (body as { message?: unknown } | null)?.message;
  return typeof e === "string" && e !== "" ? `: ${e.slice(0, 200)}` : "";
}
