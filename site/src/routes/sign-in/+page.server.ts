import { fail, redirect } from "@sveltejs/kit";
import { api, apiJson, errorText } from "$lib/server/api";
import type { Providers } from "$lib/types";
import { safeNext } from "$lib/next";
import type { Actions, PageServerLoad } from "./$types";

/** Better Auth's error codes (redirects to /sign-in?error=...) in words. */
const ERRORS: Record<string, string> = {
  state_mismatch: "The sign-in could not be verified (its state did not match). Please start again.",
  please_restart_the_process: "The sign-in expired or was already used. Please start again.",
  invalid_callback_request: "The provider's answer was not valid. Please start again.",
  invalid_code: "The provider's answer was not valid. Please start again.",
  INVALID_TOKEN: "That sign-in link is not valid: it was used already or expired. Ask for a new one.",
  EXPIRED_TOKEN: "That sign-in link has expired. Ask for a new one.",
  unable_to_get_user_info: "The provider did not tell us who you are (an email address is needed; with GitHub, a verified primary address).",
  email_not_found: "The provider did not share an email address, which Kodo needs.",
  account_not_linked: "An account with this email exists; sign in the way you did before, then link this provider.",
  oauth_provider_not_found: "That sign-in method is not available.",
};

export const load: PageServerLoad = async (event) => {
  const next = safeNext(event.url.searchParams.get("next"));
  if (event.locals.account) redirect(303, next);
  const providers = await apiJson<Providers>(event, "/api/kodo/auth/providers");
  const code = event.url.searchParams.get("error");
  return { ...providers, next, secondFactor: await pendingSecondFactor(event), error: code ? (ERRORS[code] ?? `Sign-in failed (${code.slice(0, 60)}). Please try again.`) : null };
};

/**
 * A sign-in that still waits for the passkey its user requires (core/src/auth/second-factor.ts):
 * its session cookie is valid for Better Auth, not yet for Kodo. The page then asks for the passkey.
 */
async function pendingSecondFactor(event: Parameters<PageServerLoad>[0]): Promise<{ email: string | null } | null> {
  if (!/(?:^|;\s*)(?:__Secure-)?kodo\.session_token=/.test(event.request.headers.get("cookie") ?? "")) return null;
  const res = await api(event, "/api/auth/get-session");
  if (!res.ok) return null;
  const found = (await res.json().catch(() => null)) as { user?: { email?: string | null; passkeyRequired?: boolean }; session?: { passkeyVerified?: boolean } } | null;
  if (found?.user?.passkeyRequired !== true || found.session?.passkeyVerified === true) return null;
  return { email: found.user.email ?? null };
};

export const actions: Actions = {
  email: async (event) => {
    const form = await event.request.formData();
    const email = String(form.get("email") ?? "").trim();
    const next = safeNext(String(form.get("next") ?? ""));
    if (!/^[^\s@]+@[^\s@]+\.[^\s@]+$/.test(email) || email.length > 254) return fail(400, { email, error: "Enter a valid email address." });
    const res = await api(event, "/api/auth/sign-in/magic-link", { method: "POST", body: { email, callbackURL: next, newUserCallbackURL: "/account/settings?welcome", errorCallbackURL: "/sign-in" } });
    if (!res.ok) return fail(res.status === 429 ? 429 : 400, { email, error: res.status === 429 ? "Too many links asked for; wait a minute." : await errorText(res) });
    return { sent: email };
  },
};
