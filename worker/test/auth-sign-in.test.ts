import { env } from "cloudflare:workers";
import { beforeEach, describe, expect, it } from "vitest";
import { call, freshStorage } from "./helpers.ts";
import { ORIGIN, followLink, requestMagicLink, signIn } from "./sign-in-helpers.ts";

beforeEach(freshStorage);

describe("email sign-in (magic link, local outbox)", () => {
  it("creates the user with a derived username, settings, and an HttpOnly SameSite session cookie", async () => {
    const link = await requestMagicLink("Ada.Lovelace@example.com");
    expect(link).toMatch(/^http:\/\/kodo\.test\/api\/auth\/magic-link\/verify\?token=/);
    const url = new URL(link);
    const res = await call(`${url.pathname}${url.search}`, { redirect: "manual" });
    expect(res.status).toBe(302);
    const setCookie = res.headers.getSetCookie().find((c) => c.startsWith("kodo.session_token="))!;
    expect(setCookie).toMatch(/HttpOnly/i);
    expect(setCookie).toMatch(/SameSite=Lax/i);
    // Plain http (local): no Secure flag, or the browser would drop the cookie.
    expect(setCookie).not.toMatch(/Secure/i);

    const user = await env.DB.prepare("SELECT u.username, u.email, s.time_zone FROM users u JOIN user_settings s ON s.user_id = u.id").first<{ username: string; email: string; time_zone: string }>();
    expect(user).toEqual({ username: "ada-lovelace", email: "ada.lovelace@example.com", time_zone: "UTC" });
  });

  it("a second user with the same local part gets another username", async () => {
    const a = await signIn("sam@one.example");
    const b = await signIn("sam@two.example");
    expect(a.username).toBe("sam");
    expect(b.username).toBe("sam-2");
  });

  it("refuses a replayed magic link: the second use signs nobody in", async () => {
    const link = await requestMagicLink("replay@example.com");
    const first = await followLink(link);
    expect(first.cookie).not.toBeNull();
    const sessionsBefore = await env.DB.prepare("SELECT count(*) AS n FROM auth_sessions").first<{ n: number }>();
    const second = await followLink(link);
    expect(second.cookie).toBeNull();
    expect(second.location).toMatch(/error=/i);
    const sessionsAfter = await env.DB.prepare("SELECT count(*) AS n FROM auth_sessions").first<{ n: number }>();
    expect(sessionsAfter!.n).toBe(sessionsBefore!.n);
  });

  it("stores the magic-link token only as a digest", async () => {
    const link = await requestMagicLink("digest@example.com");
    const token = new URL(link).searchParams.get("token")!;
    const rows = await env.DB.prepare("SELECT identifier, value FROM auth_verifications").all<{ identifier: string; value: string }>();
    expect(rows.results.length).toBeGreaterThan(0);
    for (const r of rows.results) {
      expect(r.identifier).not.toContain(token);
      expect(r.value).not.toContain(token);
    }
  });

  it("an expired session is refused and changes nothing", async () => {
    const s = await signIn();
    await env.DB.prepare("UPDATE auth_sessions SET expires_at = ?").bind(new Date(Date.now() - 60_000).toISOString()).run();
    const read = await call("/api/kodo/account", { headers: { cookie: s.cookie } });
    expect(read.status).toBe(401);
    const write = await call("/api/kodo/account", {
      method: "PATCH",
      body: JSON.stringify({ time_zone: "Europe/Berlin" }),
      headers: { cookie: s.cookie, origin: ORIGIN, "x-csrf-token": s.csrf },
    });
    expect(write.status).toBe(401);
    const tz = await env.DB.prepare("SELECT time_zone FROM user_settings WHERE user_id = ?").bind(s.userId).first<{ time_zone: string }>();
    expect(tz!.time_zone).toBe("UTC");
  });

  it("lists the offered sign-in methods: only what is configured", async () => {
    const res = await call("/api/kodo/auth/providers");
    // vitest.config.ts configures no OAuth provider, only the local outbox.
    expect(await res.json()).toEqual({ providers: [], email: true, outbox: true });
  });

  it("a session reads the WakaTime routes like a key would", async () => {
    const s = await signIn();
    const res = await call("/api/v1/users/current/statusbar/today", { headers: { cookie: s.cookie } });
    expect(res.status).toBe(200);
    const none = await call("/api/v1/users/current/statusbar/today");
    expect(none.status).toBe(401);
  });
});

describe("the API document", () => {
  it("describes the sign-in endpoints (from Better Auth) and the account routes", async () => {
    const doc = (await (await call("/api/openapi.json")).json()) as { paths: Record<string, Record<string, { tags?: string[] }>>; components: { schemas: Record<string, unknown> } };
    for (const [path, method] of [
      ["/api/auth/sign-in/social", "post"],
      ["/api/auth/sign-in/magic-link", "post"],
      ["/api/auth/magic-link/verify", "get"],
      ["/api/auth/sign-out", "post"],
      ["/api/kodo/auth/providers", "get"],
      ["/api/kodo/account", "patch"],
      ["/api/kodo/account", "delete"],
      ["/api/kodo/account/keys", "post"],
      ["/api/kodo/account/keys/{id}/rotate", "post"],
      ["/api/kodo/account/export", "get"],
      ["/api/kodo/account/import", "post"],
      ["/api/kodo/account/imports/{id}/step", "post"],
    ] as const) {
      expect(doc.paths[path]?.[method], `${method} ${path}`).toBeDefined();
    }
    expect(doc.paths["/api/auth/sign-in/social"]!.post!.tags).toEqual(["Sign-in (Better Auth)"]);
    expect(Object.keys(doc.components.schemas)).toContain("Error");
  });
});
