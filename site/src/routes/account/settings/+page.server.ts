import { fail } from "@sveltejs/kit";
import { api, errorText } from "$lib/server/api";
import type { AccountUser, Progress } from "$lib/types";
import type { Actions, PageServerLoad } from "./$types";

export const load: PageServerLoad = async ({ locals, url }) => ({
  welcome: url.searchParams.has("welcome"),
  recompute: locals.account?.recompute ?? null,
});

export const actions: Actions = {
  save: async (event) => {
    const form = await event.request.formData();
    const value = (name: string) => String(form.get(name) ?? "").trim();
    const body = {
      display_name: value("display_name"),
      username: value("username"),
      time_zone: value("time_zone"),
      keystroke_timeout_minutes: Number(value("keystroke_timeout_minutes")),
    };
    const res = await api(event, "/api/kodo/account", { method: "PATCH", body });
    if (!res.ok) return fail(res.status, { error: await errorText(res), values: body });
    const saved = (await res.json()) as { user: AccountUser; recompute: Progress | null };
    return { saved: true, recompute: saved.recompute };
  },
};
