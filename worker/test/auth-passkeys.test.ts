/**
 * Passkeys on Cloudflare, around the WebAuthn ceremonies (those run in real Chromium with a
 * virtual authenticator: e2e/site-passkeys.test.ts): the "require a passkey after signing in"
 * setting (core/src/auth/second-factor.ts), what a session still waiting for its passkey may
 * do, the export (names and dates, never keys) and deletion. Passkeys are inserted as rows here,
 * as the plugin stores them.
 */
import { env } from "cloudflare:workers";
import { beforeEach, describe, expect, it } from "vitest";
import { call, freshStorage } from "./helpers.ts";
import { ORIGIN, asSession, followLink, requestMagicLink, signIn, type SignedIn } from "./sign-in-helpers.ts";

beforeEach(freshStorage);

async function addPasskeyRow(userId: string, name: string): Promise<string> {
  const id = crypto.randomUUID();
  await env.DB.prepare(
    "INSERT INTO auth_passkeys (id, user_id, name, public_key, credential_id, counter, device_type, backed_up, transports, created_at) VALUES (?, ?, ?, 'cHVibGljLWtleS1ieXRlcw==', ?, 0, 'singleDevice', 0, 'internal', ?)",
  )
    .bind(id, userId, name, `cred-${id}`, new Date().toISOString())
    .run();
  return id;
}

const setRequired = (s: SignedIn, body: string) => call("/api/kodo/auth/passkey-required", asSession(s, { method: "PUT", body }));

/** A second sign-in of the same address by email link (a new session, not made by a passkey). */
async function signInAgain(email: string): Promise<string> {
  const { cookie } = await followLink(await requestMagicLink(email));
  return cookie!;
}

describe("require a passkey after signing in", () => {
  it("refuses bad bodies, a missing CSRF token and a user with no passkey, and stores nothing", async () => {
    const s = await signIn();
    for (const body of ["", "{", "[]", '{"required":"yes"}', '{"required":1}']) {
      const res = await setRequired(s, body);
      expect(res.status, body).toBe(400);
      expect(await res.json()).toHaveProperty("error");
    }
    const noToken = await call("/api/kodo/auth/passkey-required", { method: "PUT", body: '{"required":true}', headers: { cookie: s.cookie, origin: ORIGIN } });
    expect(noToken.status).toBe(403);
    const otherOrigin = await call("/api/kodo/auth/passkey-required", asSession(s, { method: "PUT", body: '{"required":true}', headers: { origin: "https://evil.example" } }));
    expect(otherOrigin.status).toBe(403);
    expect((await call("/api/kodo/auth/passkey-required", { method: "PUT", body: '{"required":true}', headers: { origin: ORIGIN } })).status).toBe(401);
    const none = await setRequired(s, '{"required":true}');
    expect(none.status).toBe(400);
    expect(((await none.json()) as { error: string }).error).toMatch(/passkey first/);
    const big = await setRequired(s, JSON.stringify({ required: true, pad: "x".repeat(100_000) }));
    expect(big.status).toBe(413);
    const row = await env.DB.prepare("SELECT passkey_required FROM users WHERE id = ?").bind(s.userId).first<{ passkey_required: number }>();
    expect(row!.passkey_required).toBe(0);
  });

  it("once on, another sign-in without a passkey is limited: not signed in to Kodo, no passkey management, told to confirm", async () => {
    const s = await signIn();
    await addPasskeyRow(s.userId, "Laptop");
    const on = await setRequired(s, '{"required":true}');
    expect(on.status).toBe(200);
    expect(await on.json()).toEqual({ required: true });
    // The session that turned it on stays signed in.
    expect((await call("/api/kodo/account", { headers: { cookie: s.cookie } })).status).toBe(200);

    const limited = await signInAgain(s.email);
    expect((await call("/api/kodo/account", { headers: { cookie: limited } })).status).toBe(401);
    const session = (await (await call("/api/auth/get-session", { headers: { cookie: limited } })).json()) as { user: { passkeyRequired: boolean }; session: { passkeyVerified: boolean } };
    expect(session.user.passkeyRequired).toBe(true);
    expect(session.session.passkeyVerified).toBe(false);
    for (const path of ["/passkey/list-user-passkeys", "/passkey/generate-register-options"]) {
      expect((await call(`/api/auth${path}`, { headers: { cookie: limited } })).status, path).toBe(403);
    }
    const del = await call("/api/auth/passkey/delete-passkey", { method: "POST", body: JSON.stringify({ id: "x" }), headers: { cookie: limited, origin: ORIGIN, "content-type": "application/json" } });
    expect(del.status).toBe(403);
    // It cannot turn the requirement off either.
    expect((await call("/api/kodo/auth/passkey-required", { method: "PUT", body: '{"required":false}', headers: { cookie: limited, origin: ORIGIN } })).status).toBe(401);
    // Signing in for a passkey is what it may do: a challenge.
    expect((await call("/api/auth/passkey/generate-authenticate-options", { headers: { cookie: limited } })).status).toBe(200);

    // Off again (from the full session): the next sign-in is a full one.
    expect((await setRequired(s, '{"required":false}')).status).toBe(200);
    expect((await call("/api/kodo/account", { headers: { cookie: limited } })).status).toBe(200);
  });

  it("the last passkey cannot be deleted while it is required; another one can", async () => {
    const s = await signIn();
    const first = await addPasskeyRow(s.userId, "Laptop");
    expect((await setRequired(s, '{"required":true}')).status).toBe(200);
    const remove = (id: string) => call("/api/auth/passkey/delete-passkey", asSession(s, { method: "POST", body: JSON.stringify({ id }), headers: { "content-type": "application/json" } }));
    const refused = await remove(first);
    expect(refused.status).toBe(400);
    expect(await env.DB.prepare("SELECT id FROM auth_passkeys WHERE id = ?").bind(first).first()).not.toBeNull();
    const second = await addPasskeyRow(s.userId, "Phone");
    expect((await remove(first)).status).toBe(200);
    const left = await env.DB.prepare("SELECT id FROM auth_passkeys WHERE user_id = ?").bind(s.userId).all<{ id: string }>();
    expect(left.results.map((r) => r.id)).toEqual([second]);
  });

  it("someone else's passkey is neither renamed nor deleted", async () => {
    const owner = await signIn();
    const other = await signIn();
    const id = await addPasskeyRow(owner.userId, "Mine");
    const rename = await call("/api/auth/passkey/update-passkey", asSession(other, { method: "POST", body: JSON.stringify({ id, name: "Stolen" }), headers: { "content-type": "application/json" } }));
    expect(rename.status).toBeGreaterThanOrEqual(400);
    expect(rename.status).toBeLessThan(500);
    const del = await call("/api/auth/passkey/delete-passkey", asSession(other, { method: "POST", body: JSON.stringify({ id }), headers: { "content-type": "application/json" } }));
    expect(del.status).toBeGreaterThanOrEqual(400);
    expect(del.status).toBeLessThan(500);
    const row = await env.DB.prepare("SELECT name FROM auth_passkeys WHERE id = ?").bind(id).first<{ name: string }>();
    expect(row!.name).toBe("Mine");
  });
});

