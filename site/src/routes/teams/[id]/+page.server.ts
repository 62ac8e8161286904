import { redirect } from "@sveltejs/kit";
import { apiJson } from "$lib/server/api";
import { fillDays, socialRange } from "$lib/social/ranges";
import { act, field, requireSignIn } from "$lib/social/server";
import type { Leaderboard, Team, TeamDashboard, TeamInvite } from "$lib/social/types";
import type { Actions, PageServerLoad } from "./$types";

export const load: PageServerLoad = async (event) => {
  requireSignIn(event);
  const range = socialRange(event.url.searchParams.get("range"));
  const base = `/api/kodo/teams/${encodeURIComponent(event.params.id)}`;
  // Everything in parallel: one round of API calls, no waterfall.
  const [team, dashboard, board, projects] = await Promise.all([
    apiJson<Team>(event, base),
    apiJson<TeamDashboard>(event, `${base}/dashboard?range=${range}`),
    apiJson<{ data: Leaderboard["data"] }>(event, `${base}/leaderboard?range=${range}`),
    apiJson<{ data: { name: string }[] }>(event, "/api/v1/users/current/projects"),
  ]);
  return {
    range,
    team,
    dashboard: { ...dashboard, days: fillDays(range, event.locals.account?.user.time_zone ?? "UTC", dashboard.days) },
    leaders: board.data,
    myProjects: projects.data.map((p) => p.name),
    created: event.url.searchParams.has("created"),
    joined: event.url.searchParams.has("joined"),
  };
};

const team = (event: { params: { id: string } }) => `/api/kodo/teams/${encodeURIComponent(event.params.id)}`;
const member = (form: FormData) => encodeURIComponent(field(form, "username"));

export const actions: Actions = {
  invite: async (event) => {
    const form = await event.request.formData();
    const username = field(form, "username").replace(/^@/, "");
    if (username) {
      // The API answers alike whether or not the user exists (no account enumeration): so does the page.
      return act(event, `${team(event)}/invites`, { method: "POST", body: { username } }, `If @${username} exists, they have been invited: the invitation waits on their Teams page for 7 days.`);
    }
    const result = await act<TeamInvite>(event, `${team(event)}/invites`, { method: "POST", body: {} }, "Invite created.");
    return "body" in result && result.body ? { invite: result.body } : result;
  },
  revoke: async (event) => {
    const form = await event.request.formData();
    return act(event, `${team(event)}/invites/${encodeURIComponent(field(form, "invite"))}`, { method: "DELETE" }, "Invite revoked: it no longer works.");
  },
  role: async (event) => {
    const form = await event.request.formData();
    return act(event, `${team(event)}/members/${member(form)}`, { method: "PATCH", body: { role: field(form, "role") } }, "Role changed.");
  },
  remove: async (event) => {
    const form = await event.request.formData();
    return act(event, `${team(event)}/members/${member(form)}`, { method: "DELETE" }, "Member removed.");
  },
  transfer: async (event) => {
    const form = await event.request.formData();
    return act(event, `${team(event)}/transfer`, { method: "POST", body: { username: field(form, "username") } }, `Ownership transferred to @${field(form, "username")}.`);
  },
  projects: async (event) => {
    const form = await event.request.formData();
    const projects = field(form, "mode") === "all" ? "all" : form.getAll("project").map(String);
    return act(event, `${team(event)}/projects`, { method: "PUT", body: { projects } }, "Saved: the team dashboard now counts your chosen projects.");
  },
  leave: async (event) => {
    const result = await act(event, `${team(event)}/leave`, { method: "POST" }, "Left.");
    if ("ok" in result) redirect(303, "/teams");
    return result;
  },
  delete: async (event) => {
    const result = await act(event, team(event), { method: "DELETE" }, "Deleted.");
    if ("ok" in result) redirect(303, "/teams");
    return result;
  },
};
