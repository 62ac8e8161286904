/**
 * Cross-user and CSRF refusals on every account route: each attempt is refused and changes
 * nothing (the victim's rows are compared before and after).
 */
import { env } from "cloudflare:workers";
import { beforeEach, describe, expect, it } from "vitest";
import { call, freshStorage } from "./helpers.ts";
import { ORIGIN, asSession, signIn, type SignedIn } from "./sign-in-helpers.ts";

beforeEach(freshStorage);

async function snapshot(userId: string) {
  const q = (sql: string) => env.DB.prepare(sql).bind(userId).all();
  return JSON.stringify({
    user: (await q("SELECT * FROM users WHERE id = ?")).results,
    settings: (await q("SELECT * FROM user_settings WHERE user_id = ?")).results,
    keys: (await q("SELECT * FROM api_keys WHERE user_id = ?")).results,
    sessions: (await q("SELECT id, expires_at FROM auth_sessions WHERE user_id = ?")).results,
    jobs: (await q("SELECT * FROM import_jobs WHERE user_id = ?")).results,
  });
}

async function victimWithKey(): Promise<{ victim: SignedIn; keyId: string; key: string; jobId: string }> {
  const victim = await signIn();
  const res = await call("/api/kodo/account/keys", asSession(victim, { method: "POST", body: JSON.stringify({ label: "victim" }) }));
  const body = (await res.json()) as any;
  // An import job row, inserted directly (creating one needs a reachable remote server).
  const jobId = crypto.randomUUID();
  await env.DB.prepare("INSERT INTO import_jobs (id, user_id, base_url, first_day, last_day, next_day, days_total) VALUES (?, ?, 'https://wakatime.com/api/v1', '2026-01-01', '2026-01-02', '2026-01-01', 2)")
    .bind(jobId, victim.userId)
    .run();
  return { victim, keyId: body.data.id, key: body.key, jobId };
}

describe("another user's ids are answered like unknown ones", () => {
  it("refuses revoking, rotating, reading another user's key or import job; nothing changes", async () => {
    const { victim, keyId, jobId } = await victimWithKey();
    const attacker = await signIn();
    const before = await snapshot(victim.userId);
    const attempts: [string, string, unknown?][] = [
      ["DELETE", `/api/kodo/account/keys/${keyId}`],
      ["POST", `/api/kodo/account/keys/${keyId}/rotate`, {}],
      ["GET", `/api/kodo/account/imports/${jobId}`],
      ["POST", `/api/kodo/account/imports/${jobId}/step`, { api_key: "x" }],
    ];
    for (const [method, path, body] of attempts) {
      const res = await call(path, asSession(attacker, { method, ...(body ? { body: JSON.stringify(body) } : {}) }));
      expect(res.status, `${method} ${path}`).toBe(404);
    }
    expect(await snapshot(victim.userId)).toBe(before);
  });

  it("every account route acts on the caller only: the victim's data never shows up", async () => {
    const { victim, key } = await victimWithKey();
    const attacker = await signIn();
    for (const path of ["/api/kodo/account", "/api/kodo/account/keys", "/api/kodo/account/imports", "/api/kodo/account/export"]) {
      const res = await call(path, { headers: { cookie: attacker.cookie } });
      expect(res.status).toBe(200);
      const text = await res.text();
      expect(text).not.toContain(victim.userId);
      expect(text).not.toContain(victim.email);
    }
    // The victim's key authenticates the victim, never the attacker's session context.
    const mixed = await call("/api/kodo/account", { headers: { cookie: attacker.cookie, authorization: `Basic ${btoa(key)}` } });
    expect(((await mixed.json()) as any).user.id).toBe(victim.userId);
  });

  it("deleting with another user's username as confirmation deletes nothing", async () => {
    const { victim } = await victimWithKey();
    const attacker = await signIn();
    const before = await snapshot(victim.userId);
    const res = await call("/api/kodo/account", asSession(attacker, { method: "DELETE", body: JSON.stringify({ confirm: victim.username }) }));
    expect(res.status).toBe(400);
    expect(await snapshot(victim.userId)).toBe(before);
    expect(await snapshot(attacker.userId)).toContain(attacker.userId);
  });
});

