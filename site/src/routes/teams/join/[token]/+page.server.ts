import { redirect } from "@sveltejs/kit";
import { act, requireSignIn } from "$lib/social/server";
import type { Actions, PageServerLoad } from "./$types";

export const load: PageServerLoad = async (event) => {
  // Not signed in: sign in first, then back here (the token stays in the path).
  requireSignIn(event);
  return {};
};

export const actions: Actions = {
  join: async (event) => {
    requireSignIn(event);
    const result = await act<{ id: string }>(event, "/api/kodo/teams/join", { method: "POST", body: { token: event.params.token } }, "Joined.");
    if ("body" in result && result.body) redirect(303, `/teams/${encodeURIComponent(result.body.id)}?joined`);
    return result;
  },
};
