import { fail } from "@sveltejs/kit";
import { api, apiJson, errorText } from "$lib/server/api";
import type { ApiKey } from "$lib/types";
import type { Actions, PageServerLoad } from "./$types";

export const load: PageServerLoad = async (event) => {
  const keys = await apiJson<{ data: ApiKey[] }>(event, "/api/kodo/account/keys");
  return { keys: keys.data, apiUrl: `${event.url.origin}/api/v1` };
};

type Shown = { key: string; label: string; action: "created" | "rotated" };

export const actions: Actions = {
  create: async (event) => {
    const form = await event.request.formData();
    const own = String(form.get("own_key") ?? "").trim();
    const body = { label: String(form.get("label") ?? ""), scope: String(form.get("scope") ?? "full"), ...(own ? { key: own } : {}) };
    const res = await api(event, "/api/kodo/account/keys", { method: "POST", body });
    if (!res.ok) return fail(res.status, { error: await errorText(res), label: body.label, scope: body.scope });
    const created = (await res.json()) as { key: string; data: ApiKey };
    return { shown: { key: created.key, label: created.data.label, action: "created" } satisfies Shown };
  },
  rotate: async (event) => {
    const id = String((await event.request.formData()).get("id") ?? "");
    const res = await api(event, `/api/kodo/account/keys/${encodeURIComponent(id)}/rotate`, { method: "POST", body: {} });
    if (!res.ok) return fail(res.status, { error: await errorText(res) });
    const rotated = (await res.json()) as { key: string; data: ApiKey };
    return { shown: { key: rotated.key, label: rotated.data.label, action: "rotated" } satisfies Shown };
  },
  revoke: async (event) => {
    const id = String((await event.request.formData()).get("id") ?? "");
    const res = await api(event, `/api/kodo/account/keys/${encodeURIComponent(id)}`, { method: "DELETE" });
    if (!res.ok) return fail(res.status, { error: await errorText(res) });
    return { revoked: true };
  },
};
