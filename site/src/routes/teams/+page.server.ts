import { redirect } from "@sveltejs/kit";
import { apiJson } from "$lib/server/api";
import { act, field, requireSignIn } from "$lib/social/server";
import type { TeamInvitation, TeamSummary } from "$lib/social/types";
import type { Actions, PageServerLoad } from "./$types";

export const load: PageServerLoad = async (event) => {
  requireSignIn(event);
  const [teams, invitations] = await Promise.all([apiJson<TeamSummary[]>(event, "/api/kodo/teams"), apiJson<TeamInvitation[]>(event, "/api/kodo/teams/invitations")]);
  return { teams, invitations };
};

export const actions: Actions = {
  create: async (event) => {
    const form = await event.request.formData();
    const result = await act<{ id: string }>(event, "/api/kodo/teams", { method: "POST", body: { name: field(form, "name") } }, "Team created.");
    if ("body" in result && result.body) redirect(303, `/teams/${encodeURIComponent(result.body.id)}?created`);
    return result;
  },
  accept: async (event) => {
    const form = await event.request.formData();
    const result = await act<{ id: string }>(event, `/api/kodo/teams/invitations/${encodeURIComponent(field(form, "invite"))}/accept`, { method: "POST" }, "Joined.");
    if ("body" in result && result.body) redirect(303, `/teams/${encodeURIComponent(result.body.id)}?joined`);
    return result;
  },
  decline: async (event) => {
    const form = await event.request.formData();
    return act(event, `/api/kodo/teams/invitations/${encodeURIComponent(field(form, "invite"))}`, { method: "DELETE" }, "Invitation declined.");
  },
};
