/**
 * Team invites (issues 9 and 13): admins make links or invite by username, list and revoke
 * them; users join by a link's token or accept a named invite on their Teams page. Rules:
 * core/src/social/teams.ts. Which invites are usable (unexpired, creator still an admin, not
 * made before the redeemer's removal) is decided in the store's queries, not here.
 */
import { Hono } from "hono";
import { describeRoute } from "hono-openapi";
import { z } from "zod";
import type { AppContext, AppEnv } from "../context.ts";
import { ApiError } from "../errors.ts";
import { errorResponses, jsonResponse, pathParameter } from "../openapi-schemas.ts";
import { API_KEY_SECURITY } from "../openapi.ts";
import { hashKey, requireApiKey } from "../auth.ts";
import { dashboardAuth } from "./dashboard-auth.ts";
import { socialOf } from "./leaderboard-data.ts";
import { AUTH, body, idParam, inviteView, json, membership, nowIso, TAGS, teamInviteSchema, teamsOf, teamSummary } from "./teams.ts";
import { isAdmin, MAX_TEAM_INVITES, MAX_TEAM_MEMBERS, TEAM_INVITE_DAYS } from "../../social/teams.ts";
import type { InviteKey } from "../../social/team-ports.ts";
import { MAX_USERNAME_LENGTH } from "./public-access.ts";

export const teamInviteRoutes = new Hono<AppEnv>();

/** The one answer to an invite by username, whoever it names (or does not): no account enumeration. */
export const TEAM_INVITE_SENT = "If that user exists, they have been invited: the invitation waits on their Teams page";
const NO_INVITE = "No such invite: it may have expired or been revoked";
const inviteIdParam = pathParameter("inviteId", "The invite's id.");
const joined = teamSummary.omit({ members: true });

async function requireAdmin(c: AppContext) {
  const m = await membership(c, c.req.param("id")!);
  if (!isAdmin(m.me.role)) throw new ApiError(403, "Only admins and the owner manage invites");
  return m;
}

const inviteSchema = z.object({ username: z.string().min(1).max(MAX_USERNAME_LENGTH).optional() });
teamInviteRoutes.post(
  "/teams/:id/invites",
  describeRoute({
    tags: TAGS,
    summary: "Invite by link or username",
    description:
      `Admins and the owner. Without \`username\`: a link any signed-in user with it may use until it expires (${TEAM_INVITE_DAYS} days); ` +
      "201 with its token, shown once (stored as a digest). With `username`: always 202 with the same body, whether or not the user exists; " +
      `if they do, the invitation waits on their Teams page (${TEAM_INVITE_DAYS} days, once). Any invite dies when its creator stops being an admin. ` +
      `At most ${MAX_TEAM_INVITES} usable invites per team (409). ${AUTH}`,
    security: API_KEY_SECURITY,
    parameters: [idParam],
    requestBody: json(inviteSchema),
    responses: {
      201: jsonResponse("The link.", z.object({ id: z.string(), token: z.string(), url: z.string(), expiresAt: z.string() })),
      202: jsonResponse("The same answer for every username.", z.object({ message: z.literal(TEAM_INVITE_SENT) })),
      ...errorResponses(400, 401, 403, 404, 409),
    },
  }),
  requireApiKey("full"),
  async (c) => {
    const { team, me } = await requireAdmin(c);
    const { username } = await body(c, inviteSchema, "username: expected a username");
    // A named invite's token is never shown (it is accepted by id on the invitee's page), but
    // one is made all the same: every invite row has a digest, and the work is the same.
    const token = `${crypto.randomUUID()}${crypto.randomUUID()}`.replace(/-/g, "");
    const expiresAt = new Date((c.var.ports.now() + TEAM_INVITE_DAYS * 86400) * 1000).toISOString();
    // Looked up and stored whoever the name names: an unknown name makes an invite nobody can use.
    const invitee = username === undefined ? null : await socialOf(c.var.ports).findUser(username);
    const id = await teamsOf(c).addInvite(
      { teamId: team.id, tokenHash: await hashKey(token), inviteeId: invitee?.id ?? null, inviteeName: username ?? null, createdBy: me.user.id, expiresAt },
      nowIso(c),
      MAX_TEAM_INVITES,
    );
    if (id === null) throw new ApiError(409, `A team has at most ${MAX_TEAM_INVITES} open invites: revoke some first`);
    if (username !== undefined) return c.json({ message: TEAM_INVITE_SENT }, 202);
    return c.json({ id, token, url: `/teams/join/${token}`, expiresAt }, 201);
  },
);

teamInviteRoutes.get(
  "/teams/:id/invites",
  describeRoute({ tags: TAGS, summary: "A team's usable invites", description: `Admins and the owner: unexpired invites whose creator is still an admin, oldest first. ${AUTH}`, security: API_KEY_SECURITY, parameters: [idParam], responses: { 200: jsonResponse("The invites.", z.array(teamInviteSchema)), ...errorResponses(401, 403, 404) } }),
  dashboardAuth(),
  async (c) => {
    const { team } = await requireAdmin(c);
    c.header("Cache-Control", "private, no-store");
    return c.json((await teamsOf(c).invites(team.id, nowIso(c))).map(inviteView));
  },
);