describe("the passkey endpoints behind Kodo's walls", () => {
  it("read bodies through the bounded reader (413) and refuse foreign or missing origins (403) before Better Auth runs", async () => {
    const s = await signIn();
    const id = await addPasskeyRow(s.userId, "Walled");
    for (const path of ["/passkey/verify-authentication", "/passkey/verify-registration", "/passkey/update-passkey", "/passkey/delete-passkey"]) {
      const big = await call(`/api/auth${path}`, { method: "POST", body: JSON.stringify({ id, name: "x".repeat(200_000) }), headers: { cookie: s.cookie, origin: ORIGIN, "content-type": "application/json" } });
      expect(big.status, `${path} oversized`).toBe(413);
      const foreign = await call(`/api/auth${path}`, { method: "POST", body: JSON.stringify({ id, name: "Renamed" }), headers: { cookie: s.cookie, origin: "https://evil.example", "content-type": "application/json" } });
      expect(foreign.status, `${path} foreign origin`).toBe(403);
      const noOrigin = await call(`/api/auth${path}`, { method: "POST", body: JSON.stringify({ id, name: "Renamed" }), headers: { cookie: s.cookie, "content-type": "application/json" } });
      expect(noOrigin.status, `${path} no origin`).toBe(403);
    }
    const row = await env.DB.prepare("SELECT name FROM auth_passkeys WHERE id = ?").bind(id).first<{ name: string }>();
    expect(row!.name).toBe("Walled");
  });

  it("answers a forged or replayed passkey sign-in with a 4xx and makes no session", async () => {
    const before = await env.DB.prepare("SELECT count(*) AS n FROM auth_sessions").first<{ n: number }>();
    // No challenge cookie at all, then a bogus assertion for an unknown credential.
    const bodies = [{}, { response: {} }, { response: { id: "unknown", rawId: "unknown", type: "public-key", response: { clientDataJSON: "e30", authenticatorData: "AA", signature: "AA" } } }];
    for (const body of bodies) {
      const res = await call("/api/auth/passkey/verify-authentication", { method: "POST", body: JSON.stringify(body), headers: { origin: ORIGIN, "content-type": "application/json" } });
      expect(res.status, JSON.stringify(body)).toBeGreaterThanOrEqual(400);
      expect(res.status, JSON.stringify(body)).toBeLessThan(500);
    }
    const after = await env.DB.prepare("SELECT count(*) AS n FROM auth_sessions").first<{ n: number }>();
    expect(after!.n).toBe(before!.n);
  });
});

describe("passkeys in the account's data", () => {
  it("the account and the export list passkeys by name and date, never their keys; deletion removes them", async () => {
    const s = await signIn();
    await addPasskeyRow(s.userId, "Work laptop");
    const account = (await (await call("/api/kodo/account", { headers: { cookie: s.cookie } })).json()) as { identities: { provider: string; name?: string }[] };
    expect(account.identities).toContainEqual(expect.objectContaining({ provider: "passkey", name: "Work laptop" }));
    const res = await call("/api/kodo/account/export", { headers: { cookie: s.cookie } });
    expect(res.status).toBe(200);
    const text = await res.text();
    const doc = JSON.parse(text) as { identities: { provider: string; name?: string; created_at: string }[] };
    expect(doc.identities.find((i) => i.provider === "passkey")).toMatchObject({ name: "Work laptop", created_at: expect.any(String) });
    expect(text).not.toContain("cHVibGljLWtleS1ieXRlcw");
    expect(text).not.toContain("cred-");

    const del = await call("/api/kodo/account", asSession(s, { method: "DELETE", body: JSON.stringify({ confirm: s.username }) }));
    expect(del.status).toBeLessThan(300);
    const left = await env.DB.prepare("SELECT count(*) AS n FROM auth_passkeys WHERE user_id = ?").bind(s.userId).first<{ n: number }>();
    expect(left!.n).toBe(0);
  });
});
