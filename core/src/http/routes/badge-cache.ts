/**
 * Edge caching and response headers for public reads. A README badge is fetched on every view
 * of the page (through GitHub's image proxy, among others), so each distinct badge URL is
 * built at most once per TTL per cache: a hit answers with one D1 read (the user and their
 * cache generation) instead of the user's days. New heartbeats show within BADGE_TTL_SECONDS;
 * a change to what is public (sharing, profile, deletion) shows at once: the cache key carries
 * the user's id and generation, which that change bumps (http/user-caches.ts), and a user who
 * is gone or private is never answered from the cache.
 */
import type { AppContext } from "../context.ts";
import type { PublicUser } from "../../ports.ts";
import { findPublicUser } from "./public-access.ts";

export const BADGE_TTL_SECONDS = 300;

/**
 * Browsers and proxies (GitHub's image proxy) must ask again every time: only Kodo's own cache,
 * whose keys a sharing change or a deletion makes unreachable, may keep a public answer.
 */
const CACHE_CONTROL = "public, no-cache";

/**
 * An SVG that can do nothing but be drawn: no scripts, no external loads, not sniffed as HTML
 * even when opened directly.
 */
export function svgResponse(svg: string): Response {
  return new Response(svg, {
    headers: {
      "Content-Type": "image/svg+xml; charset=utf-8",
      "Content-Security-Policy": "default-src 'none'; style-src 'unsafe-inline'",
      "X-Content-Type-Options": "nosniff",
      "Cache-Control": CACHE_CONTROL,
    },
  });
}

/** Public JSON; refusals are not kept by browsers (a user going public shows at once there). */
export function publicJsonResponse(body: unknown, status = 200): Response {
  return new Response(JSON.stringify(body), {
    status,
    headers: {
      "Content-Type": "application/json; charset=utf-8",
      "X-Content-Type-Options": "nosniff",
      "Cache-Control": status === 200 ? CACHE_CONTROL : "no-store",
    },
  });
}

/**
 * The cache key of a public read: this origin, the canonical path, and only the parameters
 * that change the output, sorted (so `?v=2` cache-busters and parameter order do not split
 * the cache, and unknown parameters cannot be used to force misses).
 */
export function cacheKey(c: AppContext, path: string, params: Record<string, string | undefined>): string {
  const search = new URLSearchParams(
    Object.entries(params)
      .filter((e): e is [string, string] => e[1] !== undefined)
      .sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0)),
  ).toString();
  return `${new URL(c.req.url).origin}${path}${search ? `?${search}` : ""}`;
}

/**
 * A public read of `username`: the user is looked up first (unknown and private users get
 * `build(null)`, never cached, so sharing turned on shows at once), then the answer is the
 * cached one under `path` + `params` + the user's id and cache generation, or `build(found)`'s.
 */
export async function publicRead(
  c: AppContext,
  username: string,
  path: string,
  params: Record<string, string | undefined>,
  build: (found: PublicUser | null) => Promise<Response>,
): Promise<Response> {
  const found = await findPublicUser(c.var.ports, username);
  if (!found) return build(null);
  // Reserved names: the params come from validated queries, which have no such fields.
  const key = cacheKey(c, path, { ...params, kodo_user: found.user.id, kodo_gen: found.cacheVersion });
  return cached(c, key, () => build(found));
}

/** The cached response for `key`, or `build()`'s, stored when it is a 200. */
async function cached(c: AppContext, key: string, build: () => Promise<Response>): Promise<Response> {
  const edgeCache = c.var.ports.edgeCache;
  if (!edgeCache) return build();
  const hit = await edgeCache.match(key);
  if (hit) {
    // A fresh Response: cached ones may have immutable headers, and middleware (CORS) adds some.
    const res = new Response(hit.body, hit);
    res.headers.set("Cache-Control", CACHE_CONTROL); // the stored copy carries the cache's own lifetime
    res.headers.set("X-Kodo-Cache", "hit");
    return res;
  }
  const res = await build();
  if (res.status === 200) await edgeCache.put(key, res.clone(), BADGE_TTL_SECONDS);
  res.headers.set("X-Kodo-Cache", "miss");
  return res;
}
