/**
 * `/api/kodo/teams`: create, roles, leave, transfer, delete, and which of the caller's projects
 * count toward a team. Rules: core/src/social/teams.ts. Invites: team-invites.ts.
 * The dashboard and leaderboard of a team: teams-dashboard.ts.
 */
import { Hono } from "hono";
import { describeRoute, resolver } from "hono-openapi";
import { z } from "zod";
import type { AppContext, AppEnv } from "../context.ts";
import { ApiError } from "../errors.ts";
import { errorResponses, jsonResponse, pathParameter } from "../openapi-schemas.ts";
import { API_KEY_SECURITY } from "../openapi.ts";
import { readRequiredJson } from "../body.ts";
import { requireApiKey } from "../auth.ts";
import { dashboardAuth } from "./dashboard-auth.ts";
import { canRemove, isAdmin, MAX_TEAM_NAME_LENGTH, MAX_TEAM_PROJECTS, type TeamRole } from "../../social/teams.ts";
import type { TeamInviteInfo, TeamMember, TeamStore } from "../../social/team-ports.ts";
import { MAX_STRING_LENGTH } from "../../heartbeat/index.ts";
import { MAX_USERNAME_LENGTH } from "./public-access.ts";

export const teamRoutes = new Hono<AppEnv>();

export const TAGS = ["Teams"];
export const AUTH = "Authenticated by the sign-in cookie (writes need X-CSRF-Token) or an API key (writes: a full-access key).";
const NO_TEAM = "No such team";
export const idParam = pathParameter("id", "The team's id.");
const role = z.enum(["owner", "admin", "member"]);
export const teamSummary = z.object({ id: z.string(), name: z.string(), role, members: z.number() }).meta({ ref: "TeamSummary" });
export const teamInviteSchema = z
  .object({
    id: z.string(),
    username: z.string().nullable().meta({ description: "Null: a link for anyone; else the username as typed (whether or not it names anyone)." }),
    createdBy: z.string(),
    createdAt: z.string(),
    expiresAt: z.string(),
  })
  .meta({ ref: "TeamInvite" });
const teamDetail = z
  .object({
    id: z.string(),
    name: z.string(),
    role,
    members: z.array(z.object({ username: z.string(), displayName: z.string().nullable(), role })),
    myProjects: z.union([z.literal("all"), z.array(z.string())]).meta({ description: "The caller's projects counting toward the team (empty: none, the default)." }),
    invites: z.array(teamInviteSchema).optional().meta({ description: "Usable invites; admins only." }),
  })
  .meta({ ref: "Team" });
export const json = (schema: z.ZodType) => ({ required: true, content: { "application/json": { schema: resolver(schema) } } });

export const nowIso = (c: AppContext) => new Date(c.var.ports.now() * 1000).toISOString();
export const inviteView = (i: TeamInviteInfo) => ({ id: i.id, username: i.inviteeUsername, createdBy: i.createdByUsername, createdAt: i.createdAt, expiresAt: i.expiresAt });

export function teamsOf(c: AppContext): TeamStore {
  if (!c.var.ports.teams) throw new ApiError(501, "Teams are not available on this platform");
  return c.var.ports.teams;
}

/** The team and the caller's membership; 404 (as for a team that does not exist) for non-members. */
export async function membership(c: AppContext, teamId: string): Promise<{ team: { id: string; name: string }; members: TeamMember[]; me: TeamMember }> {
  if (teamId.length > 64) throw new ApiError(404, NO_TEAM);
  const teams = teamsOf(c);
  const [team, members] = await Promise.all([teams.team(teamId), teams.members(teamId)]);
  const me = members.find((m) => m.user.id === c.var.auth.user.id);
  if (!team || !me) throw new ApiError(404, NO_TEAM);
  return { team, members, me };
}

export async function body<T>(c: AppContext, schema: z.ZodType<T>, what: string): Promise<T> {
  const parsed = schema.safeParse(await readRequiredJson(c));
  if (!parsed.success) throw new ApiError(400, `${what}`);
  return parsed.data;
}

