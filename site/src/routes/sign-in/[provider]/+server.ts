/**
 * Starts an OAuth sign-in: Better Auth answers the provider's authorization URL (with state
 * and PKCE challenge) and sets the state cookie; the browser is sent on with that cookie.
 */
import { error } from "@sveltejs/kit";
import { api, errorText, redirectWithCookies } from "$lib/server/api";
import { safeNext } from "$lib/next";
import type { RequestHandler } from "./$types";

export const POST: RequestHandler = async (event) => {
  const provider = event.params.provider;
  if (!/^[a-z0-9-]{1,40}$/.test(provider)) error(404, "No such sign-in method");
  const next = safeNext(String((await event.request.formData().catch(() => null))?.get("next") ?? ""));
  const res = await api(event, "/api/auth/sign-in/social", {
    method: "POST",
    body: { provider, callbackURL: next, newUserCallbackURL: "/account/settings?welcome", errorCallbackURL: "/sign-in" },
  });
  if (!res.ok) error(res.status === 404 ? 404 : 400, await errorText(res));
  const body = (await res.json()) as { url?: string };
  if (!body.url) error(502, "The sign-in provider gave no address to go to");
  return redirectWithCookies(body.url, res);
};