describe("CSRF on cookie-authenticated writes", () => {
  const writes: [string, string, unknown][] = [
    ["PATCH", "/api/kodo/account", { time_zone: "Asia/Tokyo" }],
    ["POST", "/api/kodo/account/keys", { label: "csrf" }],
    ["DELETE", "/api/kodo/account", { confirm: "__username__" }],
    ["POST", "/api/kodo/account/import", [{ entity: "a.ts", time: 1_700_000_000 }]],
    ["POST", "/api/v1/users/current/heartbeats", { entity: "a.ts", time: 1_700_000_000 }],
  ];

  for (const [label, headers] of [
    ["no token", (s: SignedIn) => ({ cookie: s.cookie, origin: ORIGIN })],
    ["a wrong token", (s: SignedIn) => ({ cookie: s.cookie, origin: ORIGIN, "x-csrf-token": "0".repeat(64) })],
    ["another session's token", (s: SignedIn, other: SignedIn) => ({ cookie: s.cookie, origin: ORIGIN, "x-csrf-token": other.csrf })],
    ["a foreign Origin", (s: SignedIn) => ({ cookie: s.cookie, origin: "https://evil.example", "x-csrf-token": s.csrf })],
    ["no Origin", (s: SignedIn) => ({ cookie: s.cookie, "x-csrf-token": s.csrf })],
    ["a cross-site fetch", (s: SignedIn) => ({ cookie: s.cookie, origin: ORIGIN, "x-csrf-token": s.csrf, "sec-fetch-site": "cross-site" })],
  ] as const) {
    it(`refuses ${label} with 403 and changes nothing`, async () => {
      const s = await signIn();
      const other = await signIn();
      const before = await snapshot(s.userId);
      for (const [method, path, body] of writes) {
        const payload = JSON.stringify(body).replace("__username__", s.username);
        const res = await call(path, { method, body: payload, headers: (headers as (a: SignedIn, b: SignedIn) => Record<string, string>)(s, other) });
        expect(res.status, `${method} ${path}`).toBe(403);
        expect(((await res.json()) as any).error).toMatch(/CSRF/);
      }
      expect(await snapshot(s.userId)).toBe(before);
    });
  }

  it("Better Auth's own endpoints refuse a foreign Origin (sign-out)", async () => {
    const s = await signIn();
    const res = await call("/api/auth/sign-out", { method: "POST", body: "{}", headers: { cookie: s.cookie, origin: "https://evil.example" } });
    expect(res.status).toBe(403);
    expect((await call("/api/kodo/account", { headers: { cookie: s.cookie } })).status).toBe(200);
  });
});

describe("starting an import from another server", () => {
  it("refuses bad input with 400 naming the field, an unreachable server with 422, and stores no job", async () => {
    const s = await signIn();
    const start = (body: unknown) => call("/api/kodo/account/imports", asSession(s, { method: "POST", body: JSON.stringify(body) }));
    for (const [body, field] of [
      [{}, "url"],
      [{ url: "ftp://x.example", api_key: "k" }, "url"],
      [{ url: "https://u:p@x.example/api/v1", api_key: "k" }, "url"],
      [{ url: "https://wakatime.com/api/v1" }, "api_key"],
      [{ url: "https://wakatime.com/api/v1", api_key: "x".repeat(300) }, "api_key"],
    ] as const) {
      const res = await start(body);
      expect(res.status, JSON.stringify(body)).toBe(400);
      expect(((await res.json()) as any).error).toContain(`${field}:`);
    }
    // A system port (below 1024, not 80/443) is a form error naming the rule.
    const system = await start({ url: "https://wakatime.com:9/api/v1", api_key: "k" });
    expect(system.status).toBe(400);
    expect(((await system.json()) as any).error).toBe("url: port must be 80, 443 or from 1024 up");
    // Loopback (refused by the address policy) answers like any unreachable server.
    const res = await start({ url: "http://127.0.0.1:9999/api/v1", api_key: "k" });
    expect(res.status).toBe(422);
    expect(((await res.json()) as any).error).toBe("Could not connect to the server");
    expect((await env.DB.prepare("SELECT count(*) AS n FROM import_jobs").first<{ n: number }>())!.n).toBe(0);
  });
});
