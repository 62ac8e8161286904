/**
 * Better Auth's surface: only the endpoints Kodo uses answer (core/src/auth/endpoints.ts),
 * and every name that gets in (sign-up, Better Auth's writes, PATCH /api/kodo/account) obeys
 * Kodo's display-name rule (core accounts/display-name.ts).
 */
import { env } from "cloudflare:workers";
import { beforeEach, describe, expect, it } from "vitest";
import { call, freshStorage } from "./helpers.ts";
import { ORIGIN, asSession, followLink, signIn } from "./sign-in-helpers.ts";
import { authFor } from "../src/auth/better-auth.ts";
import { ALLOWED_AUTH_ENDPOINTS, DISABLED_PATHS, isAllowedAuthEndpoint } from "@kodo/core/auth";

beforeEach(freshStorage);

const HOSTILE_NAME = `\u202eevil\u0000${"x".repeat(900)}\u2066`;

async function displayName(userId: string): Promise<unknown> {
  const row = await env.DB.prepare("SELECT display_name FROM users WHERE id = ?").bind(userId).first<{ display_name: unknown }>();
  return row?.display_name;
}

describe("Better Auth endpoints Kodo does not use", () => {
  it("update-user is 404 and changes nothing, with a valid session, Origin and token", async () => {
    const s = await signIn();
    const before = await displayName(s.userId);
    for (const body of [{ name: HOSTILE_NAME }, { name: "Mallory", image: "https://evil.example/x.png" }]) {
      const res = await call("/api/auth/update-user", asSession(s, { method: "POST", body: JSON.stringify(body) }));
      expect(res.status).toBe(404);
      expect(await res.json()).toEqual({ error: "Not found" });
    }
    expect(await displayName(s.userId)).toBe(before);
  });

  it("answers 404 for every other unused endpoint (and Better Auth's own disabledPaths refuses them too)", async () => {
    const s = await signIn();
    for (const path of [...DISABLED_PATHS, "/reset-password/some-token", "/callback/google/extra", "/sign-out/"]) {
      for (const method of ["GET", "POST"]) {
        const res = await call(`/api/auth${path}`, asSession(s, { method, ...(method === "POST" ? { body: "{}" } : {}) }));
        expect(res.status, `${method} ${path}`).toBe(404);
      }
    }
    const sessions = await env.DB.prepare("SELECT count(*) AS n FROM auth_sessions WHERE user_id = ?").bind(s.userId).first<{ n: number }>();
    expect(sessions!.n).toBe(1);
    // The second wall alone: Better Auth's handler refuses a disabled path the route let by.
    const made = (await authFor(env))!;
    const direct = await made.auth.handler(new Request(`${ORIGIN}/api/auth/update-user`, { method: "POST", headers: { "content-type": "application/json", cookie: s.cookie, origin: ORIGIN }, body: JSON.stringify({ name: "Mallory" }) }));
    expect(direct.status).toBe(404);
    expect(await displayName(s.userId)).not.toBe("Mallory");
  });

  it("every endpoint Better Auth serves is either allow-listed or disabled (an upgrade adding one fails here)", async () => {
    const made = (await authFor(env))!;
    const endpoints = Object.values(made.auth.api as unknown as Record<string, { path?: string; options?: { method?: string | string[]; metadata?: { SERVER_ONLY?: boolean } } }>);
    const served = endpoints.filter((e) => typeof e.path === "string" && !e.options?.metadata?.SERVER_ONLY);
    expect(served.length).toBeGreaterThan(20);
    const unknown: string[] = [];
    for (const e of served) {
      const sample = e.path!.replace(/:[a-zA-Z]+/g, "google");
      const methods = [e.options?.method ?? "GET"].flat().flatMap((m) => (m === "*" ? ["GET", "POST"] : [m]));
      const allowed = methods.some((m) => isAllowedAuthEndpoint(m, sample));
      if (!allowed && !DISABLED_PATHS.includes(e.path!) && e.path !== "/reset-password/:token") unknown.push(`${methods.join(",")} ${e.path}`);
    }
    expect(unknown).toEqual([]);
    expect(ALLOWED_AUTH_ENDPOINTS.map((e) => `${e.method} ${e.path.source}`)).toHaveLength(13);
  });

  it("the API document describes the allow-listed endpoints only", async () => {
    const doc = (await (await call("/api/openapi.json")).json()) as { paths: Record<string, Record<string, unknown>> };
    const auth = Object.entries(doc.paths).filter(([p]) => p.startsWith("/api/auth/")).flatMap(([p, item]) => Object.keys(item).map((m) => `${m} ${p}`));
    expect(auth.sort()).toEqual([
      "get /api/auth/callback/{id}",
      "get /api/auth/get-session",
      "get /api/auth/magic-link/verify",
      "get /api/auth/passkey/generate-authenticate-options",
      "get /api/auth/passkey/generate-register-options",
      "get /api/auth/passkey/list-user-passkeys",
      "post /api/auth/passkey/delete-passkey",
      "post /api/auth/passkey/update-passkey",
      "post /api/auth/passkey/verify-authentication",
      "post /api/auth/passkey/verify-registration",
      "post /api/auth/sign-in/magic-link",
      "post /api/auth/sign-in/social",
      "post /api/auth/sign-out",
    ]);
  });

  it("the endpoints Kodo uses still answer", async () => {
    const s = await signIn();
    const session = await call("/api/auth/get-session", { headers: { cookie: s.cookie } });
    expect(session.status).toBe(200);
    expect(((await session.json()) as { user: { id: string } }).user.id).toBe(s.userId);
    const out = await call("/api/auth/sign-out", { method: "POST", body: "{}", headers: { cookie: s.cookie, origin: ORIGIN } });
    expect(out.status).toBe(200);
    expect((await call("/api/kodo/account", { headers: { cookie: s.cookie } })).status).toBe(401);
  });
});

