/** Signing in inside workerd tests: the magic-link flow end to end, reading the local outbox. */
import { env } from "cloudflare:workers";
import { call } from "./helpers.ts";

/** BETTER_AUTH_URL in vitest.config.ts: the dashboard's origin. */
export const ORIGIN = "http://kodo.test";

export interface SignedIn {
  cookie: string;
  csrf: string;
  userId: string;
  username: string;
  email: string;
}

/** Requests a magic link for `email` and returns the link from the outbox. */
export async function requestMagicLink(email: string): Promise<string> {
  const res = await call("/api/auth/sign-in/magic-link", {
    method: "POST",
    body: JSON.stringify({ email, callbackURL: "/" }),
    headers: { origin: ORIGIN },
  });
  if (res.status !== 200) throw new Error(`magic link request: ${res.status} ${await res.text()}`);
  const row = await env.DB.prepare("SELECT link FROM outbox_messages WHERE recipient = ? ORDER BY created_at DESC LIMIT 1").bind(email).first<{ link: string }>();
  if (!row) throw new Error("no outbox message");
  return row.link;
}

/** Follows a sign-in link; returns the session cookie ("name=value") or null. */
export async function followLink(link: string): Promise<{ cookie: string | null; location: string | null }> {
  const url = new URL(link);
  const res = await call(`${url.pathname}${url.search}`, { redirect: "manual" });
  const cookies = res.headers.getSetCookie();
  const session = cookies.map((c) => c.split(";")[0]!).find((c) => /^kodo\.session_token=./.test(c)) ?? null;
  return { cookie: session, location: res.headers.get("location") };
}

export async function signIn(email = `dev-${crypto.randomUUID().slice(0, 8)}@example.com`): Promise<SignedIn> {
  const { cookie } = await followLink(await requestMagicLink(email));
  if (!cookie) throw new Error("no session cookie after the magic link");
  const res = await call("/api/kodo/account", { headers: { cookie } });
  if (res.status !== 200) throw new Error(`account: ${res.status} ${await res.text()}`);
  const body = (await res.json()) as { csrf_token: string; user: { id: string; username: string } };
  return { cookie, csrf: body.csrf_token, userId: body.user.id, username: body.user.username, email };
}

/** A state-changing call as the dashboard makes it: cookie, Origin and CSRF token. */
export function asSession(s: SignedIn, init: RequestInit = {}): RequestInit {
  const headers = new Headers(init.headers);
  headers.set("cookie", s.cookie);
  if (!headers.has("origin")) headers.set("origin", ORIGIN);
  if (!headers.has("x-csrf-token")) headers.set("x-csrf-token", s.csrf);
  return { ...init, headers };
}
