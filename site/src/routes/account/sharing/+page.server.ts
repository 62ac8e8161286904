import { fail } from "@sveltejs/kit";
import { api, apiJson, errorText } from "$lib/server/api";
import { field } from "$lib/social/server";
import type { Sharing } from "$lib/social/types";
import type { Actions, PageServerLoad } from "./$types";

export const load: PageServerLoad = async (event) => ({
  sharing: await apiJson<Sharing>(event, "/api/kodo/sharing"),
});

export const actions: Actions = {
  save: async (event) => {
    const form = await event.request.formData();
    const on = (name: string) => form.get(name) === "on";
    const body: Sharing = {
      publicProfile: on("publicProfile"),
      leaderboards: on("leaderboards"),
      projects: (["hidden", "alias", "public"] as const).find((p) => p === field(form, "projects")) ?? "hidden",
      languages: on("languages"),
      editors: on("editors"),
      operatingSystems: on("operatingSystems"),
      machines: on("machines"),
      historyDays: Number(field(form, "historyDays")),
    };
    const res = await api(event, "/api/kodo/sharing", { method: "PATCH", body });
    if (!res.ok) return fail(res.status, { error: await errorText(res) });
    return { saved: true };
  },
};
