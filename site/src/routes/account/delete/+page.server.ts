import { fail, redirect } from "@sveltejs/kit";
import { api, applyCookieDeletions, errorText } from "$lib/server/api";
import type { Actions } from "./$types";

export const actions: Actions = {
  default: async (event) => {
    const confirm = String((await event.request.formData()).get("confirm") ?? "").trim();
    const res = await api(event, "/api/kodo/account", { method: "DELETE", body: { confirm } });
    if (!res.ok) return fail(res.status, { error: await errorText(res) });
    applyCookieDeletions(res, event.cookies);
    redirect(303, "/?deleted");
  },
};
