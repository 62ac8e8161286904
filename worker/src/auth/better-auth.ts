/**
 * Better Auth on D1 (its drizzle adapter): Google and Facebook built in, Amazon and any OpenID
 * Connect provider through its generic OAuth plugin (state + PKCE), and email sign-in by magic
 * link. Its `user` is Kodo's `users` row (name -> display_name); a username is derived on
 * sign-up. Sessions are HttpOnly, SameSite=Lax cookies, Secure whenever the site is https.
 * Better Auth is Cloudflare-only here; the shared API sees sessions only through the
 * SessionResolver port (sessions.ts). Only the endpoints Kodo uses are served (endpoints.ts);
 * names get Kodo's display-name rule on every write (core accounts/display-name.ts); sign-in
 * rate limits are counted in Durable Objects (rate-limiter.ts), so they hold across isolates.
 */
import { betterAuth, type BetterAuthPlugin, type BetterAuthRateLimitStorage } from "better-auth";
import { drizzleAdapter } from "better-auth/adapters/drizzle";
import { genericOAuth, magicLink } from "better-auth/plugins";
import { drizzle } from "drizzle-orm/d1";
import { eq } from "drizzle-orm";
import { APIError, createAuthMiddleware } from "better-auth/api";
import { cleanDisplayName, deriveUsername } from "@kodo/core";
import { authAccounts, authSessions, authVerifications, users, userSettings } from "../db/schema.ts";
import { COOKIE_PREFIX, readAuthConfig, type AuthConfig } from "./config.ts";
import { localOutbox, magicLinkMessage, resendSender, type EmailSender } from "./email.ts";
import { DISABLED_PATHS } from "./endpoints.ts";
import { durableRateLimitStorage, type RateLimiter } from "./rate-limiter.ts";

const MAGIC_LINK_MINUTES = 10;
const NO_TOKENS = { accessToken: null, refreshToken: null, idToken: null, accessTokenExpiresAt: null, refreshTokenExpiresAt: null };
const SESSION_DAYS = 30;
/** Magic links per minute, per client address (Better Auth's plugin default) and per address mailed. */
const MAGIC_LINKS_PER_WINDOW = 5;
const MAGIC_LINK_WINDOW_SECONDS = 60;

