import { fail } from "@sveltejs/kit";
import { api, apiJson, errorText } from "$lib/server/api";
import type { Actions, PageServerLoad } from "./$types";

/** A passkey as Better Auth's list answers it (its public key is not passed on to the page). */
interface StoredPasskey {
  id: string;
  name?: string | null;
  deviceType: string;
  backedUp: boolean;
  createdAt: string;
}

export const load: PageServerLoad = async (event) => {
  const [list, session] = await Promise.all([
    apiJson<StoredPasskey[]>(event, "/api/auth/passkey/list-user-passkeys"),
    apiJson<{ user: { passkeyRequired?: boolean } } | null>(event, "/api/auth/get-session"),
  ]);
  const passkeys = list
    .map((p) => ({ id: p.id, name: p.name?.trim() || "Unnamed passkey", synced: p.backedUp === true || p.deviceType === "multiDevice", createdAt: String(p.createdAt) }))
    .sort((a, b) => (a.createdAt < b.createdAt ? -1 : 1));
  return { passkeys, required: session?.user.passkeyRequired === true };
};

const NAME_MAX = 60;

export const actions: Actions = {
  rename: async (event) => {
    const form = await event.request.formData();
    const id = String(form.get("id") ?? "");
    const name = String(form.get("name") ?? "").trim();
    if (!name || name.length > NAME_MAX) return fail(400, { error: `A name is 1 to ${NAME_MAX} characters.` });
    const res = await api(event, "/api/auth/passkey/update-passkey", { method: "POST", body: { id, name } });
    if (!res.ok) return fail(res.status === 404 ? 404 : 400, { error: await errorText(res) });
    return { renamed: name };
  },
  remove: async (event) => {
    const form = await event.request.formData();
    const res = await api(event, "/api/auth/passkey/delete-passkey", { method: "POST", body: { id: String(form.get("id") ?? "") } });
    if (!res.ok) return fail(res.status === 404 ? 404 : 400, { error: await errorText(res) });
    return { removed: true };
  },
  require: async (event) => {
    const form = await event.request.formData();
    const required = form.get("required") === "on";
    const res = await api(event, "/api/kodo/auth/passkey-required", { method: "PUT", body: { required } });
    if (!res.ok) return fail(res.status, { error: await errorText(res) });
    return { requiredSaved: required };
  },
};
