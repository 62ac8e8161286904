/**
 * The Better Auth endpoints Kodo uses, and only those. Everything else Better Auth would serve
 * under /api/auth (update-user, change-email, delete-user, list-sessions, passwords, ...) is
 * answered 404: Kodo has its own routes for the profile (PATCH /api/kodo/account, with its
 * rules) and for deletion, and an endpoint nobody uses is only a way around them.
 *
 * Two walls: `DISABLED_PATHS` goes to Better Auth's own `disabledPaths` option, and the route
 * (routes.ts) lets through only `isAllowedAuthEndpoint` requests before Better Auth sees them,
 * so a Better Auth upgrade that adds an endpoint does not open it (the test in
 * worker/test/auth-endpoints.test.ts lists every endpoint of the instance and fails on one
 * that is in neither list).
 */

/** `METHOD path` (path under /api/auth) -> what uses it. */
export const ALLOWED_AUTH_ENDPOINTS: ReadonlyArray<{ method: "GET" | "POST"; path: RegExp; what: string }> = [
  { method: "POST", path: /^\/sign-in\/social$/, what: "the sign-in page's provider buttons (site/src/routes/sign-in/[provider]; generic OAuth providers too)" },
  { method: "GET", path: /^\/callback\/[a-z0-9-]{1,40}$/, what: "OAuth/OIDC providers' redirect back (Google, Facebook, GitHub, Amazon, OIDC)" },
  { method: "POST", path: /^\/sign-in\/magic-link$/, what: "the sign-in page's email form" },
  { method: "GET", path: /^\/magic-link\/verify$/, what: "the link in the sign-in mail" },
  { method: "POST", path: /^\/sign-out$/, what: "the dashboard's sign-out button (site/src/routes/sign-out)" },
  { method: "GET", path: /^\/passkey\/generate-authenticate-options$/, what: "the sign-in page's passkey button (and its second-factor step): a challenge" },
  { method: "POST", path: /^\/passkey\/verify-authentication$/, what: "the sign-in page's passkey button: the signed challenge -> a session" },
  { method: "GET", path: /^\/passkey\/generate-register-options$/, what: "the account's passkeys page (site/src/routes/account/passkeys): adding a passkey" },
  { method: "POST", path: /^\/passkey\/verify-registration$/, what: "the account's passkeys page: the new passkey's public key" },
  { method: "GET", path: /^\/passkey\/list-user-passkeys$/, what: "the account's passkeys page: the list" },
  { method: "POST", path: /^\/passkey\/update-passkey$/, what: "the account's passkeys page: renaming" },
  { method: "POST", path: /^\/passkey\/delete-passkey$/, what: "the account's passkeys page: removing" },
  { method: "GET", path: /^\/get-session$/, what: "the session of the cookie (Better Auth's client; Kodo's pages use /api/kodo/account)" },
];

export function isAllowedAuthEndpoint(method: string, path: string): boolean {
  return ALLOWED_AUTH_ENDPOINTS.some((e) => e.method === method && e.path.test(path));
}

/**
 * Better Auth's endpoints (1.7) that Kodo does not use, for its `disabledPaths` (exact paths:
 * ones with parameters, such as /reset-password/:token, are stopped by the allow-list alone).
 */
export const DISABLED_PATHS: readonly string[] = [
  "/update-user",
  "/change-email",
  "/change-password",
  "/delete-user",
  "/delete-user/callback",
  "/list-sessions",
  "/revoke-session",
  "/revoke-sessions",
  "/revoke-other-sessions",
  "/update-session",
  "/list-accounts",
  "/account-info",
  "/link-social",
  "/unlink-account",
  "/get-access-token",
  "/refresh-token",
  "/sign-in/email",
  "/sign-up/email",
  "/request-password-reset",
  "/reset-password",
  "/send-verification-email",
  "/verify-email",
  "/verify-password",
  "/error",
  "/ok",
];
