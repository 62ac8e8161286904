/** Server helpers shared by the social pages: sign-in gate and form-action plumbing. */
import { fail, redirect, type RequestEvent } from "@sveltejs/kit";
import { api, errorText, type ApiInit } from "$lib/server/api";

/** Pages for signed-in users only: others go to sign-in and come back here. */
export function requireSignIn(event: RequestEvent): void {
  if (!event.locals.account) redirect(303, `/sign-in?next=${encodeURIComponent(event.url.pathname + event.url.search)}`);
}

export function field(form: FormData, name: string): string {
  return String(form.get(name) ?? "").trim();
}

/**
 * Runs one write for a form action: the API's error (its status and message) becomes the
 * form's `error`, otherwise `ok` (with the parsed JSON body when there is one).
 */
export async function act<T = unknown>(event: RequestEvent, path: string, init: ApiInit, ok: string) {
  const res = await api(event, path, init);
  if (!res.ok) return fail(res.status, { error: await errorText(res) });
  const text = await res.text();
  const body = text ? (JSON.parse(text) as T) : null;
  return { ok, body };
}
