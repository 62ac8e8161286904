/**
 * Kodo's Better Auth configuration, one for every platform: Google and Facebook built in,
 * Amazon and any OpenID Connect provider through its generic OAuth plugin (state + PKCE), and
 * email sign-in by magic link. Its `user` is Kodo's user (name -> displayName); a username is
 * derived on sign-up. Sessions are HttpOnly, SameSite=Lax cookies, Secure whenever the site is
 * https. Only the endpoints Kodo uses are served (endpoints.ts); names get Kodo's display-name
 * rule on every write (core accounts/display-name.ts); sign-in rate limits are counted in the
 * platform's shared storage, so they hold across isolates and Lambda containers.
 *
 * What differs per platform comes in as an `AuthPlatform`: the database adapter (D1 via
 * drizzle in worker/, DynamoDB in sam/), the rate-limit storage (a Durable Object, a DynamoDB
 * item), the mail sender, how a username is checked, and which header carries the client
 * address.
 */
import { betterAuth, type BetterAuthOptions, type BetterAuthPlugin, type BetterAuthRateLimitStorage } from "better-auth";
import { genericOAuth, magicLink } from "better-auth/plugins";
import { APIError, createAuthMiddleware, getSessionFromCtx } from "better-auth/api";
import { passkey } from "@better-auth/passkey";
import { cleanDisplayName } from "../accounts/display-name.ts";
import { deriveUsername } from "../accounts/username.ts";
import { COOKIE_PREFIX, type AuthConfig } from "./config.ts";
import { magicLinkMessage, type EmailSender } from "./email.ts";
import { DISABLED_PATHS } from "./endpoints.ts";
import { githubUserInfo } from "./github.ts";
import { PASSKEY_MANAGEMENT_PATHS, PASSKEY_SIGN_IN_PATH, needsPasskey, requiresPasskey } from "./second-factor.ts";

export const MAGIC_LINK_MINUTES = 10;
const NO_TOKENS = { accessToken: null, refreshToken: null, idToken: null, accessTokenExpiresAt: null, refreshTokenExpiresAt: null };
export const SESSION_DAYS = 30;
/** Magic links per minute, per client address (Better Auth's plugin default) and per address mailed. */
const MAGIC_LINKS_PER_WINDOW = 5;
const MAGIC_LINK_WINDOW_SECONDS = 60;

/** The key that limits sign-in links mailed to one address (platforms delete it with the account). */
export function emailRateLimitKey(email: string): string {
  return `email|${email.trim().toLowerCase()}`;
}

export interface AuthPlatform {
  /** Better Auth's database adapter. */
  database: BetterAuthOptions["database"];
  /** Shared counters for sign-in limits; null when limits are off (or the platform has none). */
  rateLimitStorage: BetterAuthRateLimitStorage | null;
  /** Where sign-in mails go; null: no email sign-in. */
  sender: EmailSender | null;
  /** True when a user has this username already (sign-up derives a free one). */
  usernameTaken(candidate: string): Promise<boolean>;
  /** After Better Auth created a user: the platform's own rows for it (settings). */
  userCreated?(userId: string): Promise<void>;
  /** Headers the platform's edge sets to the client address (a client's own are never trusted). */
  ipAddressHeaders: string[];
  /**
   * Whether Better Auth sweeps expired verification rows itself (a query over every row); off
   * where the database expires them (DynamoDB's TTL).
   */
  verificationCleanup: boolean;
}

