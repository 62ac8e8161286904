/**
 * "Require a passkey after signing in": a user's setting (Better Auth's user field
 * `passkeyRequired`) that makes a passkey the second factor of every other way in.
 *
 * - A session made by a passkey ceremony (`POST /api/auth/passkey/verify-authentication`) is
 *   `passkeyVerified`; every other session (email link, Google, GitHub, ...) is not.
 * - While the user requires a passkey, a session that is not passkeyVerified is LIMITED: Kodo's
 *   API treats it as signed out (sessions.ts), it manages no passkeys (better-auth.ts), and the
 *   sign-in page asks for the passkey. The passkey sign-in then replaces it with a full session.
 * - Turning it on needs at least one passkey and a full session; the session that turns it on
 *   stays full (it is the user at the keyboard), every other one must confirm with a passkey.
 *   The last passkey cannot be deleted while it is on.
 */
export const PASSKEY_SIGN_IN_PATH = "/passkey/verify-authentication";

/** Better Auth's passkey endpoints that need a full session. */
export const PASSKEY_MANAGEMENT_PATHS: ReadonlySet<string> = new Set([
  "/passkey/generate-register-options",
  "/passkey/verify-registration",
  "/passkey/list-user-passkeys",
  "/passkey/update-passkey",
  "/passkey/delete-passkey",
]);

/** True when the user has turned the requirement on. */
export function requiresPasskey(user: object): boolean {
  return (user as { passkeyRequired?: unknown }).passkeyRequired === true;
}

/** True when the session still waits for its passkey (see above). */
export function needsPasskey(user: object, session: object): boolean {
  return requiresPasskey(user) && (session as { passkeyVerified?: unknown }).passkeyVerified !== true;
}