/** `extraPlugins`: only for the OpenAPI description (openapi.ts), never for serving. */
export function makeAuth(env: Pick<Env, "DB"> & { RATE_LIMITER?: DurableObjectNamespace<RateLimiter> }, cfg: AuthConfig, extraPlugins: BetterAuthPlugin[] = []) {
  const db = drizzle(env.DB);
  const limiter = rateLimitStorage(env, cfg);
  const sender: EmailSender | null =
    cfg.email?.kind === "resend" ? resendSender(cfg.email.apiKey, cfg.email.from) : cfg.email?.kind === "outbox" ? localOutbox(env.DB) : null;

  const generic = [];
  if (cfg.amazon) {
    const amazon = cfg.amazon;
    generic.push({
      providerId: "amazon",
      name: "Amazon",
      clientId: amazon.clientId,
      clientSecret: amazon.clientSecret,
      // Login with Amazon: plain OAuth 2.0 (no OIDC discovery), profile from its own endpoint.
      authorizationUrl: "https://www.amazon.com/ap/oa",
      tokenUrl: "https://api.amazon.com/auth/o2/token",
      userInfoUrl: "https://api.amazon.com/user/profile",
      scopes: ["profile"],
      pkce: true,
      async getUserInfo(tokens: { accessToken?: string | undefined }) {
        const res = await fetch("https://api.amazon.com/user/profile", { headers: { authorization: `Bearer ${tokens.accessToken}` } });
        if (!res.ok) return null;
        const p = (await res.json()) as { user_id?: string; email?: string; name?: string };
        if (!p.user_id || !p.email) return null;
        // Amazon only hands out addresses its users have verified.
        return { id: p.user_id, email: p.email, name: p.name ?? "", emailVerified: true };
      },
    });
  }
  if (cfg.oidc) {
    generic.push({
      providerId: "oidc",
      name: cfg.oidc.name,
      clientId: cfg.oidc.clientId,
      clientSecret: cfg.oidc.clientSecret,
      discoveryUrl: `${cfg.oidc.issuer}/.well-known/openid-configuration`,
      scopes: ["openid", "email", "profile"],
      pkce: true,
    });
  }

  const plugins: BetterAuthPlugin[] = [...extraPlugins];
  if (generic.length > 0) plugins.push(genericOAuth({ config: generic }));
  if (sender) {
    plugins.push(
      magicLink({
        expiresIn: MAGIC_LINK_MINUTES * 60,
        // The database keeps only a digest of the token; the link itself is single-use.
        storeToken: "hashed",
        rateLimit: { window: MAGIC_LINK_WINDOW_SECONDS, max: MAGIC_LINKS_PER_WINDOW },
        sendMagicLink: async ({ email, url }) => sender.send(magicLinkMessage(email, url, MAGIC_LINK_MINUTES)),
      }),
    );
  }

  return betterAuth({
    appName: "Kodo",
    baseURL: cfg.baseUrl,
    basePath: "/api/auth",
    secret: cfg.secret,
    trustedOrigins: cfg.trustedOrigins,
    telemetry: { enabled: false },
    // First wall of two (the route's allow-list is the other): endpoints Kodo does not use.
    disabledPaths: [...DISABLED_PATHS],
    database: drizzleAdapter(db, {
      provider: "sqlite",
      schema: { user: users, session: authSessions, account: authAccounts, verification: authVerifications },
    }),
    user: {
      fields: { name: "displayName" },
      additionalFields: { username: { type: "string", required: false, input: false } },
    },
    session: { expiresIn: SESSION_DAYS * 86_400, updateAge: 86_400 },
    // Better Auth's limits (sign-in 3/10 s, magic links 5/min, everything else 100/10 s, per
    // client address), counted in Durable Objects; per address mailed too (hooks below). On
    // wherever the site is https, off on plain-http local setups (config.ts AUTH_RATE_LIMIT).
    rateLimit: limiter ? { enabled: true, customStorage: limiter } : { enabled: false },
    account: {
      // Belt and braces: tokens are dropped before storage (databaseHooks below).
      encryptOAuthTokens: true,
      // One person, one account: a provider that vouches for the same verified address joins it.
      accountLinking: { enabled: true, trustedProviders: ["google", "amazon"] },
    },
    socialProviders: {
      ...(cfg.google ? { google: { ...cfg.google, prompt: "select_account" as const } } : {}),
      ...(cfg.facebook ? { facebook: cfg.facebook } : {}),
    },
    plugins,
    // OAuth and magic-link failures land on the sign-in page, which explains them.
    onAPIError: { errorURL: "/sign-in" },
    advanced: {
      cookiePrefix: COOKIE_PREFIX,
      useSecureCookies: cfg.secureCookies,
      defaultCookieAttributes: { sameSite: "lax", httpOnly: true, secure: cfg.secureCookies },
      database: { generateId: () => crypto.randomUUID() },
      // Cloudflare sets it (the dashboard forwards it, site/src/lib/server/api.ts); a client's
      // own X-Forwarded-For is never trusted.
      ipAddress: { ipAddressHeaders: ["cf-connecting-ip"] },
    },
    hooks: {
      before: createAuthMiddleware(async (ctx) => {
        if (!limiter || ctx.path !== "/sign-in/magic-link") return;
        const email = (ctx.body as { email?: unknown } | undefined)?.email;
        if (typeof email !== "string") return;
        const rule = { window: MAGIC_LINK_WINDOW_SECONDS, max: MAGIC_LINKS_PER_WINDOW };
        const { allowed } = await limiter.consume(`email|${email.trim().toLowerCase()}`, rule);
        if (!allowed) throw new APIError("TOO_MANY_REQUESTS", { message: "Too many sign-in links for this address; wait a minute." });
      }),
    },
    databaseHooks: {
      // Kodo never calls a provider's API for the user: provider tokens are not kept at all.
      account: {
        create: { before: async (account) => ({ data: { ...account, ...NO_TOKENS } }) },
        update: { before: async (account) => ({ data: { ...account, ...NO_TOKENS } }) },
      },
      user: {
        create: {
          async before(user) {
            const username = await deriveUsername(user.email, user.name, async (candidate) => {
              const row = await db.select({ id: users.id }).from(users).where(eq(users.username, candidate)).get();
              return row !== undefined;
            });
            // Kodo's display-name rule, cleaned rather than refused: a sign-up must not fail
            // over what a provider calls someone. "" is "none" (Kodo shows the username).
            return { data: { ...user, name: cleanDisplayName(user.name), username } };
          },
          async after(user) {
            await db.insert(userSettings).values({ userId: user.id }).onConflictDoNothing();
          },
        },
        // Whatever path of Better Auth's writes a name (update-user is off, endpoints.ts;
        // a provider's profile on a later sign-in), it gets the same rule.
        update: {
          async before(user) {
            if (!("name" in user)) return;
            return { data: { ...user, name: cleanDisplayName(user.name) } };
          },
        },
      },
    },
  });
}

/**
 * The Durable Object storage when limits are on (and the binding exists: the documentation
 * instance has none), with the test-only short window applied to every rule.
 */
function rateLimitStorage(env: { RATE_LIMITER?: DurableObjectNamespace<RateLimiter> }, cfg: AuthConfig): BetterAuthRateLimitStorage | null {
  if (!cfg.rateLimit.enabled || !env.RATE_LIMITER) return null;
  const storage = durableRateLimitStorage(env.RATE_LIMITER);
  const window = cfg.rateLimit.windowSeconds;
  return window === null ? storage : { consume: (key, rule) => storage.consume(key, { ...rule, window }) };
}

export type KodoAuth = ReturnType<typeof makeAuth>;

/** One instance per isolate and configuration (building it parses config and plugins). */
const instances = new WeakMap<object, { auth: KodoAuth; cfg: AuthConfig } | null>();
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
export async function authFor(env: Env): Promise<{ auth: KodoAuth; cfg: AuthConfig } | null> {
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
