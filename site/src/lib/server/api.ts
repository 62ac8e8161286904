/**
 * The site's only way to data: the Kodo worker through the `API` service binding. Requests
 * carry the browser's cookies; writes also carry this site's Origin and the session's CSRF
 * token (the worker checks both, see core/src/accounts/csrf.ts). The site never decides
 * anything itself: no business logic lives here.
 */
import { error, type Cookies, type RequestEvent } from "@sveltejs/kit";

export interface ApiInit {
  method?: string;
  /** JSON-encoded when not a string or a stream. */
  body?: unknown;
}

function binding(event: RequestEvent): Fetcher {
  const api = event.platform?.env?.API;
  if (!api) error(503, "The Kodo API is not bound to this site (service binding API).");
  return api;
}

export async function api(event: RequestEvent, path: string, init: ApiInit = {}): Promise<Response> {
  const method = init.method ?? "GET";
  const headers = new Headers({ accept: "application/json" });
  const cookie = event.request.headers.get("cookie");
  if (cookie) headers.set("cookie", cookie);
  const ua = event.request.headers.get("user-agent");
  if (ua) headers.set("user-agent", ua);
  // The client's address as Cloudflare saw it: the worker's sign-in rate limits count per address
  // (worker/src/auth/better-auth.ts); without it every visitor would share one count.
  const ip = event.request.headers.get("cf-connecting-ip");
  if (ip) headers.set("cf-connecting-ip", ip);
  let body: BodyInit | undefined;
  if (method !== "GET" && method !== "HEAD") {
    // SvelteKit has already refused cross-site form posts to this site (its Origin check);
    // the worker checks Origin and token again.
    headers.set("origin", event.url.origin);
    const csrf = event.locals.account?.csrf_token;
    if (csrf) headers.set("x-csrf-token", csrf);
    if (init.body !== undefined) {
      body = typeof init.body === "string" ? init.body : JSON.stringify(init.body);
      headers.set("content-type", "application/json");
    }
  }
  return binding(event).fetch(new Request(new URL(path, event.url.origin), { method, headers, body }));
}

/** JSON of a successful answer, or the API's error message (thrown as the same status). */
export async function apiJson<T>(event: RequestEvent, path: string, init: ApiInit = {}): Promise<T> {
  const res = await api(event, path, init);
  if (!res.ok) error(res.status, await errorText(res));
  return (await res.json()) as T;
}

export async function errorText(res: Response): Promise<string> {
  try {
    const body = (await res.json()) as { error?: unknown; message?: unknown };
    if (typeof body.error === "string") return body.error;
    // Better Auth's own endpoints answer {code, message}.
    if (typeof body.message === "string") return body.message;
  } catch {
    /* not JSON */
  }
  return `The API answered ${res.status}`;
}

/**
 * Applies the worker's cookie deletions (Max-Age=0) through SvelteKit's cookie API (form
 * actions cannot set raw headers). Cookies with values are only ever set through
 * redirectWithCookies, verbatim.
 */
export function applyCookieDeletions(from: Response, cookies: Cookies): void {
  for (const line of from.headers.getSetCookie()) {
    const name = line.split("=")[0]!.trim();
    if (name && /;\s*max-age=0/i.test(line)) cookies.delete(name, { path: "/", secure: /;\s*secure/i.test(line) });
  }
}

/** A 303 to `location` carrying the worker's Set-Cookie headers verbatim (for +server.ts routes). */
export function redirectWithCookies(location: string, from: Response): Response {
  const headers = new Headers({ location });
  for (const c of from.headers.getSetCookie()) headers.append("set-cookie", c);
  return new Response(null, { status: 303, headers });
}
