import type { EdgeCache } from "@kodo/core";

/**
 * The EdgeCache port on Cloudflare: the Workers Cache API (`caches.default`, the data centre's
 * cache). The stored copy's Cache-Control sets its lifetime there; responses are kept only in
 * the colo that built them, which is what a badge viewed from everywhere needs (each colo
 * builds it once per TTL).
 */
export function cloudflareEdgeCache(cache: Cache = caches.default): EdgeCache {
  return {
    async match(key) {
      return (await cache.match(key)) ?? undefined;
    },
    async put(key, response, ttlSeconds) {
      const stored = new Response(response.body, response);
      stored.headers.set("Cache-Control", `public, max-age=${ttlSeconds}`);
      stored.headers.delete("Set-Cookie"); // the Cache API refuses responses that set cookies
      await cache.put(key, stored);
    },
  };
}
