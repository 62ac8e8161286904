/**
 * EdgeCache adapters that need no platform: an in-memory one (one process, e.g. a Lambda
 * container or a Node server: it saves the store reads of repeated badge views there) and one
 * that caches nothing. Cloudflare's, over the Workers Cache API, is in worker/src/stores/.
 */
import type { EdgeCache } from "../ports.ts";

interface Entry {
  body: ArrayBuffer;
  status: number;
  headers: [string, string][];
  expiresAtSeconds: number;
}

/** Keeps up to `maxEntries` responses in memory, dropping the least recently used first. */
export function memoryEdgeCache(opts: { now: () => number; maxEntries?: number }): EdgeCache {
  const maxEntries = opts.maxEntries ?? 1_000;
  const entries = new Map<string, Entry>();
  return {
    async match(key) {
      const entry = entries.get(key);
      if (!entry) return undefined;
      if (entry.expiresAtSeconds <= opts.now()) {
        entries.delete(key);
        return undefined;
      }
      // Re-insert: Map order is insertion order, so the front is the least recently used.
      entries.delete(key);
      entries.set(key, entry);
      return new Response(entry.body.slice(0), { status: entry.status, headers: entry.headers });
    },
    async put(key, response, ttlSeconds) {
      const body = await response.clone().arrayBuffer();
      entries.delete(key);
      entries.set(key, { body, status: response.status, headers: [...response.headers], expiresAtSeconds: opts.now() + ttlSeconds });
      while (entries.size > maxEntries) entries.delete(entries.keys().next().value!);
    },
  };
}

export const noEdgeCache: EdgeCache = {
  match: async () => undefined,
  put: async () => {},
};
