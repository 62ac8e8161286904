import { fail } from "@sveltejs/kit";
import { api, errorText } from "$lib/server/api";
import { loadDashboard } from "$lib/dashboard/load.server";
import type { Actions, PageServerLoad } from "./$types";

export const load: PageServerLoad = async (event) => {
  const apiUrl = `${event.url.origin}/api/v1`;
  // Signed in, the home page is the dashboard (the same view as /dashboard, one API call).
  if (!event.locals.account) return { apiUrl, dashboard: null };
  return { apiUrl, dashboard: await loadDashboard(event) };
};

export const actions: Actions = {
  /** A key for this machine, shown once with the ~/.wakatime.cfg lines around it. */
  createKey: async (event) => {
    const res = await api(event, "/api/kodo/account/keys", { method: "POST", body: { label: "Editor on this machine", scope: "full" } });
    if (!res.ok) return fail(res.status, { error: await errorText(res) });
    const body = (await res.json()) as { key: string };
    return { key: body.key };
  },
};
