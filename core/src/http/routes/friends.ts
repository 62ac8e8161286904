/**
 * Friends (issue 9): follow requests by username, mutual once accepted.
 * - No answer tells whether a username exists (issue 13): a request answers the same 202 (same
 *   body, one store call doing the same work) for an unknown user, a known one, yourself, a
 *   friend or someone already asked; acting on a user answers the same 404 text whether they
 *   do not exist or there is nothing between you. The caller's outgoing list shows requests to
 *   names that name nobody, and declined requests, as pending (kept by name in the store), so
 *   it does not tell them apart either.
 * - A request to someone who already asked you accepts theirs (both want it).
 * - At most MAX_FRIENDS friends each: a request or an accept that would make a friendship
 *   past it answers 409 (whose limit, the caller's or the other's). The request's 409 for the
 *   other's limit comes only when they asked the caller, which the caller already knows.
 * - A friend's stats are limited by THEIR sharing settings exactly as public stats are
 *   (public-access.ts), except that a public profile is not needed: friendship is the consent.
 */
import { Hono } from "hono";
import { z } from "zod";
import { describeRoute, resolver } from "hono-openapi";
import type { AppContext, AppEnv } from "../context.ts";
import { ApiError } from "../errors.ts";
import { errorResponses, jsonResponse, pathParameter, validated } from "../openapi-schemas.ts";
import { API_KEY_SECURITY } from "../openapi.ts";
import { readRequiredJson } from "../body.ts";
import { requireApiKey } from "../auth.ts";
import { dashboardAuth } from "./dashboard-auth.ts";
import { friendRequestSchema, friendsSchema, friendStatsQuerySchema } from "./social-schemas.ts";
import { publicStatsSchema } from "./public-schemas.ts";
import { publicStats } from "./public.ts";
import { isRangeName, MAX_USERNAME_LENGTH, publicDays, publicRange } from "./public-access.ts";
import { socialOf } from "./leaderboard-data.ts";
import type { User } from "../../ports.ts";
import { MAX_FRIENDS, type FriendState, type SocialStore } from "../../social/ports.ts";

export const friendRoutes = new Hono<AppEnv>();

const TAGS = ["Social"];
const AUTH = "Authenticated by the sign-in cookie (writes need X-CSRF-Token) or an API key (writes: a full-access key).";
const NOT_FOUND = "No such user";
/** The one answer to every friend request, whoever the username names (or does not). */
export const FRIEND_REQUEST_SENT = "If that user exists, they have your friend request (if they had already asked you, you are now friends)";
const usernameParam = pathParameter("username", "The other user's username.");

function checkLength(username: string): void {
  if (username.length > MAX_USERNAME_LENGTH) throw new ApiError(400, `username: at most ${MAX_USERNAME_LENGTH} characters`);
}

async function other(c: AppContext, username: string): Promise<User> {
  checkLength(username);
  const found = await socialOf(c.var.ports).findUser(username);
  if (!found) throw new ApiError(404, NOT_FOUND);
  return found;
}

/**
 * The user named `username` and the state between them and the caller; an unknown user reads
 * as "none" after the same two lookups, so callers answer both cases alike.
 */
/** 409 when a friendship of `meId` (and `otherId`, if given) would take either past MAX_FRIENDS. */
async function checkFriendLimits(social: SocialStore, meId: string, otherId: string | null): Promise<void> {
  const [mine, theirs] = await Promise.all([social.friendCount(meId), otherId === null ? 0 : social.friendCount(otherId)]);
  if (mine >= MAX_FRIENDS) throw new ApiError(409, `You have ${MAX_FRIENDS} friends, the most Kodo keeps: remove one first`);
  if (theirs >= MAX_FRIENDS) throw new ApiError(409, `This user has ${MAX_FRIENDS} friends, the most Kodo keeps`);
}

async function linkWith(c: AppContext, username: string): Promise<{ user: User | null; state: FriendState }> {
  checkLength(username);
  const social = socialOf(c.var.ports);
  const user = await social.findUser(username);
  const state = await social.friendState(c.var.auth.user.id, user?.id ?? "");
  return { user, state: user ? state : "none" };
}

friendRoutes.get(
  "/friends",
  describeRoute({
    tags: TAGS,
    summary: "The caller's friends and pending requests",
    description: AUTH,
    security: API_KEY_SECURITY,
    responses: { 200: jsonResponse("Friends, incoming and outgoing requests.", friendsSchema), ...errorResponses(401) },
  }),
  dashboardAuth(),
  async (c) => {
    const lists = await socialOf(c.var.ports).friendLists(c.var.auth.user.id);
    const link = (l: (typeof lists.friends)[number]) => ({ username: l.user.username, displayName: l.user.displayName, at: l.at });
    c.header("Cache-Control", "private, no-store");
    return c.json({
      friends: lists.friends.map((l) => ({ username: l.user.username, displayName: l.user.displayName, since: l.at })),
      incoming: lists.incoming.map(link),
      // No display name before they accept: it would also tell a real user from a name kept as typed.
      outgoing: lists.outgoing.map((l) => ({ username: l.user.username, displayName: null, at: l.at })),
    });
  },
);

