import { env } from "cloudflare:workers";
import { runDurableObjectAlarm } from "cloudflare:test";
import { beforeEach, describe, expect, it } from "vitest";
import { call, freshStorage, postBeats, stubFor, wire } from "./helpers.ts";
import { asSession, signIn, type SignedIn } from "./sign-in-helpers.ts";
import { d1AccountAdmin } from "../src/stores/account-admin.ts";

beforeEach(freshStorage);

async function patch(s: SignedIn, body: unknown) {
  const res = await call("/api/kodo/account", asSession(s, { method: "PATCH", body: JSON.stringify(body) }));
  return { status: res.status, body: (await res.json()) as any };
}

async function newKey(s: SignedIn, scope = "full") {
  const res = await call("/api/kodo/account/keys", asSession(s, { method: "POST", body: JSON.stringify({ scope }) }));
  return ((await res.json()) as any).key as string;
}

describe("profile and settings", () => {
  it("changes display name, username, time zone and timeout", async () => {
    const s = await signIn();
    const r = await patch(s, { display_name: "  Ada   L. ", username: "Ada_L", time_zone: "europe/berlin", keystroke_timeout_minutes: 30 });
    expect(r.status).toBe(200);
    expect(r.body.user).toMatchObject({ display_name: "Ada L.", username: "ada_l", time_zone: "Europe/Berlin", keystroke_timeout_minutes: 30 });
    const me = (await (await call("/api/v1/users/current", { headers: { cookie: s.cookie } })).json()) as any;
    expect(me.data).toMatchObject({ username: "ada_l", timezone: "Europe/Berlin", timeout: 30 });
  });

  it("refuses bad values naming each field, and changes nothing", async () => {
    const s = await signIn();
    const r = await patch(s, { time_zone: "Mars/Olympus", keystroke_timeout_minutes: 0, username: "a" });
    expect(r.status).toBe(400);
    expect(r.body.error).toMatch(/username: .*time_zone: .*keystroke_timeout_minutes: /);
    for (const body of [{ keystroke_timeout_minutes: 241 }, { keystroke_timeout_minutes: 1.5 }, { username: "current" }, { username: "has space" }, { colour: "red" }, [1]]) {
      expect((await patch(s, body)).status).toBe(400);
    }
    const row = await env.DB.prepare("SELECT u.username, s.time_zone, s.keystroke_timeout_minutes AS t FROM users u JOIN user_settings s ON s.user_id = u.id WHERE u.id = ?").bind(s.userId).first();
    expect(row).toEqual({ username: s.username, time_zone: "UTC", t: 15 });
  });

  it("refuses a username another user has (409)", async () => {
    const a = await signIn();
    const b = await signIn();
    const r = await patch(b, { username: a.username });
    expect(r.status).toBe(409);
    expect((await patch(a, { username: a.username })).status).toBe(200);
    // The race the route's check cannot see (another user takes the name in between): the
    // store reports it instead of failing.
    expect(await d1AccountAdmin(env.DB).updateProfile(b.userId, { username: a.username })).toBe("username-taken");
  });

  it("a read-only key may not change settings; a full key may", async () => {
    const s = await signIn();
    const read = await newKey(s, "read");
    const full = await newKey(s, "full");
    const denied = await call("/api/kodo/account", { method: "PATCH", key: read, body: JSON.stringify({ keystroke_timeout_minutes: 20 }) });
    expect(denied.status).toBe(403);
    const ok = await call("/api/kodo/account", { method: "PATCH", key: full, body: JSON.stringify({ keystroke_timeout_minutes: 20 }) });
    expect(ok.status).toBe(200);
  });

  it("a new timeout recomputes history in the background, with progress, and the totals follow", async () => {
    const s = await signIn();
    const key = await newKey(s);
    // Two heartbeats 20 minutes apart on each of 70 days: the gap counts only with a timeout >= 20.
    const day0 = Math.floor(Date.now() / 1000 / 86400) * 86400 - 80 * 86400;
    const beats = [];
    for (let d = 0; d < 70; d++) beats.push(wire(day0 + d * 86400 + 3600), wire(day0 + d * 86400 + 3600 + 1200));
    expect((await postBeats(key, beats)).status).toBe(201);
    const total = async () => {
      const res = await call("/api/v1/users/current/all_time_since_today", { key });
      return ((await res.json()) as any).data.total_seconds as number;
    };
    expect(await total()).toBe(0);

    const r = await patch(s, { keystroke_timeout_minutes: 30 });
    expect(r.body.recompute).toEqual({ done: expect.any(Number), total: expect.any(Number) });
    expect(r.body.recompute.total).toBeGreaterThanOrEqual(70);
    // The account shows the same progress until the alarm has worked through the days.
    const progress = ((await (await call("/api/kodo/account", { headers: { cookie: s.cookie } })).json()) as any).recompute;
    expect(progress).not.toBeNull();
    for (let i = 0; i < 10 && (await stubFor(s.userId).recomputeProgress()) !== null; i++) await runDurableObjectAlarm(stubFor(s.userId));
    expect(await stubFor(s.userId).recomputeProgress()).toBeNull();
    expect(((await (await call("/api/kodo/account", { headers: { cookie: s.cookie } })).json()) as any).recompute).toBeNull();
    expect(await total()).toBe(70 * 1200);
  });
});
