import { env } from "cloudflare:workers";
import { runInDurableObject } from "cloudflare:test";
import { beforeEach, describe, expect, it } from "vitest";
import { call, freshStorage, postBeats, stubFor, wire } from "./helpers.ts";
import { asSession, requestMagicLink, signIn } from "./sign-in-helpers.ts";

beforeEach(freshStorage);

/** Every row of every D1 table, as text, to search for traces of a user. */
async function allD1Rows(): Promise<{ table: string; row: string }[]> {
  const tables = await env.DB.prepare("SELECT name FROM sqlite_master WHERE type = 'table' AND name NOT LIKE 'sqlite_%' AND name NOT LIKE '_cf_%' AND name != 'd1_migrations'").all<{ name: string }>();
  const out: { table: string; row: string }[] = [];
  for (const { name } of tables.results) {
    const rows = await env.DB.prepare(`SELECT * FROM "${name}"`).all();
    for (const r of rows.results) out.push({ table: name, row: JSON.stringify(r).toLowerCase() });
  }
  return out;
}

describe("deleting the account", () => {
  it("needs the username as confirmation and a signed-in session", async () => {
    const s = await signIn();
    const keyRes = await call("/api/kodo/account/keys", asSession(s, { method: "POST", body: "{}" }));
    const key = ((await keyRes.json()) as any).key;
    expect((await call("/api/kodo/account", asSession(s, { method: "DELETE", body: "{}" }))).status).toBe(400);
    expect((await call("/api/kodo/account", asSession(s, { method: "DELETE", body: JSON.stringify({ confirm: "someone-else" }) }))).status).toBe(400);
    expect((await call("/api/kodo/account", { method: "DELETE", key, body: JSON.stringify({ confirm: s.username }) })).status).toBe(403);
    expect(await env.DB.prepare("SELECT id FROM users WHERE id = ?").bind(s.userId).first()).not.toBeNull();
  });

  it("removes every D1 row and the Durable Object's storage; keys and sessions stop at once; others stay", async () => {
    const s = await signIn();
    const other = await signIn();
    const otherKey = ((await (await call("/api/kodo/account/keys", asSession(other, { method: "POST", body: "{}" }))).json()) as any).key;
    await postBeats(otherKey, [wire(Date.now() / 1000 - 100), wire(Date.now() / 1000 - 50)]);

    const key = ((await (await call("/api/kodo/account/keys", asSession(s, { method: "POST", body: "{}" }))).json()) as any).key;
    const now = Date.now() / 1000;
    expect((await postBeats(key, [wire(now - 7200), wire(now - 7000), wire(now - 3 * 86400)])).status).toBe(201);
    await stubFor(s.userId).flush(); // board entries in D1
    const external = await call("/api/v1/users/current/external_durations", {
      method: "POST",
      key,
      body: JSON.stringify({ external_id: "standup", entity: "Standup", start_time: now - 5400, end_time: now - 3600 }),
    });
    expect(external.status).toBe(201);
    await call("/api/kodo/account", asSession(s, { method: "PATCH", body: JSON.stringify({ time_zone: "Asia/Tokyo", display_name: "Gone Soon" }) }));
    await env.DB.prepare("INSERT INTO user_sharing (user_id, public_profile) VALUES (?, 1)").bind(s.userId).run();
    await env.DB.prepare("INSERT INTO import_jobs (id, user_id, base_url, first_day, last_day, next_day, days_total) VALUES (?, ?, 'https://x.example/api/v1', '2026-01-01', '2026-01-02', '2026-01-01', 2)").bind(crypto.randomUUID(), s.userId).run();
    // Friendships both ways (issue 9): one accepted, one pending request to the user.
    const third = await signIn();
    await env.DB.prepare("INSERT INTO friendships (requester_id, addressee_id, status) VALUES (?, ?, 'accepted'), (?, ?, 'pending')").bind(s.userId, other.userId, third.userId, s.userId).run();
    await env.DB.prepare("INSERT INTO goals (id, user_id, period, seconds) VALUES (?, ?, 'day', 3600)").bind(crypto.randomUUID(), s.userId).run();
    // Teams: one the user owns with another member (passes to them), one alone (deleted), one they joined, invites.
    const [shared, solo, joined] = [crypto.randomUUID(), crypto.randomUUID(), crypto.randomUUID()];
    await env.DB.batch([
      env.DB.prepare("INSERT INTO teams (id, name) VALUES (?, 'shared'), (?, 'solo'), (?, 'joined')").bind(shared, solo, joined),
      env.DB.prepare("INSERT INTO team_members (team_id, user_id, role) VALUES (?1, ?4, 'owner'), (?1, ?5, 'member'), (?2, ?4, 'owner'), (?3, ?5, 'owner'), (?3, ?4, 'admin')").bind(shared, solo, joined, s.userId, other.userId),
      env.DB.prepare("INSERT INTO team_invites (token_hash, team_id, invitee_id, created_by, expires_at) VALUES ('h1', ?1, NULL, ?2, '2099-01-01'), ('h2', ?3, ?2, ?4, '2099-01-01')").bind(shared, s.userId, joined, other.userId),
    ]);
    await requestMagicLink(s.email); // a pending sign-in link naming the address
    // An OAuth identity (the browser tests sign in through a real OIDC server).
    await env.DB.prepare("INSERT INTO auth_accounts (id, user_id, account_id, provider_id) VALUES (?, ?, 'sub-123', 'oidc')").bind(crypto.randomUUID(), s.userId).run();
    const traces = (rows: { table: string; row: string }[]) => rows.filter((r) => r.row.includes(s.userId) || r.row.includes(s.email.toLowerCase()));
    expect(new Set(traces(await allD1Rows()).map((r) => r.table))).toEqual(
      new Set(["users", "user_settings", "api_keys", "auth_sessions", "auth_accounts", "auth_verifications", "board_entries", "user_sharing", "import_jobs", "outbox_messages", "friendships", "friends_board_versions", "goals", "team_members", "team_invites"]),
    );

    const res = await call("/api/kodo/account", asSession(s, { method: "DELETE", body: JSON.stringify({ confirm: s.username }) }));
    expect(res.status).toBe(200);
    expect(res.headers.getSetCookie().some((c) => c.startsWith("kodo.session_token=;") && /Max-Age=0/.test(c))).toBe(true);

    expect(traces(await allD1Rows())).toEqual([]);
    await runInDurableObject(stubFor(s.userId), (_instance, state) => {
      const tables = state.storage.sql.exec<{ name: string }>("SELECT name FROM sqlite_master WHERE type = 'table'").toArray();
      for (const { name } of tables) {
        if (name.startsWith("_cf") || name.startsWith("sqlite_") || name === "__drizzle_migrations") continue;
        const rows = state.storage.sql.exec(`SELECT * FROM "${name}"`).toArray();
        // The one row left is the tombstone, which names nobody.
        expect(rows, name).toEqual(name === "meta" ? [{ key: "deleted", value: "1" }] : []);
      }
    });
    // Another isolate may still hold the key for a few seconds: the object itself refuses it.
    // Each RPC promise is observed once (one then()): a promise observed twice leaves an unhandled rejection.
    const refusal = (p: Promise<unknown>) => p.then(() => "stored", (err: unknown) => String(err));
    expect(await refusal(stubFor(s.userId).ingest(s.userId, { timeZone: "UTC", keystrokeTimeoutMinutes: 15 }, []))).toMatch(/deleted/);
    expect(await stubFor(s.userId).heartbeatCount()).toBe(0);
    // External durations went with the rest (the table check above), and the object refuses new ones.
    expect(await refusal(stubFor(s.userId).externalPut(s.userId, [], 10))).toMatch(/deleted/);
    expect((await postBeats(key, [wire(now - 10)])).status).toBe(401);
    expect((await call("/api/kodo/account", { headers: { cookie: s.cookie } })).status).toBe(401);
    expect(await stubFor(s.userId).heartbeatCount()).toBe(0);

    // The shared team passed to the other member; the solo team is gone; the joined one stays.
    expect((await env.DB.prepare("SELECT team_id, role FROM team_members ORDER BY team_id").all()).results).toEqual(
      [{ team_id: shared, role: "owner" }, { team_id: joined, role: "owner" }].sort((a, b) => (a.team_id < b.team_id ? -1 : 1)),
    );
    expect((await env.DB.prepare("SELECT id FROM teams ORDER BY id").all()).results.map((r: any) => r.id)).toEqual([shared, joined].sort());

    // The other user is untouched.
    expect((await call("/api/kodo/account", { headers: { cookie: other.cookie } })).status).toBe(200);
    expect(await stubFor(other.userId).heartbeatCount()).toBe(2);
  });
});