friendRoutes.post(
  "/friends",
  describeRoute({
    tags: TAGS,
    summary: "Send a friend request",
    description:
      "Always 202 with the same body, whether or not the user exists (no answer reveals which usernames exist): a request is stored " +
      "for a user who exists and has none from or with you; if they had asked you, you become friends. " +
      `409 when you already have ${MAX_FRIENDS} friends, or when they asked you and have ${MAX_FRIENDS}. See GET /friends. ${AUTH}`,
    security: API_KEY_SECURITY,
    requestBody: { required: true, content: { "application/json": { schema: resolver(friendRequestSchema) } } },
    responses: {
      202: jsonResponse("The same answer for every username.", z.object({ message: z.literal(FRIEND_REQUEST_SENT) })),
      ...errorResponses(400, 401, 403, 409),
    },
  }),
  requireApiKey("full"),
  async (c) => {
    const parsed = friendRequestSchema.safeParse(await readRequiredJson(c));
    if (!parsed.success) throw new ApiError(400, "username: expected a username");
    checkLength(parsed.data.username);
    const social = socialOf(c.var.ports);
    // The same look-ups whatever the name names; only a request that makes a friendship (they
    // asked you) checks their count.
    const { user: target, state } = await linkWith(c, parsed.data.username);
    await checkFriendLimits(social, c.var.auth.user.id, target && state === "incoming" ? target.id : null);
    await social.requestFriendByName(c.var.auth.user.id, parsed.data.username);
    return c.json({ message: FRIEND_REQUEST_SENT }, 202);
  },
);

for (const action of ["accept", "decline"] as const) {
  friendRoutes.post(
    `/friends/:username/${action}`,
    describeRoute({
      tags: TAGS,
      summary: action === "accept" ? "Accept a friend request" : "Decline a friend request",
      description:
        `Acts on a pending request FROM this user to the caller; 404 when there is none` +
        (action === "accept" ? `; 409 when you or they already have ${MAX_FRIENDS} friends. ` : ". ") +
        AUTH,
      security: API_KEY_SECURITY,
      parameters: [usernameParam],
      responses: { 200: jsonResponse("Done.", friendRequestSchema), ...errorResponses(400, 401, 403, 404, ...(action === "accept" ? [409] : [])) },
    }),
    requireApiKey("full"),
    async (c) => {
      const me = c.var.auth.user;
      const { user: from, state } = await linkWith(c, c.req.param("username"));
      if (!from || state !== "incoming") throw new ApiError(404, "No request from this user");
      const social = socialOf(c.var.ports);
      if (action === "accept") {
        await checkFriendLimits(social, me.id, from.id);
        await social.acceptFriend(from.id, me.id);
      }
      else await social.declineFriend(from.id, me.id);
      return c.json({ username: from.username });
    },
  );
}

friendRoutes.delete(
  "/friends/:username",
  describeRoute({
    tags: TAGS,
    summary: "Remove a friend or cancel a request",
    description: `Removes the friendship or a pending request either way; 404 when there is none. ${AUTH}`,
    security: API_KEY_SECURITY,
    parameters: [usernameParam],
    responses: { 204: { description: "Removed." }, ...errorResponses(400, 401, 403, 404) },
  }),
  requireApiKey("full"),
  async (c) => {
    const me = c.var.auth.user;
    const username = c.req.param("username");
    const { user: target, state } = await linkWith(c, username);
    const social = socialOf(c.var.ports);
    // A request kept by name (to nobody, or declined) is cancelled like any other.
    const byName = await social.cancelRequestByName(me.id, username);
    const linked = target !== null && state !== "none" && (await social.removeFriendLink(me.id, target.id));
    if (!byName && !linked) throw new ApiError(404, "Not friends and no pending request");
    return c.body(null, 204);
  },
);

friendRoutes.get(
  "/friends/:username/stats",
  describeRoute({
    tags: TAGS,
    summary: "A friend's stats, as their sharing allows",
    description:
      "The public stats shape, limited by the friend's sharing settings (hidden dimensions left out, aliased projects renamed, " +
      `history cut), without needing their public profile. 404 (the same as for unknown users) when not friends. ${AUTH}`,
    security: API_KEY_SECURITY,
    parameters: [usernameParam],
    responses: { 200: jsonResponse("The friend's stats.", publicStatsSchema), ...errorResponses(400, 401, 403, 404) },
  }),
  dashboardAuth(),
  validated("query", friendStatsQuerySchema),
  async (c) => {
    const { range: rangeName } = c.req.valid("query");
    if (!isRangeName(rangeName)) throw new ApiError(400, `range: unknown range "${rangeName}"`);
    const me = c.var.auth.user;
    const social = socialOf(c.var.ports);
    const friend = await other(c, c.req.param("username"));
    if (friend.id === me.id || (await social.friendState(me.id, friend.id)) !== "friends") throw new ApiError(404, NOT_FOUND);
    const found = { user: friend, sharing: await social.sharingOf(friend.id) };
    const range = await publicRange(c.var.ports, friend, found.sharing, rangeName);
    if (!range) throw new ApiError(403, `range: this user shares only the last ${found.sharing.historyDays} days`);
    const days = await publicDays(c.var.ports, found, range, {});
    c.header("Cache-Control", "private, no-store");
    return c.json(publicStats(found, range, days));
  },
);
