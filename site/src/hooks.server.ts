/**
 * Every request: `/api/*` goes to the Kodo worker through the service binding unchanged
 * (streamed both ways: sign-in callbacks, exports, imports), so the browser talks to one origin
 * and the sign-in cookies belong to it (the worker checks those requests itself). The site's own
 * routes first pass the origin and body-size checks (lib/server/guard.ts); pages get the
 * signed-in account (one API call) and the theme, and a few protective headers.
 */
import type { Handle } from "@sveltejs/kit";
import type { Account } from "$lib/types";
import { SITE_BODY_BYTES, boundedRequest, originRefusal } from "$lib/server/guard";

const SESSION_COOKIE = /(?:^|;\s*)(?:__Secure-)?kodo\.session_token=/;

export const handle: Handle = async ({ event, resolve }) => {
  if (event.url.pathname.startsWith("/api/")) {
    const api = event.platform?.env?.API;
    if (!api) return jsonResponse(503, "The Kodo API is not bound to this site");
    return api.fetch(event.request);
  }

  // The site's own routes: same-origin writes only, small bodies only (lib/server/guard.ts).
  const refused = originRefusal(event.request, event.url.origin);
  if (refused) return jsonResponse(403, `Cross-origin ${event.request.method} refused: ${refused}`);
  const bounded = await boundedRequest(event.request);
  if (!bounded) return jsonResponse(413, `Body too large: at most ${SITE_BODY_BYTES} bytes`);
  event.request = bounded;

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

function jsonResponse(status: number, error: string): Response {
  return new Response(JSON.stringify({ error }), { status, headers: { "content-type": "application/json" } });
}
