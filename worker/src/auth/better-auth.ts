/**
 * Better Auth on Cloudflare: Kodo's shared configuration (@kodo/core/auth) on D1 through its
 * drizzle adapter, with Kodo's `users` table as Better Auth's `user`, sign-in rate limits
 * counted in Durable Objects (rate-limiter.ts), and mail through Resend or the local outbox.
 */
import type { BetterAuthPlugin } from "better-auth";
import { drizzleAdapter } from "better-auth/adapters/drizzle";
import { drizzle } from "drizzle-orm/d1";
import { eq } from "drizzle-orm";
import { makeKodoAuth, readAuthConfig, resendSender, type AuthConfig, type AuthPlatform, type MadeAuth } from "@kodo/core/auth";
import { authAccounts, authPasskeys, authSessions, authVerifications, users, userSettings } from "../db/schema.ts";
import { d1Outbox } from "./email.ts";
import { durableRateLimitStorage, type RateLimiter } from "./rate-limiter.ts";

type AuthEnv = Pick<Env, "DB"> & { RATE_LIMITER?: DurableObjectNamespace<RateLimiter> };

/** `extraPlugins`: only for tests and documentation, never for serving. */
export function makeAuth(env: AuthEnv, cfg: AuthConfig, extraPlugins: BetterAuthPlugin[] = []) {
  const db = drizzle(env.DB);
  const platform: AuthPlatform = {
    database: drizzleAdapter(db, {
      provider: "sqlite",
      schema: { user: users, session: authSessions, account: authAccounts, verification: authVerifications, passkey: authPasskeys },
    }),
    rateLimitStorage: env.RATE_LIMITER ? durableRateLimitStorage(env.RATE_LIMITER) : null,
    sender: cfg.email?.kind === "resend" ? resendSender(cfg.email.apiKey, cfg.email.from) : cfg.email?.kind === "outbox" ? d1Outbox(env.DB) : null,
    async usernameTaken(candidate) {
      const row = await db.select({ id: users.id }).from(users).where(eq(users.username, candidate)).get();
      return row !== undefined;
    },
    async userCreated(userId) {
      await db.insert(userSettings).values({ userId }).onConflictDoNothing();
    },
    // Cloudflare sets it (the dashboard forwards it, site/src/lib/server/api.ts); a client's
    // own X-Forwarded-For is never trusted.
    ipAddressHeaders: ["cf-connecting-ip"],
    verificationCleanup: true,
  };
  return makeKodoAuth(platform, cfg, extraPlugins);
}

/** One instance per isolate and configuration (building it parses config and plugins). */
const instances = new WeakMap<object, MadeAuth | null>();
const configs = new WeakMap<object, AuthConfig | null>();

/** The sign-in configuration of this environment (cached), or null when sign-in is off. */
export function authConfigFor(env: Env): AuthConfig | null {
  if (!configs.has(env)) configs.set(env, readAuthConfig(env));
  return configs.get(env)!;
}

/**
 * The Better Auth instance, ready. workerd never settles a promise in a request other than the
 * one that created it, so the instance's initialisation (OIDC discovery included) is awaited
 * here, in the request that builds it, before it is shared with later requests.
 */
export async function authFor(env: Env): Promise<MadeAuth | null> {
  const known = instances.get(env);
  if (known !== undefined) return known;
  const cfg = authConfigFor(env);
  if (!cfg) {
    instances.set(env, null);
    return null;
  }
  const auth = makeAuth(env, cfg);
  await auth.$context;
  if (!instances.has(env)) instances.set(env, { auth, cfg });
  return instances.get(env)!;
}
