import { fail } from "@sveltejs/kit";
import { api, errorText } from "$lib/server/api";
import type { Relay } from "$lib/types";
import type { Actions, PageServerLoad } from "./$types";

export const load: PageServerLoad = async (event) => {
  const res = await api(event, "/api/kodo/account/relay");
  // 501: this server offers no relay (e.g. its relay secret is not set).
  if (res.status === 501) return { available: false as const, relay: null, reason: await errorText(res) };
  if (!res.ok) throw new Error(`relay: ${res.status} ${await errorText(res)}`);
  return { available: true as const, relay: ((await res.json()) as { data: Relay | null }).data, reason: null };
};

export const actions: Actions = {
  set: async (event) => {
    const form = await event.request.formData();
    const body = { url: String(form.get("url") ?? "").trim(), key: String(form.get("key") ?? "").trim() };
    const res = await api(event, "/api/kodo/account/relay", { method: "PUT", body });
    if (!res.ok) return fail(res.status, { error: await errorText(res), url: body.url });
    return { saved: true };
  },
  clear: async (event) => {
    const res = await api(event, "/api/kodo/account/relay", { method: "DELETE" });
    if (!res.ok) return fail(res.status, { error: await errorText(res) });
    return { cleared: true };
  },
};
