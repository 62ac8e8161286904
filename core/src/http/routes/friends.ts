/**
 * Friends (issue 9): follow requests by username, mutual once accepted.
 * - Requesting an unknown user and a user who cannot be found answer the same 404.
 * - A request to someone who already asked you accepts theirs (both want it).
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

export const friendRoutes = new Hono<AppEnv>();

const TAGS = ["Social"];
const AUTH = "Authenticated by the sign-in cookie (writes need X-CSRF-Token) or an API key (writes: a full-access key).";
const NOT_FOUND = "No such user";
const usernameParam = pathParameter("username", "The other user's username.");

async function other(c: AppContext, username: string): Promise<User> {
  if (username.length > MAX_USERNAME_LENGTH) throw new ApiError(400, `username: at most ${MAX_USERNAME_LENGTH} characters`);
  const found = await socialOf(c.var.ports).findUser(username);
  if (!found) throw new ApiError(404, NOT_FOUND);
  return found;
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
      outgoing: lists.outgoing.map(link),
    });
  },
);

friendRoutes.post(
  "/friends",
  describeRoute({
    tags: TAGS,
    summary: "Send a friend request",
    description: `201 when the request is stored (or, if they had asked you, the friendship is made: \`status\` says which). ${AUTH}`,
    security: API_KEY_SECURITY,
    requestBody: { required: true, content: { "application/json": { schema: resolver(friendRequestSchema) } } },
    responses: {
      201: jsonResponse("Request sent or friendship made.", friendRequestSchema.extend({ status: z.enum(["pending", "friends"]) })),
      ...errorResponses(400, 401, 403, 404, 409),
    },
  }),
  requireApiKey("full"),
  async (c) => {
    const parsed = friendRequestSchema.safeParse(await readRequiredJson(c));
    if (!parsed.success) throw new ApiError(400, "username: expected a username");
    const me = c.var.auth.user;
    const target = await other(c, parsed.data.username);
    if (target.id === me.id) throw new ApiError(400, "username: you cannot befriend yourself");
    const social = socialOf(c.var.ports);
    const state = await social.friendState(me.id, target.id);
    if (state === "friends") throw new ApiError(409, "Already friends");
    if (state === "outgoing") throw new ApiError(409, "Already requested");
    if (state === "incoming") {
      await social.acceptFriend(target.id, me.id);
      return c.json({ username: target.username, status: "friends" }, 201);
    }
    await social.requestFriend(me.id, target.id);
    return c.json({ username: target.username, status: "pending" }, 201);
  },
);

for (const action of ["accept", "decline"] as const) {
  friendRoutes.post(
    `/friends/:username/${action}`,
    describeRoute({
      tags: TAGS,
      summary: action === "accept" ? "Accept a friend request" : "Decline a friend request",
      description: `Acts on a pending request FROM this user to the caller; 404 when there is none. ${AUTH}`,
      security: API_KEY_SECURITY,
      parameters: [usernameParam],
      responses: { 200: jsonResponse("Done.", friendRequestSchema), ...errorResponses(400, 401, 403, 404) },
    }),
    requireApiKey("full"),
    async (c) => {
      const me = c.var.auth.user;
      const from = await other(c, c.req.param("username"));
      const social = socialOf(c.var.ports);
      if ((await social.friendState(me.id, from.id)) !== "incoming") throw new ApiError(404, "No request from this user");
      if (action === "accept") await social.acceptFriend(from.id, me.id);
      else await social.removeFriendLink(me.id, from.id);
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
    const target = await other(c, c.req.param("username"));
    if (!(await socialOf(c.var.ports).removeFriendLink(me.id, target.id))) throw new ApiError(404, "Not friends and no pending request");
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
