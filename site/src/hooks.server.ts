/**
 * Every request: `/api/*` goes to the Kodo worker through the service binding unchanged
 * (streamed both ways: sign-in callbacks, exports, imports), so the browser talks to one origin
 * and the sign-in cookies belong to it. Pages get the signed-in account (one API call) and the
 * theme, and a few protective headers.
 */
import type { Handle } from "@sveltejs/kit";
import type { Account } from "$lib/types";

const SESSION_COOKIE = /(?:^|;\s*)(?:__Secure-)?kodo\.session_token=/;

export const handle: Handle = async ({ event, resolve }) => {
  if (event.url.pathname.startsWith("/api/")) {
    const api = event.platform?.env?.API;
    if (!api) return new Response(JSON.stringify({ error: "The Kodo API is not bound to this site" }), { status: 503, headers: { "content-type": "application/json" } });
    return api.fetch(event.request);
  }

  event.locals.account = null;
  const cookie = event.request.headers.get("cookie") ?? "";
  if (SESSION_COOKIE.test(cookie) && event.platform?.env?.API) {
    const res = await event.platform.env.API.fetch(new Request(new URL("/api/kodo/account", event.url.origin), { headers: { cookie, accept: "application/json" } }));
    if (res.ok) {
      const account = (await res.json()) as Account;
      if (account.auth === "session") event.locals.account = account;
    }
  }
  const theme = event.cookies.get("kodo-theme");
  event.locals.theme = theme === "light" || theme === "dark" ? theme : "system";

  const response = await resolve(event, {
    transformPageChunk: ({ html }) => html.replace('data-theme=""', `data-theme="${event.locals.theme}"`),
  });
  response.headers.set("x-content-type-options", "nosniff");
  response.headers.set("referrer-policy", "same-origin");
  response.headers.set("x-frame-options", "DENY");
  if (event.locals.account) response.headers.set("cache-control", "private, no-store");
  return response;
};