function memberOf(members: TeamMember[], username: string): TeamMember {
  const m = members.find((x) => x.user.username === username);
  if (!m) throw new ApiError(404, "No such member");
  return m;
}

const nameSchema = z.object({ name: z.string().trim().min(1).max(MAX_TEAM_NAME_LENGTH) });
teamRoutes.post(
  "/teams",
  describeRoute({ tags: TAGS, summary: "Create a team", description: `The caller becomes its owner. ${AUTH}`, security: API_KEY_SECURITY, requestBody: json(nameSchema), responses: { 201: jsonResponse("The team.", teamSummary.omit({ members: true })), ...errorResponses(400, 401, 403) } }),
  requireApiKey("full"),
  async (c) => {
    const { name } = await body(c, nameSchema, `name: 1 to ${MAX_TEAM_NAME_LENGTH} characters`);
    const team = await teamsOf(c).createTeam(c.var.auth.user.id, name);
    return c.json({ ...team, role: "owner" }, 201);
  },
);

teamRoutes.get(
  "/teams",
  describeRoute({ tags: TAGS, summary: "The caller's teams", description: AUTH, security: API_KEY_SECURITY, responses: { 200: jsonResponse("Teams with the caller's role.", z.array(teamSummary)), ...errorResponses(401) } }),
  dashboardAuth(),
  async (c) => {
    c.header("Cache-Control", "private, no-store");
    return c.json(await teamsOf(c).teamsOf(c.var.auth.user.id));
  },
);

teamRoutes.get(
  "/teams/:id",
  describeRoute({ tags: TAGS, summary: "A team of the caller", description: `Members and roles; pending invites for admins. 404 for non-members. ${AUTH}`, security: API_KEY_SECURITY, parameters: [idParam], responses: { 200: jsonResponse("The team.", teamDetail), ...errorResponses(401, 404) } }),
  dashboardAuth(),
  async (c) => {
    const { team, members, me } = await membership(c, c.req.param("id"));
    const invites = isAdmin(me.role) ? await teamsOf(c).invites(team.id, nowIso(c)) : null;
    c.header("Cache-Control", "private, no-store");
    return c.json({
      id: team.id,
      name: team.name,
      role: me.role,
      members: members.map((m) => ({ username: m.user.username, displayName: m.user.displayName, role: m.role })),
      myProjects: me.projects ?? [],
      ...(invites ? { invites: invites.map(inviteView) } : {}),
    });
  },
);

const roleSchema = z.object({ role: z.enum(["admin", "member"]) });
teamRoutes.patch(
  "/teams/:id/members/:username",
  describeRoute({ tags: TAGS, summary: "Change a member's role", description: `Owner only: admin or member (ownership moves with /transfer). ${AUTH}`, security: API_KEY_SECURITY, parameters: [idParam, pathParameter("username", "The member.")], requestBody: json(roleSchema), responses: { 200: jsonResponse("The member's new role.", z.object({ username: z.string(), role })), ...errorResponses(400, 401, 403, 404, 409) } }),
  requireApiKey("full"),
  async (c) => {
    const { team, members, me } = await membership(c, c.req.param("id"));
    const { role: next } = await body(c, roleSchema, `role: expected "admin" or "member"`);
    if (me.role !== "owner") throw new ApiError(403, "Only the owner changes roles");
    const target = memberOf(members, c.req.param("username"));
    if (target.role === "owner") throw new ApiError(409, "The owner's role changes only by transferring ownership");
    await teamsOf(c).setRole(team.id, target.user.id, next);
    return c.json({ username: target.user.username, role: next });
  },
);

