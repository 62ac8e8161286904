/**
 * `/api/kodo/account`: the caller's profile and settings, and account deletion. Key
 * management, export and import are in account-keys.ts and account-data.ts. Authentication
 * and who may do what: account-auth.ts.
 */
import { Hono } from "hono";
import { describeRoute } from "hono-openapi";
import type { AppContext, AppEnv } from "../context.ts";
import { ApiError, jsonError } from "../errors.ts";
import { errorResponses, jsonResponse } from "../openapi-schemas.ts";
import { API_KEY_SECURITY } from "../openapi.ts";
import { admin, requireAccount } from "./account-auth.ts";
import { accountSchema, jsonBody, progressSchema, progressView, userSchema, userView } from "./account-views.ts";
import { readSmallJson } from "../body.ts";
import { parseProfileChange } from "../../accounts/profile.ts";
import { z } from "zod";
import { accountKeyRoutes } from "./account-keys.ts";
import { accountDataRoutes } from "./account-data.ts";
import { accountImportRoutes } from "./account-remote-import.ts";
import { accountHeartbeatRoutes } from "./account-heartbeats.ts";
import { accountRelayRoutes } from "./account-relay.ts";
import { purgeUserCaches } from "../user-caches.ts";

export const accountRoutes = new Hono<AppEnv>();

const TAGS = ["Account"];
const AUTH_NOTE = "Authenticated by the dashboard's sign-in cookie (writes need X-CSRF-Token and a trusted Origin) or an API key.";

accountRoutes.get(
  "/",
  describeRoute({
    tags: TAGS,
    summary: "The caller's account",
    description: `Profile, settings, sign-in identities and the progress of a history recompute. ${AUTH_NOTE}`,
    security: API_KEY_SECURITY,
    responses: { 200: jsonResponse("The account.", accountSchema), ...errorResponses(401) },
  }),
  requireAccount("read"),
  async (c) => {
    const { accounts, activity } = admin(c);
    const user = c.var.auth.user;
    const [identities, recompute] = await Promise.all([accounts.listIdentities(user.id), activity.recomputeProgress(user)]);
    c.header("Cache-Control", "private, no-store");
    return c.json({
      user: userView(user),
      identities: identities.map((i) => ({ provider: i.provider, ...(i.provider === "passkey" ? { name: i.name ?? null } : {}), created_at: i.createdAt })),
      recompute: progressView(recompute),
      auth: c.var.session ? "session" : "api_key",
      csrf_token: c.var.session?.csrfToken ?? null,
    });
  },
);

accountRoutes.patch(
  "/",
  describeRoute({
    tags: TAGS,
    summary: "Change profile and settings",
    description:
      "Any of `username` (3-30 of a-z 0-9 _ -), `display_name`, `time_zone` (IANA) and `keystroke_timeout_minutes` (1-240). " +
      "A new time zone or timeout recomputes the whole history in the background; `recompute` reports its progress. " +
      `Needs a full-access key or a session. ${AUTH_NOTE}`,
    security: API_KEY_SECURITY,
    requestBody: jsonBody("The fields to change.", {
      type: "object",
      properties: {
        username: { type: "string" },
        display_name: { type: ["string", "null"] },
        time_zone: { type: "string", example: "Europe/Berlin" },
        keystroke_timeout_minutes: { type: "integer", minimum: 1, maximum: 240 },
      },
    }),
    responses: {
      200: jsonResponse("The updated account.", z.object({ user: userSchema, recompute: progressSchema })),
      ...errorResponses(400, 401, 403),
      409: jsonResponse("The username is taken.", z.object({ error: z.string() })),
    },
  }),
  requireAccount("write"),
  async (c) => {
    const parsed = parseProfileChange(await readSmallJson(c));
    if (!parsed.ok) return jsonError(c, 400, parsed.error);
    const change = parsed.value;
    const { accounts, activity } = admin(c);
    const before = c.var.auth.user;
    if (change.username !== undefined && change.username !== before.username) {
      if (await accounts.usernameTaken(change.username, before.id)) return jsonError(c, 409, "username: already taken");
    }
    const user = await accounts.updateProfile(before.id, change);
    if (user === "username-taken") return jsonError(c, 409, "username: already taken");
    // Username, display name and time zone all show in public reads and leaderboards.
    await purgeUserCaches(c.var.ports, user.id);
    const settingsChanged = user.timeZone !== before.timeZone || user.keystrokeTimeoutMinutes !== before.keystrokeTimeoutMinutes;
    // The activity store recomputes history when it sees new settings; tell it now rather
    // than on the next heartbeat, so the recompute starts (and shows progress) at once.
    const recompute = settingsChanged ? await activity.adoptSettings(user) : await activity.recomputeProgress(user);
    return c.json({ user: userView(user), recompute: progressView(recompute) });
  },
);

accountRoutes.delete(
  "/",
  describeRoute({
    tags: TAGS,
    summary: "Delete the account",
    description:
      'Deletes the account and everything Kodo holds about it: every row in D1 and the user\'s activity store (raw heartbeats). ' +
      'Sessions and keys stop working at once. Body: `{"confirm": "<your username>"}`. Only from a signed-in session (not with an API key).',
    requestBody: jsonBody("Confirmation.", { type: "object", required: ["confirm"], properties: { confirm: { type: "string" } } }),
    responses: { 200: jsonResponse("Deleted.", z.object({ deleted: z.literal(true) })), ...errorResponses(400, 401, 403) },
  }),
  requireAccount("session"),
  async (c) => {
    const body = await readSmallJson(c);
    const user = c.var.auth.user;
    if (body.confirm !== user.username) throw new ApiError(400, `confirm: type your username ("${user.username}") to confirm the deletion`);
    await deleteAccount(c);
    for (const cookie of c.var.ports.sessions?.clearingCookies() ?? []) c.header("Set-Cookie", cookie, { append: true });
    return c.json({ deleted: true as const });
  },
);

/**
 * Deletion in three idempotent steps, so a failure half-way can simply be retried (signing
 * in again recreates nothing but a session): access first (no key or session can write while
 * the activity is erased), then the activity store, then every remaining row. Then the cache
 * fan-out: with the rows gone no public read finds the user, and the leaderboards' version
 * changes with their leaving; it drops what this isolate still holds.
 */
async function deleteAccount(c: AppContext): Promise<void> {
  const { accounts, activity } = admin(c);
  const user = c.var.auth.user;
  await accounts.revokeAllAccess(user.id);
  await activity.deleteAll(user);
  await accounts.deleteAccountRows(user.id);
  await purgeUserCaches(c.var.ports, user.id);
}

/** Everything under `/api/kodo/account`. */
export function accountApi() {
  return new Hono<AppEnv>()
    .route("/", accountRoutes)
    .route("/keys", accountKeyRoutes)
    .route("/", accountDataRoutes)
    .route("/", accountHeartbeatRoutes)
    .route("/imports", accountImportRoutes)
    .route("/relay", accountRelayRoutes);
}
