/**
 * Sign-in rate limits that hold across isolates: Better Auth's `rateLimit.customStorage` on a
 * Durable Object, one object per key (`idFromName(key)`, keys like "<ip>|/sign-in/magic-link"
 * or "email|<address>"). A Durable Object runs one request at a time, so its check-and-count
 * is atomic whatever isolate, colo or request the calls come from; Better Auth's own "memory"
 * storage counted per isolate, which a client defeats by landing on several.
 *
 * The window is fixed from its first request, as in Better Auth's own storages: `max` calls
 * per `window` seconds, then 429 until the window ends. The object's storage is deleted by an
 * alarm at the window's end, so idle keys cost nothing.
 */
import { DurableObject } from "cloudflare:workers";
import type { BetterAuthRateLimitStorage } from "better-auth";

interface Window {
  count: number;
  /** When the window ends (ms). */
  end: number;
}

export interface Decision {
  allowed: boolean;
  /** Seconds until the window frees up, when refused. */
  retryAfter: number | null;
}

export class RateLimiter extends DurableObject<Env> {
  /** Records one call against this key; refuses it when `max` were already made in the window. */
  consume(window: number, max: number): Decision {
    const now = Date.now();
    const kv = this.ctx.storage.kv;
    const current = kv.get<Window>("window");
    if (!current || now >= current.end) {
      const end = now + window * 1000;
      kv.put("window", { count: 1, end } satisfies Window);
      void this.ctx.storage.setAlarm(end);
      return { allowed: true, retryAfter: null };
    }
    if (current.count >= max) return { allowed: false, retryAfter: Math.max(1, Math.ceil((current.end - now) / 1000)) };
    kv.put("window", { count: current.count + 1, end: current.end } satisfies Window);
    return { allowed: true, retryAfter: null };
  }

  override async alarm(): Promise<void> {
    const current = this.ctx.storage.kv.get<Window>("window");
    if (current && Date.now() < current.end) return void (await this.ctx.storage.setAlarm(current.end));
    await this.ctx.storage.deleteAll();
  }
}

/** Better Auth's rate-limit storage on the RateLimiter namespace. */
export function durableRateLimitStorage(ns: DurableObjectNamespace<RateLimiter>): BetterAuthRateLimitStorage {
  return {
    async consume(key, rule) {
      return ns.get(ns.idFromName(key)).consume(rule.window, rule.max);
    },
  };
}