teamRoutes.delete(
  "/teams/:id/members/:username",
  describeRoute({ tags: TAGS, summary: "Remove a member", description: `Admins remove members; the owner removes anyone but themselves. Their invites die, and invites made before the removal no longer admit them (only a fresh invite does). ${AUTH}`, security: API_KEY_SECURITY, parameters: [idParam, pathParameter("username", "The member.")], responses: { 204: { description: "Removed." }, ...errorResponses(401, 403, 404) } }),
  requireApiKey("full"),
  async (c) => {
    const { team, members, me } = await membership(c, c.req.param("id"));
    const target = memberOf(members, c.req.param("username"));
    if (target.user.id === me.user.id || !canRemove(me.role, target.role)) throw new ApiError(403, "You may not remove this member");
    await teamsOf(c).removeMember(team.id, target.user.id, true);
    return c.body(null, 204);
  },
);

teamRoutes.post(
  "/teams/:id/leave",
  describeRoute({ tags: TAGS, summary: "Leave a team", description: `The owner must transfer ownership first (409). ${AUTH}`, security: API_KEY_SECURITY, parameters: [idParam], responses: { 204: { description: "Left." }, ...errorResponses(401, 403, 404, 409) } }),
  requireApiKey("full"),
  async (c) => {
    const { team, me } = await membership(c, c.req.param("id"));
    if (me.role === "owner") throw new ApiError(409, "Transfer ownership before leaving");
    await teamsOf(c).removeMember(team.id, me.user.id, false);
    return c.body(null, 204);
  },
);

const transferSchema = z.object({ username: z.string().min(1).max(MAX_USERNAME_LENGTH) });
teamRoutes.post(
  "/teams/:id/transfer",
  describeRoute({ tags: TAGS, summary: "Transfer ownership", description: `Owner only, to a member; the old owner becomes an admin. ${AUTH}`, security: API_KEY_SECURITY, parameters: [idParam], requestBody: json(transferSchema), responses: { 200: jsonResponse("The new owner.", z.object({ username: z.string(), role })), ...errorResponses(400, 401, 403, 404) } }),
  requireApiKey("full"),
  async (c) => {
    const { team, members, me } = await membership(c, c.req.param("id"));
    const { username } = await body(c, transferSchema, "username: expected a member's username");
    if (me.role !== "owner") throw new ApiError(403, "Only the owner transfers ownership");
    const target = memberOf(members, username);
    if (target.user.id === me.user.id) throw new ApiError(400, "username: you already own this team");
    await teamsOf(c).transfer(team.id, me.user.id, target.user.id);
    return c.json({ username: target.user.username, role: "owner" });
  },
);

teamRoutes.delete(
  "/teams/:id",
  describeRoute({ tags: TAGS, summary: "Delete a team", description: `Owner only. ${AUTH}`, security: API_KEY_SECURITY, parameters: [idParam], responses: { 204: { description: "Deleted." }, ...errorResponses(401, 403, 404) } }),
  requireApiKey("full"),
  async (c) => {
    const { team, me } = await membership(c, c.req.param("id"));
    if (me.role !== "owner") throw new ApiError(403, "Only the owner deletes the team");
    await teamsOf(c).deleteTeam(team.id);
    return c.body(null, 204);
  },
);

const projectsSchema = z.object({ projects: z.union([z.literal("all"), z.array(z.string().min(1).max(MAX_STRING_LENGTH)).max(MAX_TEAM_PROJECTS)]) });
teamRoutes.put(
  "/teams/:id/projects",
  describeRoute({ tags: TAGS, summary: "Choose which of your projects count toward the team", description: `\`"all"\` or a list of project names (an empty list: none). Until chosen, none count. ${AUTH}`, security: API_KEY_SECURITY, parameters: [idParam], requestBody: json(projectsSchema), responses: { 200: jsonResponse("The choice.", projectsSchema), ...errorResponses(400, 401, 403, 404) } }),
  requireApiKey("full"),
  async (c) => {
    const { team, me } = await membership(c, c.req.param("id"));
    const { projects } = await body(c, projectsSchema, `projects: expected "all" or a list of at most ${MAX_TEAM_PROJECTS} project names`);
    const value = projects === "all" ? "all" : [...new Set(projects)];
    await teamsOf(c).setProjects(team.id, me.user.id, value);
    return c.json({ projects: value });
  },
);

export type { TeamRole };
