import type { MiddlewareHandler } from "hono";
import type { AppEnv } from "./context.ts";
import { jsonError } from "./errors.ts";
import type { KeyScope } from "../ports.ts";
import { authenticateSession, usesSession } from "./routes/account-auth.ts";

/**
 * The API key of a request, in the forms WakaTime clients send it:
 * `Authorization: Basic base64(key)`, `Authorization: Bearer key` (raw, or base64 of the key),
 * or `?api_key=key`. Returns null when none is present or it cannot be decoded.
 */
export function apiKeyOf(authorization: string | undefined, queryKey: string | undefined): string | null {
  if (authorization) {
    const m = /^(Basic|Bearer)\s+(\S+)\s*$/i.exec(authorization);
    if (!m) return null;
    const scheme = m[1]!.toLowerCase();
    const token = m[2]!;
    if (scheme === "basic") {
      const decoded = decodeBase64(token);
      if (decoded === null) return null;
      // WakaTime clients send the key alone; other HTTP clients may send "key:" or "user:key".
      const parts = decoded.split(":");
      return cleanKey(parts.find(looksLikeKey) ?? parts.find((p) => p.length > 0) ?? "");
    }
    if (looksLikeKey(token)) return token;
    const decoded = decodeBase64(token);
    return decoded !== null && looksLikeKey(decoded) ? decoded : cleanKey(token);
  }
  if (queryKey) return cleanKey(queryKey);
  return null;
}

const UUID = "[0-9a-f]{8}-[0-9a-f]{4}-4[0-9a-f]{3}-[89ab][0-9a-f]{3}-[0-9a-f]{12}";
const KEY_RE = new RegExp(`^(waka_)?${UUID}$`, "i");

/** The key shapes WakaTime plugins accept: `waka_<uuid-v4>` or a bare UUID v4. */
export function looksLikeKey(value: string): boolean {
  return KEY_RE.test(value);
}

function cleanKey(value: string): string | null {
  const v = value.trim();
  return v.length > 0 && v.length <= 255 ? v : null;
}

function decodeBase64(value: string): string | null {
  if (!/^[A-Za-z0-9+/_-]+={0,2}$/.test(value)) return null;
  try {
    const binary = atob(value.replace(/-/g, "+").replace(/_/g, "/"));
    const bytes = Uint8Array.from(binary, (ch) => ch.charCodeAt(0));
    return new TextDecoder("utf-8", { fatal: true, ignoreBOM: false }).decode(bytes);
  } catch {
    return null;
  }
}

/** SHA-256 hex digest: API keys are stored and looked up by this, never in the clear. */
export async function hashKey(key: string): Promise<string> {
  const digest = await crypto.subtle.digest("SHA-256", new TextEncoder().encode(key));
  return [...new Uint8Array(digest)].map((b) => b.toString(16).padStart(2, "0")).join("");
}

/**
 * Requires a valid API key; `needs: "full"` also refuses read-only keys (403). A request with
 * no key at all may instead carry the dashboard's sign-in cookie, which counts as a full key of
 * its user (state-changing requests must then pass the CSRF checks: routes/account-auth.ts).
 */
export function requireApiKey(needs: KeyScope = "read"): MiddlewareHandler<AppEnv> {
  return async (c, next) => {
    if (usesSession(c)) {
      const refused = await authenticateSession(c);
      if (refused) return refused;
      return next();
    }
    const key = apiKeyOf(c.req.header("authorization"), c.req.query("api_key"));
    if (!key) return jsonError(c, 401, "Missing or malformed API key");
    const found = await c.var.ports.accounts.findByKeyHash(await hashKey(key));
    if (!found) return jsonError(c, 401, "Invalid API key");
    if (needs === "full" && found.scope !== "full") return jsonError(c, 403, "This API key is read-only");
    c.set("auth", found);
    await next();
  };
}
