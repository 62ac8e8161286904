/**
 * Sign-in configuration from the platform's variables (Worker vars and secrets, Lambda environment). Everything is optional but the
 * secret and the public URL: a provider without its client id and secret is simply not
 * offered (the sign-in page hides it), never half-configured.
 *
 * | name | what |
 * |---|---|
 * | BETTER_AUTH_SECRET | signs session cookies, encrypts OAuth tokens (required; .dev.vars locally) |
 * | BETTER_AUTH_URL | the dashboard's public origin, e.g. https://kodo.example.com (OAuth redirect URIs live under it) |
 * | GOOGLE_CLIENT_ID / GOOGLE_CLIENT_SECRET | Google sign-in |
 * | FACEBOOK_CLIENT_ID / FACEBOOK_CLIENT_SECRET | Facebook sign-in |
 * | AMAZON_CLIENT_ID / AMAZON_CLIENT_SECRET | Login with Amazon (Better Auth's generic OAuth plugin) |
 * | GITHUB_CLIENT_ID / GITHUB_CLIENT_SECRET | GitHub sign-in (a GitHub OAuth app; callback URL BETTER_AUTH_URL/api/auth/callback/github) |
 * | GITHUB_AUTHORIZATION_URL / GITHUB_TOKEN_URL / GITHUB_API_URL | tests only: GitHub's endpoints on a loopback stand-in (default github.com, api.github.com) |
 * | OIDC_ISSUER / OIDC_CLIENT_ID / OIDC_CLIENT_SECRET / OIDC_NAME | any OpenID Connect provider (discovery at the issuer) |
 * | RESEND_API_KEY / EMAIL_FROM | sends sign-in links through Resend's HTTP API |
 * | EMAIL_SENDER = "ses" / EMAIL_FROM | AWS: sends sign-in links through Amazon SES from EMAIL_FROM (template.yaml sets both) |
 * | KODO_LOCAL_OUTBOX = "1" | local development: sign-in links are printed and shown at /dev/outbox instead of mailed |
 * | TRUSTED_ORIGINS | more origins (comma-separated) allowed to make signed-in writes |
 * | AUTH_RATE_LIMIT = "on" / "off" | sign-in rate limits (README): on by default when BETTER_AUTH_URL is https, off on plain http (local) |
 * | AUTH_RATE_LIMIT_WINDOW_SECONDS | tests only: one short window for every limit instead of 10 s / 60 s |
 */
export interface OAuthClient {
  clientId: string;
  clientSecret: string;
}

export interface AuthConfig {
  secret: string;
  /** The dashboard's origin: Better Auth's baseURL. */
  baseUrl: string;
  trustedOrigins: string[];
  /** Cookies get `Secure` (and the __Secure- prefix) unless the site runs on plain http. */
  secureCookies: boolean;
  google: OAuthClient | null;
  facebook: OAuthClient | null;
  amazon: OAuthClient | null;
  /** GitHub OAuth app, and where GitHub is (github.com unless a test points it at a stand-in). */
  github: (OAuthClient & { authorizationUrl: string; tokenUrl: string; apiUrl: string }) | null;
  oidc: (OAuthClient & { issuer: string; name: string }) | null;
  email: { kind: "resend"; apiKey: string; from: string } | { kind: "ses"; from: string } | { kind: "outbox" } | null;
  rateLimit: { enabled: boolean; windowSeconds: number | null };
}

export const COOKIE_PREFIX = "kodo";

type Vars = Record<string, unknown>;

function str(vars: Vars, name: string): string | null {
  const v = vars[name];
  return typeof v === "string" && v.trim() !== "" ? v.trim() : null;
}

function client(vars: Vars, prefix: string): OAuthClient | null {
  const clientId = str(vars, `${prefix}_CLIENT_ID`);
  const clientSecret = str(vars, `${prefix}_CLIENT_SECRET`);
  return clientId && clientSecret ? { clientId, clientSecret } : null;
}

/** The configuration, or null when sign-in is not set up at all (no secret or no URL). */
export function readAuthConfig(env: object): AuthConfig | null {
  const vars = env as Vars;
  const secret = str(vars, "BETTER_AUTH_SECRET");
  const url = str(vars, "BETTER_AUTH_URL");
  if (!secret || !url) return null;
  let baseUrl: string;
  try {
    baseUrl = new URL(url).origin;
  } catch {
    return null;
  }
  const extra = (str(vars, "TRUSTED_ORIGINS") ?? "")
    .split(",")
    .map((s) => s.trim())
    .filter(Boolean)
    .flatMap((o) => {
      try {
        return [new URL(o).origin];
      } catch {
        return [];
      }
    });
  const oidcClient = client(vars, "OIDC");
  const githubClient = client(vars, "GITHUB");
  const issuer = str(vars, "OIDC_ISSUER");
  const resendKey = str(vars, "RESEND_API_KEY");
  const from = str(vars, "EMAIL_FROM");
  const limit = str(vars, "AUTH_RATE_LIMIT");
  const window = Number(str(vars, "AUTH_RATE_LIMIT_WINDOW_SECONDS") ?? "");
  return {
    secret,
    baseUrl,
    trustedOrigins: [...new Set([baseUrl, ...extra])],
    secureCookies: baseUrl.startsWith("https:"),
    google: client(vars, "GOOGLE"),
    facebook: client(vars, "FACEBOOK"),
    amazon: client(vars, "AMAZON"),
    github: githubClient
      ? {
          ...githubClient,
          authorizationUrl: str(vars, "GITHUB_AUTHORIZATION_URL") ?? "https://github.com/login/oauth/authorize",
          tokenUrl: str(vars, "GITHUB_TOKEN_URL") ?? "https://github.com/login/oauth/access_token",
          apiUrl: (str(vars, "GITHUB_API_URL") ?? "https://api.github.com").replace(/\/+$/, ""),
        }
      : null,
    oidc: oidcClient && issuer ? { ...oidcClient, issuer: issuer.replace(/\/+$/, ""), name: str(vars, "OIDC_NAME") ?? "Single sign-on" } : null,
    email:
      resendKey && from
        ? { kind: "resend", apiKey: resendKey, from }
        : str(vars, "EMAIL_SENDER") === "ses" && from
          ? { kind: "ses", from }
          : str(vars, "KODO_LOCAL_OUTBOX") === "1"
            ? { kind: "outbox" }
            : null,
    // Local http setups are one address signing in over and over (npm start, the e2e suites).
    rateLimit: {
      enabled: limit === "on" ? true : limit === "off" ? false : baseUrl.startsWith("https:"),
      windowSeconds: Number.isInteger(window) && window > 0 ? window : null,
    },
  };
}

/** What the sign-in page may offer. */
export function offeredProviders(cfg: AuthConfig | null): { id: string; name: string }[] {
  if (!cfg) return [];
  const out: { id: string; name: string }[] = [];
  if (cfg.google) out.push({ id: "google", name: "Google" });
  if (cfg.facebook) out.push({ id: "facebook", name: "Facebook" });
  if (cfg.github) out.push({ id: "github", name: "GitHub" });
  if (cfg.amazon) out.push({ id: "amazon", name: "Amazon" });
  if (cfg.oidc) out.push({ id: "oidc", name: cfg.oidc.name });
  return out;
}