/** `extraPlugins`: only for the OpenAPI description (openapi.ts), never for serving. */
export function makeKodoAuth(platform: AuthPlatform, cfg: AuthConfig, extraPlugins: BetterAuthPlugin[] = []) {
  const limiter = withTestWindow(cfg.rateLimit.enabled ? platform.rateLimitStorage : null, cfg);
  const sender = platform.sender;

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
  if (cfg.github) {
    const github = cfg.github;
    generic.push({
      providerId: "github",
      name: "GitHub",
      clientId: github.clientId,
      clientSecret: github.clientSecret,
      // GitHub is OAuth 2.0, not OIDC: the profile and the addresses come from its REST API.
      authorizationUrl: github.authorizationUrl,
      tokenUrl: github.tokenUrl,
      scopes: ["read:user", "user:email"],
      pkce: true,
      getUserInfo: (tokens: { accessToken?: string | undefined }) => githubUserInfo(github.apiUrl, tokens.accessToken),
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
  // Passkeys (WebAuthn) for the dashboard's own origin: a way to sign in, and the second factor
  // a user may require (second-factor.ts). Only ceremonies with user verification (PIN,
  // biometrics) count: a passkey alone is then two factors, something held and something known.
  plugins.push(
    passkey({
      rpID: new URL(cfg.baseUrl).hostname,
      rpName: "Kodo",
      origin: cfg.baseUrl,
      authenticatorSelection: { residentKey: "required", userVerification: "required" },
      registration: {
        async afterVerification({ verification }) {
          if (!verification.registrationInfo?.userVerified) throw new APIError("BAD_REQUEST", { message: "The passkey did not verify you (PIN or biometrics); Kodo only keeps passkeys that do." });
        },
      },
      authentication: {
        async afterVerification({ verification }) {
          if (!verification.authenticationInfo.userVerified) throw new APIError("UNAUTHORIZED", { message: "The passkey did not verify you (PIN or biometrics)." });
        },
      },
    }) as unknown as BetterAuthPlugin,
  );
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
    database: platform.database,
    user: {
      fields: { name: "displayName" },
      additionalFields: {
        username: { type: "string", required: false, input: false },
        // The user's "require a passkey after signing in" (second-factor.ts).
        passkeyRequired: { type: "boolean", required: false, defaultValue: false, input: false },
      },
    },
    session: {
      expiresIn: SESSION_DAYS * 86_400,
      updateAge: 86_400,
      // True when a passkey ceremony made (or confirmed) the session.
      additionalFields: { passkeyVerified: { type: "boolean", required: false, defaultValue: false, input: false } },
    },
    verification: { disableCleanup: !platform.verificationCleanup },
    // Better Auth's limits (sign-in 3/10 s, magic links 5/min, everything else 100/10 s, per
    // client address), counted in the platform's shared storage; per address mailed too (hooks
    // below). On wherever the site is https, off on plain-http local setups (config.ts AUTH_RATE_LIMIT).
    rateLimit: limiter ? { enabled: true, customStorage: limiter } : { enabled: false },
    account: {
      // Belt and braces: tokens are dropped before storage (databaseHooks below).
      encryptOAuthTokens: true,
      // One person, one account: a provider that vouches for the same verified address joins it.
      // GitHub's profile is only used with a primary address GitHub verified (github.ts).
      accountLinking: { enabled: true, trustedProviders: ["google", "amazon", "github"] },
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
      ipAddress: { ipAddressHeaders: platform.ipAddressHeaders },
    },
    hooks: {
      before: createAuthMiddleware(async (ctx) => {
        if (PASSKEY_MANAGEMENT_PATHS.has(ctx.path)) {
          // A session still waiting for its passkey manages no passkeys (else a stolen link or
          // provider sign-in could add its own and pass the second factor with it).
          const found = await getSessionFromCtx(ctx);
          if (found && needsPasskey(found.user, found.session)) throw new APIError("FORBIDDEN", { message: "Confirm this sign-in with your passkey first." });
          if (found && ctx.path === "/passkey/delete-passkey" && requiresPasskey(found.user)) {
            const own = await ctx.context.adapter.findMany<{ id: string }>({ model: "passkey", where: [{ field: "userId", value: found.user.id }] });
            if (own.length <= 1) throw new APIError("BAD_REQUEST", { message: "This is your last passkey and your account requires one: turn that off first, or add another passkey." });
          }
          return;
        }
        if (!limiter || ctx.path !== "/sign-in/magic-link") return;
        const email = (ctx.body as { email?: unknown } | undefined)?.email;
        if (typeof email !== "string") return;
        const rule = { window: MAGIC_LINK_WINDOW_SECONDS, max: MAGIC_LINKS_PER_WINDOW };
        const { allowed } = await limiter.consume(emailRateLimitKey(email), rule);
        if (!allowed) throw new APIError("TOO_MANY_REQUESTS", { message: "Too many sign-in links for this address; wait a minute." });
      }),
    },
    databaseHooks: {
      session: {
        create: {
          async before(session, ctx) {
            if (ctx?.path !== PASSKEY_SIGN_IN_PATH) return;
            // A passkey sign-in replaces the session of the cookie it came with (one waiting
            // for its second factor, or any other): that one is ended, not left behind.
            const cookie = ctx.context.authCookies.sessionToken.name;
            const old = await ctx.getSignedCookie(cookie, ctx.context.secret);
            if (old) await ctx.context.internalAdapter.deleteSession(old);
            return { data: { ...session, passkeyVerified: true } };
          },
        },
      },
      // Kodo never calls a provider's API for the user: provider tokens are not kept at all.
      account: {
        create: { before: async (account) => ({ data: { ...account, ...NO_TOKENS } }) },
        update: { before: async (account) => ({ data: { ...account, ...NO_TOKENS } }) },
      },
      user: {
        create: {
          async before(user) {
            const username = await deriveUsername(user.email, user.name, (candidate) => platform.usernameTaken(candidate));
            // Kodo's display-name rule, cleaned rather than refused: a sign-up must not fail
            // over what a provider calls someone. "" is "none" (Kodo shows the username).
            return { data: { ...user, name: cleanDisplayName(user.name), username } };
          },
          async after(user) {
            await platform.userCreated?.(user.id);
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

/** The storage with the test-only short window (AUTH_RATE_LIMIT_WINDOW_SECONDS) applied to every rule. */
function withTestWindow(storage: BetterAuthRateLimitStorage | null, cfg: AuthConfig): BetterAuthRateLimitStorage | null {
  const window = cfg.rateLimit.windowSeconds;
  if (!storage || window === null) return storage;
  return { consume: (key, rule) => storage.consume(key, { ...rule, window }) };
}

export type KodoAuth = ReturnType<typeof makeKodoAuth>;

/** A ready instance and the configuration it was made from. */
export interface MadeAuth {
  auth: KodoAuth;
  cfg: AuthConfig;
}
