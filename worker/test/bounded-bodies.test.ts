/**
 * Every body is read through core's one bounded reader (core/src/http/body.ts): a chunked body
 * past its route's limit is refused with a 413 after about the limit is read (the stream is
 * cancelled, not drained), and nothing is stored; bad UTF-8 or JSON is a 400.
 */
import { env } from "cloudflare:workers";
import { beforeEach, describe, expect, it } from "vitest";
import { aUser, call, freshStorage } from "./helpers.ts";
import { ORIGIN, asSession, signIn } from "./sign-in-helpers.ts";

beforeEach(freshStorage);

const CHUNK = 64 * 1024;

/** A chunked body of `total` bytes made on demand; `pulled()` says how many were read. */
function hugeBody(total: number, prefix = '{"display_name":"') {
  let sent = 0;
  let cancelled = false;
  const stream = new ReadableStream<Uint8Array>({
    pull(controller) {
      if (sent >= total) return controller.close();
      const chunk = sent === 0 ? new TextEncoder().encode(prefix.padEnd(CHUNK, "a")) : new Uint8Array(CHUNK).fill(97);
      sent += chunk.byteLength;
      controller.enqueue(chunk);
    },
    cancel() {
      cancelled = true;
    },
  });
  return { stream, pulled: () => sent, cancelled: () => cancelled };
}

async function send(path: string, method: string, body: ReadableStream<Uint8Array> | string, init: RequestInit = {}) {
  const res = await call(path, { ...init, method, body });
  return { status: res.status, body: (await res.json()) as { error?: string } };
}

describe("bodies past their route's limit", () => {
  it("a 64 MiB chunked PATCH /api/kodo/account is refused after ~16 KiB, its stream cancelled", async () => {
    const u = await aUser();
    const before = await env.DB.prepare("SELECT display_name FROM users WHERE id = ?").bind(u.id).first();
    const huge = hugeBody(64 * 1024 * 1024);
    const r = await send("/api/kodo/account", "PATCH", huge.stream, { headers: { authorization: `Bearer ${u.key}` } });
    expect(r).toEqual({ status: 413, body: { error: "Body too large: at most 16384 bytes" } });
    expect(huge.pulled()).toBeLessThanOrEqual(4 * CHUNK);
    expect(huge.cancelled()).toBe(true);
    expect(await env.DB.prepare("SELECT display_name FROM users WHERE id = ?").bind(u.id).first()).toEqual(before);
  });

  it("the same for a signed-in session's PATCH, key routes and remote-import routes", async () => {
    const s = await signIn();
    for (const [path, method] of [["/api/kodo/account", "PATCH"], ["/api/kodo/account/keys", "POST"], ["/api/kodo/account/imports", "POST"]] as const) {
      const huge = hugeBody(8 * 1024 * 1024, "{\"label\":\"");
      const r = await send(path, method, huge.stream, asSession(s));
      expect(r.status, path).toBe(413);
      expect(huge.pulled(), path).toBeLessThanOrEqual(4 * CHUNK);
    }
    const keys = await env.DB.prepare("SELECT count(*) AS n FROM api_keys WHERE user_id = ?").bind(s.userId).first<{ n: number }>();
    expect(keys!.n).toBe(0);
  });

  it("heartbeats get 1 MiB; social routes (goals, teams, friends, sharing) 16 KiB", async () => {
    const u = await aUser();
    const auth = { headers: { authorization: `Bearer ${u.key}` } };
    const beats = hugeBody(32 * 1024 * 1024, "[");
    expect((await send("/api/v1/users/current/heartbeats.bulk", "POST", beats.stream, auth)).status).toBe(413);
    expect(beats.pulled()).toBeLessThanOrEqual(1024 * 1024 + 4 * CHUNK);
    for (const [path, method] of [["/api/kodo/goals", "POST"], ["/api/kodo/teams", "POST"], ["/api/kodo/friends", "POST"], ["/api/kodo/sharing", "PATCH"]] as const) {
      const huge = hugeBody(8 * 1024 * 1024, "{\"name\":\"");
      const r = await send(path, method, huge.stream, auth);
      expect(r, path).toEqual({ status: 413, body: { error: "Body too large: at most 16384 bytes" } });
      expect(huge.pulled(), path).toBeLessThanOrEqual(4 * CHUNK);
    }
  });

  it("Better Auth's endpoints get the same reader: a huge sign-in form is a 413 before Better Auth reads it", async () => {
    const huge = hugeBody(16 * 1024 * 1024, '{"email":"big@example.com","name":"');
    const r = await send("/api/auth/sign-in/magic-link", "POST", huge.stream, { headers: { origin: ORIGIN } });
    expect(r).toEqual({ status: 413, body: { error: "Body too large: at most 16384 bytes" } });
    expect(huge.pulled()).toBeLessThanOrEqual(4 * CHUNK);
    const mails = await env.DB.prepare("SELECT count(*) AS n FROM outbox_messages").first<{ n: number }>();
    expect(mails!.n).toBe(0);
    // A body just under the limit still works.
    const ok = await call("/api/auth/sign-in/magic-link", { method: "POST", body: JSON.stringify({ email: "fits@example.com", name: "n".repeat(15_000), callbackURL: "/" }), headers: { origin: ORIGIN } });
    expect(ok.status).toBe(200);
  });
});

describe("bodies that are not UTF-8 JSON", () => {
  it("answers 400 naming the problem, on every kind of route", async () => {
    const u = await aUser();
    const auth = { authorization: `Bearer ${u.key}` };
    const notUtf8 = new Uint8Array([0x7b, 0x22, 0xff, 0xfe, 0x22, 0x7d]);
    for (const [path, method] of [["/api/kodo/account", "PATCH"], ["/api/kodo/goals", "POST"], ["/api/v1/users/current/heartbeats", "POST"]] as const) {
      const bad = await call(path, { method, body: notUtf8, headers: auth });
      expect(bad.status, path).toBe(400);
      expect(await bad.json()).toEqual({ error: "Body is not valid UTF-8" });
      const notJson = await call(path, { method, body: "{nope", headers: auth });
      expect(notJson.status, path).toBe(400);
      expect(await notJson.json()).toEqual({ error: "Body is not valid JSON" });
    }
  });
});
