import { env } from "cloudflare:workers";
import { beforeEach, describe, expect, it } from "vitest";
import { hashKey } from "@kodo/core/http";
import { basic, call, freshStorage, postBeats, wire } from "./helpers.ts";
import { asSession, signIn, type SignedIn } from "./sign-in-helpers.ts";

beforeEach(freshStorage);

const NOW = Math.floor(Date.now() / 1000);

async function createKey(s: SignedIn, body: Record<string, unknown> = {}) {
  const res = await call("/api/kodo/account/keys", asSession(s, { method: "POST", body: JSON.stringify(body) }));
  return { status: res.status, body: (await res.json()) as any };
}

describe("API keys", () => {
  it("creates labelled keys, shows each once, stores only the SHA-256 digest", async () => {
    const s = await signIn();
    const a = await createKey(s, { label: "laptop" });
    const b = await createKey(s, { label: "ci", scope: "read" });
    expect(a.status).toBe(201);
    expect(a.body.key).toMatch(/^waka_[0-9a-f-]{36}$/);
    expect(a.body.data).toMatchObject({ label: "laptop", scope: "full", hint: a.body.key.slice(-4) });
    expect(b.body.data.scope).toBe("read");

    const rows = await env.DB.prepare("SELECT key_hash FROM api_keys WHERE user_id = ?").bind(s.userId).all<{ key_hash: string }>();
    expect(rows.results.map((r) => r.key_hash).sort()).toEqual([await hashKey(a.body.key), await hashKey(b.body.key)].sort());
    const list = (await (await call("/api/kodo/account/keys", { headers: { cookie: s.cookie } })).json()) as any;
    expect(list.data.map((k: any) => k.label)).toEqual(["laptop", "ci"]);
    expect(JSON.stringify(list)).not.toContain(a.body.key);
  });

  it("a full key sends heartbeats, a read-only key reads but may not write", async () => {
    const s = await signIn();
    const full = (await createKey(s, { scope: "full" })).body.key;
    const read = (await createKey(s, { scope: "read" })).body.key;
    expect((await postBeats(full, [wire(NOW - 600), wire(NOW - 300)])).status).toBe(201);
    expect((await postBeats(read, [wire(NOW - 200)])).status).toBe(403);
    const today = await call("/api/v1/users/current/statusbar/today", { key: read });
    expect(today.status).toBe(200);
    // Keys record when they were last used (hour precision), shown on the keys page.
    const listed = ((await (await call("/api/kodo/account/keys", { headers: { cookie: s.cookie } })).json()) as any).data;
    for (const k of listed) expect(Date.now() - Date.parse(k.last_used_at)).toBeLessThan(60_000);
  });

  it("revoking a key makes it fail at once (401)", async () => {
    const s = await signIn();
    const { body } = await createKey(s);
    expect((await postBeats(body.key, [wire(NOW - 60)])).status).toBe(201);
    const del = await call(`/api/kodo/account/keys/${body.data.id}`, asSession(s, { method: "DELETE" }));
    expect(del.status).toBe(200);
    expect((await postBeats(body.key, [wire(NOW - 30)])).status).toBe(401);
    expect((await call(`/api/kodo/account/keys/${body.data.id}`, asSession(s, { method: "DELETE" }))).status).toBe(404);
  });

  it("rotating replaces the secret: the old one fails, the new one works, label and scope stay", async () => {
    const s = await signIn();
    const { body } = await createKey(s, { label: "desktop", scope: "full" });
    expect((await postBeats(body.key, [wire(NOW - 90)])).status).toBe(201);
    const rotated = await call(`/api/kodo/account/keys/${body.data.id}/rotate`, asSession(s, { method: "POST" }));
    expect(rotated.status).toBe(200);
    const next = (await rotated.json()) as any;
    expect(next.key).not.toBe(body.key);
    expect(next.data).toMatchObject({ id: body.data.id, label: "desktop", scope: "full" });
    expect((await postBeats(body.key, [wire(NOW - 80)])).status).toBe(401);
    expect((await postBeats(next.key, [wire(NOW - 70)])).status).toBe(201);
  });

  it("sets your own key: waka_<uuid-v4> or a bare UUID v4, not one in use, nothing else", async () => {
    const s = await signIn();
    const own = `waka_${crypto.randomUUID()}`;
    const created = await createKey(s, { key: own, label: "mine" });
    expect(created.status).toBe(201);
    expect(created.body.key).toBe(own);
    expect((await postBeats(own, [wire(NOW - 10)])).status).toBe(201);

    const bare = crypto.randomUUID();
    expect((await createKey(s, { key: bare })).status).toBe(201);
    expect((await call("/api/v1/users/current", { headers: { authorization: basic(bare) } })).status).toBe(200);

    // In use (by this user or another): refused, nothing stored.
    const other = await signIn();
    const taken = await createKey(other, { key: own });
    expect(taken.status).toBe(409);
    for (const bad of ["waka_not-a-uuid", "00000000-0000-1000-8000-000000000000", "x".repeat(300), 42]) {
      const r = await createKey(s, { key: bad });
      expect(r.status).toBe(400);
      expect(r.body.error).toMatch(/^key: /);
    }
    const count = await env.DB.prepare("SELECT count(*) AS n FROM api_keys").first<{ n: number }>();
    expect(count!.n).toBe(2);
  });

  it("validates labels and scopes with clear messages", async () => {
    const s = await signIn();
    expect((await createKey(s, { label: "x".repeat(65) })).body.error).toMatch(/^label: /);
    expect((await createKey(s, { scope: "admin" })).body.error).toMatch(/^scope: /);
    expect((await createKey(s, { label: 5 })).status).toBe(400);
    const noLabel = await createKey(s, {});
    expect(noLabel.body.data.label).toBe("API key");
  });

  it("an API key cannot manage keys (a leaked key must not mint more)", async () => {
    const s = await signIn();
    const { body } = await createKey(s);
    const list = await call("/api/kodo/account/keys", { key: body.key });
    expect(list.status).toBe(403);
    const mint = await call("/api/kodo/account/keys", { method: "POST", key: body.key, body: "{}" });
    expect(mint.status).toBe(403);
    const revoke = await call(`/api/kodo/account/keys/${body.data.id}`, { method: "DELETE", key: body.key });
    expect(revoke.status).toBe(403);
    expect((await env.DB.prepare("SELECT count(*) AS n FROM api_keys").first<{ n: number }>())!.n).toBe(1);
  });
});
