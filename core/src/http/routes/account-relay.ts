/**
 * `/api/kodo/account/relay`: one upstream WakaTime-compatible server (URL + key) that every
 * newly stored heartbeat is forwarded to (relay/relay.ts has the rules and limits). The key is
 * stored encrypted and never answered: only its last four characters. Reading needs a session
 * or any key; setting and removing, a session or a full-access key.
 */
import { Hono, type Context } from "hono";
import { describeRoute } from "hono-openapi";
import { z } from "zod";
import type { AppEnv } from "../context.ts";
import { jsonError } from "../errors.ts";
import { errorResponses, jsonResponse } from "../openapi-schemas.ts";
import { API_KEY_SECURITY } from "../openapi.ts";
import { requireAccount } from "./account-auth.ts";
import { jsonBody } from "./account-views.ts";
import { readSmallJson } from "../body.ts";
import { parseRelayInput, type RelayStatus } from "../../relay/relay.ts";

export const accountRelayRoutes = new Hono<AppEnv>();

const TAGS = ["Account"];
const AUTH_NOTE = "Authenticated by the dashboard's sign-in cookie (writes need X-CSRF-Token and a trusted Origin) or an API key (a full-access one to change it).";
const NOT_AVAILABLE = "Relay is not available on this server";

const iso = (t: number | null) => (t === null ? null : new Date(t * 1000).toISOString());

function relayView(s: RelayStatus) {
  return {
    url: s.url,
    key_hint: s.keyHint,
    set_at: iso(s.setAt)!,
    queued: s.queued,
    oldest_queued_at: iso(s.oldestQueuedAt),
    last_success_at: iso(s.lastSuccessAt),
    last_error: s.lastError,
    last_error_at: iso(s.lastErrorAt),
    next_attempt_at: iso(s.nextAttemptAt),
    failures: s.failures,
    forwarded: s.forwarded,
    dropped: s.dropped,
  };
}

const time = z.string().meta({ description: "ISO 8601 timestamp." });
const relaySchema = z.object({
  url: z.string().meta({ description: "The upstream's API base URL; batches go to `{url}/users/current/heartbeats.bulk`." }),
  key_hint: z.string().meta({ description: "The key's last four characters (the key itself is never answered)." }),
  set_at: time,
  queued: z.number().int().meta({ description: "Heartbeats waiting to be forwarded." }),
  oldest_queued_at: time.nullable(),
  last_success_at: time.nullable(),
  last_error: z.string().nullable(),
  last_error_at: time.nullable(),
  next_attempt_at: time.nullable().meta({ description: "When the next attempt is due while heartbeats wait (later after failures: exponential backoff)." }),
  failures: z.number().int().meta({ description: "Failed attempts in a row." }),
  forwarded: z.number().int().meta({ description: "Heartbeats the upstream accepted." }),
  dropped: z.number().int().meta({ description: "Heartbeats given up: refused by the upstream, older than 7 days, or not queued because the queue was full." }),
});
/** GET's answer; PUT answers `relaySetSchema` (exported for the tests that check answers against the document). */
export const relayAnswerSchema = z.object({ data: relaySchema.nullable() });
export const relaySetSchema = z.object({ data: relaySchema });

function store(c: Context<AppEnv>) {
  return c.var.ports.relay;
}

accountRelayRoutes.get(
  "/",
  describeRoute({
    tags: TAGS,
    summary: "The relay to an upstream server",
    description: `The upstream that new heartbeats are forwarded to, and the queue's state (\`data: null\` when none is set). ${AUTH_NOTE}`,
    security: API_KEY_SECURITY,
    responses: { 200: jsonResponse("The relay, or null.", relayAnswerSchema), ...errorResponses(401, 501) },
  }),
  requireAccount("read"),
  async (c) => {
    const relay = store(c);
    if (!relay) return jsonError(c, 501, NOT_AVAILABLE);
    const status = await relay.status(c.var.auth.user);
    c.header("Cache-Control", "private, no-store");
    return c.json({ data: status ? relayView(status) : null });
  },
);

accountRelayRoutes.put(
  "/",
  describeRoute({
    tags: TAGS,
    summary: "Set the relay",
    description:
      "`url`: the upstream's API base URL, as a WakaTime plugin's `api_url` (https://wakatime.com/api/v1, https://wakapi.dev/api, another Kodo's /api/v1); " +
      "it must name a public host. `key`: your API key there (8-256 printable characters), stored encrypted, never shown again but for its last four characters. " +
      "From then on every heartbeat Kodo newly stores (not duplicates, not older history) is queued and forwarded in batches, retried with backoff while the upstream fails. " +
      `Setting the same URL again (e.g. to fix the key) keeps the queue and retries at once; a new URL starts with an empty queue. ${AUTH_NOTE}`,
    security: API_KEY_SECURITY,
    requestBody: jsonBody("The upstream.", {
      type: "object",
      required: ["url", "key"],
      properties: { url: { type: "string", example: "https://wakatime.com/api/v1" }, key: { type: "string", example: "waka_00000000-0000-4000-8000-000000000000" } },
    }),
    responses: { 200: jsonResponse("The relay as now set.", relaySetSchema), ...errorResponses(400, 401, 403, 501) },
  }),
  requireAccount("write"),
  async (c) => {
    const relay = store(c);
    if (!relay) return jsonError(c, 501, NOT_AVAILABLE);
    const parsed = parseRelayInput(await readSmallJson(c), c.var.ports.outbound ?? {});
    if (!parsed.ok) return jsonError(c, 400, parsed.error);
    return c.json({ data: relayView(await relay.set(c.var.auth.user, parsed.value)) });
  },
);

accountRelayRoutes.delete(
  "/",
  describeRoute({
    tags: TAGS,
    summary: "Remove the relay",
    description: `Stops forwarding and drops the heartbeats still queued for the upstream (they stay stored in Kodo). ${AUTH_NOTE}`,
    security: API_KEY_SECURITY,
    responses: { 200: jsonResponse("Removed (`removed: false` when none was set).", z.object({ removed: z.boolean() })), ...errorResponses(401, 403, 501) },
  }),
  requireAccount("write"),
  async (c) => {
    const relay = store(c);
    if (!relay) return jsonError(c, 501, NOT_AVAILABLE);
    return c.json({ removed: await relay.clear(c.var.auth.user) });
  },
);
