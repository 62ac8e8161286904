import { apiJson } from "$lib/server/api";
import { act, field, requireSignIn } from "$lib/social/server";
import type { Friends } from "$lib/social/types";
import type { Actions, PageServerLoad } from "./$types";

export const load: PageServerLoad = async (event) => {
  requireSignIn(event);
  return { friends: await apiJson<Friends>(event, "/api/kodo/friends") };
};

const user = (form: FormData) => encodeURIComponent(field(form, "username").replace(/^@/, ""));

export const actions: Actions = {
  request: async (event) => {
    const form = await event.request.formData();
    const username = field(form, "username").replace(/^@/, "");
    // The API answers alike whether or not the user exists (no account enumeration), so the
    // page says exactly that (the outgoing list shows the request either way).
    return act(event, "/api/kodo/friends", { method: "POST", body: { username } }, `If @${username} exists, they have your friend request (if they had already asked you, you are now friends).`);
  },
  accept: async (event) => {
    const form = await event.request.formData();
    return act(event, `/api/kodo/friends/${user(form)}/accept`, { method: "POST" }, "Request accepted: you are now friends.");
  },
  decline: async (event) => {
    const form = await event.request.formData();
    return act(event, `/api/kodo/friends/${user(form)}/decline`, { method: "POST" }, "Request declined.");
  },
  remove: async (event) => {
    const form = await event.request.formData();
    return act(event, `/api/kodo/friends/${user(form)}`, { method: "DELETE" }, "Done.");
  },
};