describe("one display-name rule for every way in", () => {
  it("a sign-up with a hostile name stores it cleaned", async () => {
    const email = "hostile@example.com";
    const res = await call("/api/auth/sign-in/magic-link", { method: "POST", body: JSON.stringify({ email, name: `  ${HOSTILE_NAME} `, callbackURL: "/" }), headers: { origin: ORIGIN } });
    expect(res.status).toBe(200);
    const row = await env.DB.prepare("SELECT link FROM outbox_messages WHERE recipient = ?").bind(email).first<{ link: string }>();
    const { cookie } = await followLink(row!.link);
    expect(cookie).not.toBeNull();
    const user = await env.DB.prepare("SELECT display_name FROM users WHERE email = ?").bind(email).first<{ display_name: string }>();
    expect(user!.display_name).toBe(`evil ${"x".repeat(95)}`);
  });

  it("a sign-up name that is nothing but forbidden characters is stored as none", async () => {
    const email = "empty@example.com";
    await call("/api/auth/sign-in/magic-link", { method: "POST", body: JSON.stringify({ email, name: "\u202e\u0000\u2066", callbackURL: "/" }), headers: { origin: ORIGIN } });
    const row = await env.DB.prepare("SELECT link FROM outbox_messages WHERE recipient = ?").bind(email).first<{ link: string }>();
    await followLink(row!.link);
    const user = await env.DB.prepare("SELECT display_name, username FROM users WHERE email = ?").bind(email).first<{ display_name: string; username: string }>();
    expect(user).toEqual({ display_name: "", username: "empty" });
  });

  it("PATCH /api/kodo/account refuses a hostile display name with a 400 naming it, and stores nothing", async () => {
    const s = await signIn();
    const before = await displayName(s.userId);
    for (const name of ["\u202eevil", "a\u0000b", "x".repeat(101), "ok \u2067rtl\u2069"]) {
      const res = await call("/api/kodo/account", asSession(s, { method: "PATCH", body: JSON.stringify({ display_name: name }) }));
      expect(res.status, JSON.stringify(name)).toBe(400);
      expect(((await res.json()) as { error: string }).error).toMatch(/^display_name: /);
    }
    expect(await displayName(s.userId)).toBe(before);
    const ok = await call("/api/kodo/account", asSession(s, { method: "PATCH", body: JSON.stringify({ display_name: "  Ame\u0301lie  " }) }));
    expect(ok.status).toBe(200);
    expect(await displayName(s.userId)).toBe("Amélie");
  });
});

describe("origin checks on Better Auth's endpoints", () => {
  it("a sign-out from another origin, or with no Origin, leaves the session signed in", async () => {
    const s = await signIn();
    for (const headers of [{ origin: "http://evil.test" }, {}, { origin: ORIGIN, "sec-fetch-site": "cross-site" }, { origin: "null" }] as Record<string, string>[]) {
      const res = await call("/api/auth/sign-out", { method: "POST", body: "{}", headers: { cookie: s.cookie, ...headers } });
      expect(res.status, JSON.stringify(headers)).toBe(403);
      expect(((await res.json()) as { error: string }).error).toMatch(/^CSRF check failed: /);
    }
    expect((await call("/api/kodo/account", { headers: { cookie: s.cookie } })).status).toBe(200);
  });

  it("a page on another origin cannot have sign-in links mailed (no cookie involved)", async () => {
    const res = await call("/api/auth/sign-in/magic-link", { method: "POST", body: JSON.stringify({ email: "victim@example.com", callbackURL: "/" }), headers: { origin: "http://evil.test" } });
    expect(res.status).toBe(403);
    const social = await call("/api/auth/sign-in/social", { method: "POST", body: JSON.stringify({ provider: "google" }), headers: { "sec-fetch-site": "cross-site", origin: "http://evil.test" } });
    expect(social.status).toBe(403);
    const mails = await env.DB.prepare("SELECT count(*) AS n FROM outbox_messages").first<{ n: number }>();
    expect(mails!.n).toBe(0);
  });
});