teamInviteRoutes.delete(
  "/teams/:id/invites/:inviteId",
  describeRoute({ tags: TAGS, summary: "Revoke an invite", description: `Admins and the owner, any invite of the team: its link or named invitation stops working at once. ${AUTH}`, security: API_KEY_SECURITY, parameters: [idParam, inviteIdParam], responses: { 204: { description: "Revoked." }, ...errorResponses(401, 403, 404) } }),
  requireApiKey("full"),
  async (c) => {
    const { team } = await requireAdmin(c);
    const inviteId = c.req.param("inviteId");
    if (inviteId.length > 64 || !(await teamsOf(c).revokeInvite(team.id, inviteId))) throw new ApiError(404, NO_INVITE);
    return c.body(null, 204);
  },
);

/** Joins the team of a usable invite; a named invite is used up. 404 alike for every unusable one. */
async function redeem(c: AppContext, key: InviteKey) {
  const teams = teamsOf(c);
  const me = c.var.auth.user;
  const invite = await teams.usableInvite(key, me.id, nowIso(c));
  if (!invite) throw new ApiError(404, NO_INVITE);
  const [team, members] = await Promise.all([teams.team(invite.teamId), teams.members(invite.teamId)]);
  if (!team) throw new ApiError(404, NO_INVITE);
  const mine = members.find((m) => m.user.id === me.id);
  if (mine) return c.json({ id: team.id, name: team.name, role: mine.role });
  if (members.length >= MAX_TEAM_MEMBERS) throw new ApiError(409, `A team has at most ${MAX_TEAM_MEMBERS} members`);
  await teams.addMember(team.id, me.id, "member");
  if (invite.inviteeId !== null) await teams.deleteInvite(key);
  return c.json({ id: team.id, name: team.name, role: "member" });
}

const joinSchema = z.object({ token: z.string().min(1).max(200) });
teamInviteRoutes.post(
  "/teams/join",
  describeRoute({ tags: TAGS, summary: "Join a team with an invite link's token", description: `404 for an unknown, expired, revoked or dead invite (its creator is no longer an admin), or one made before an admin removed you. ${AUTH}`, security: API_KEY_SECURITY, requestBody: json(joinSchema), responses: { 200: jsonResponse("The team joined.", joined), ...errorResponses(400, 401, 403, 404, 409) } }),
  requireApiKey("full"),
  async (c) => {
    const { token } = await body(c, joinSchema, "token: expected an invite token");
    return redeem(c, { tokenHash: await hashKey(token) });
  },
);

const invitationSchema = z
  .object({ id: z.string(), team: z.object({ id: z.string(), name: z.string() }), invitedBy: z.string(), expiresAt: z.string() })
  .meta({ ref: "TeamInvitation" });
teamInviteRoutes.get(
  "/teams/invitations",
  describeRoute({ tags: TAGS, summary: "Invitations to the caller", description: `Usable invites by username to teams the caller is not in, soonest to expire first. ${AUTH}`, security: API_KEY_SECURITY, responses: { 200: jsonResponse("The invitations.", z.array(invitationSchema)), ...errorResponses(401) } }),
  dashboardAuth(),
  async (c) => {
    const list = await teamsOf(c).invitationsFor(c.var.auth.user.id, nowIso(c));
    c.header("Cache-Control", "private, no-store");
    return c.json(list.map((i) => ({ id: i.id, team: i.team, invitedBy: i.invitedByUsername, expiresAt: i.expiresAt })));
  },
);

teamInviteRoutes.post(
  "/teams/invitations/:inviteId/accept",
  describeRoute({ tags: TAGS, summary: "Accept an invitation", description: `Joins the team; 404 when the invitation is not the caller's or no longer usable. ${AUTH}`, security: API_KEY_SECURITY, parameters: [inviteIdParam], responses: { 200: jsonResponse("The team joined.", joined), ...errorResponses(401, 403, 404, 409) } }),
  requireApiKey("full"),
  async (c) => {
    const id = c.req.param("inviteId");
    if (id.length > 64) throw new ApiError(404, NO_INVITE);
    return redeem(c, { id });
  },
);

teamInviteRoutes.delete(
  "/teams/invitations/:inviteId",
  describeRoute({ tags: TAGS, summary: "Decline an invitation", description: `404 when the invitation is not the caller's. ${AUTH}`, security: API_KEY_SECURITY, parameters: [inviteIdParam], responses: { 204: { description: "Declined." }, ...errorResponses(401, 403, 404) } }),
  requireApiKey("full"),
  async (c) => {
    const id = c.req.param("inviteId");
    if (id.length > 64 || !(await teamsOf(c).declineInvite(id, c.var.auth.user.id))) throw new ApiError(404, NO_INVITE);
    return c.body(null, 204);
  },
);
