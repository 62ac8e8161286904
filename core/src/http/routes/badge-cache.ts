/**
 * Edge caching and response headers for public reads. A README badge is fetched on every view
 * of the page (through GitHub's image proxy, among others), so each distinct badge URL is
 * built at most once per TTL per cache: a hit answers without touching D1 or the user's
 * Durable Object. The cost is staleness: a new heartbeat or a sharing change shows within
 * BADGE_TTL_SECONDS.
 */
import type { AppContext } from "../context.ts";

export const BADGE_TTL_SECONDS = 300;

const CACHE_CONTROL = `public, max-age=${BADGE_TTL_SECONDS}, s-maxage=${BADGE_TTL_SECONDS}`;

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

/** The cached response for `key`, or `build()`'s, stored when it is a 200. */
export async function cached(c: AppContext, key: string, build: () => Promise<Response>): Promise<Response> {
  const edgeCache = c.var.ports.edgeCache;
  if (!edgeCache) return build();
  const hit = await edgeCache.match(key);
  if (hit) {
    // A fresh Response: cached ones may have immutable headers, and middleware (CORS) adds some.
    const res = new Response(hit.body, hit);
    res.headers.set("X-Kodo-Cache", "hit");
    return res;
  }
  const res = await build();
  if (res.status === 200) await edgeCache.put(key, res.clone(), BADGE_TTL_SECONDS);
  res.headers.set("X-Kodo-Cache", "miss");
  return res;
}
