/**
 * What every request to the site's own routes (pages, form actions, /sign-in/{provider},
 * /sign-out; not /api/*, which the worker checks itself) must pass before any route runs
 * (hooks.server.ts):
 *
 * - Origin: a state-changing request (anything but GET/HEAD/OPTIONS) must come from the site's
 *   own pages: its Origin equals the site's origin, or, when a browser sent no Origin, its
 *   Sec-Fetch-Site says same-origin or none (typed into the address bar). Anything else is a
 *   403. SvelteKit's own check covers only form content types, so a body-less POST such as
 *   the sign-out button's slipped by it; this one covers every method and content type.
 * - Size: the site's forms are a few fields, so a body is read into memory only up to
 *   SITE_BODY_BYTES (a larger Content-Length is refused unread, a larger chunked body is
 *   cancelled at the limit): 413.
 */

import { declaresMoreThan, readAtMost, withBody } from "@kodo/core/bounded-stream";

const SAFE_METHODS = new Set(["GET", "HEAD", "OPTIONS"]);

/** The site's forms: sign-in, settings, keys, teams, goals, friends. */
export const SITE_BODY_BYTES = 16_384;

/** Null when the request may go on, else why it is refused. */
export function originRefusal(request: Request, siteOrigin: string): string | null {
  if (SAFE_METHODS.has(request.method)) return null;
  const origin = request.headers.get("origin");
  if (origin !== null) return origin === siteOrigin ? null : `Origin ${origin.slice(0, 100)} is not this site`;
  const site = request.headers.get("sec-fetch-site");
  if (site === "same-origin" || site === "none") return null;
  return site === null ? "Missing Origin header" : `Cross-site request refused (Sec-Fetch-Site: ${site.slice(0, 20)})`;
}

/**
 * The request with its body read into memory, at most `limit` bytes (null past it), so form
 * actions' `request.formData()` can never read more.
 */
export async function boundedRequest(request: Request, limit = SITE_BODY_BYTES): Promise<Request | null> {
  if (!request.body) return request;
  if (declaresMoreThan(request.headers, limit)) return null;
  const body = await readAtMost(request.body, limit);
  return body === null ? null : withBody(request, body);
}
