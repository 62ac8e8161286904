/**
 * CSRF protection for cookie-authenticated writes (API-key requests need none: a browser never
 * attaches a key by itself). Two checks, both required: the Origin header names a trusted
 * origin, and the X-CSRF-Token header carries the session's token, an HMAC of the session id
 * that only a page of a trusted origin can read (GET /api/kodo/account answers it; other
 * origins cannot read that answer, since the API's CORS never allows credentials).
 */
export const CSRF_HEADER = "x-csrf-token";

export async function csrfTokenFor(secret: string, sessionId: string): Promise<string> {
  const key = await crypto.subtle.importKey("raw", new TextEncoder().encode(secret), { name: "HMAC", hash: "SHA-256" }, false, ["sign"]);
  const mac = await crypto.subtle.sign("HMAC", key, new TextEncoder().encode(`kodo-csrf:${sessionId}`));
  return [...new Uint8Array(mac)].map((b) => b.toString(16).padStart(2, "0")).join("");
}

/** Compares in time independent of where the strings differ. */
export function sameToken(a: string, b: string): boolean {
  if (a.length !== b.length) return false;
  let diff = 0;
  for (let i = 0; i < a.length; i++) diff |= a.charCodeAt(i) ^ b.charCodeAt(i);
  return diff === 0;
}

const SAFE_METHODS = new Set(["GET", "HEAD", "OPTIONS"]);

/**
 * Null when a state-changing request comes from a trusted origin's page (or the method is
 * safe), else why not. The Origin half of csrfProblem, and all of the check for sign-in
 * endpoints, which run before there is a session to hold a token (core/src/auth/routes.ts).
 */
export function originProblem(method: string, headers: { origin: string | undefined; fetchSite: string | undefined }, trustedOrigins: readonly string[]): string | null {
  if (SAFE_METHODS.has(method.toUpperCase())) return null;
  if (headers.fetchSite === "cross-site") return "Cross-site request refused";
  if (!headers.origin) return "Missing Origin header";
  if (!trustedOrigins.includes(headers.origin)) return `Origin ${headers.origin.slice(0, 100)} is not allowed`;
  return null;
}

/**
 * Null when a cookie-authenticated request may proceed, else why not. Safe methods pass (they
 * change nothing); others need a trusted Origin and the session's token.
 */
export function csrfProblem(
  method: string,
  headers: { origin: string | undefined; token: string | undefined; fetchSite: string | undefined },
  trustedOrigins: readonly string[],
  expectedToken: string,
): string | null {
  if (SAFE_METHODS.has(method.toUpperCase())) return null;
  const origin = originProblem(method, headers, trustedOrigins);
  if (origin) return origin;
  if (!headers.token) return "Missing X-CSRF-Token header";
  if (!sameToken(headers.token, expectedToken)) return "Bad X-CSRF-Token";
  return null;
}
