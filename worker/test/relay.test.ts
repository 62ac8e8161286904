/**
 * Relay (core relay/relay.ts, worker/src/activity/relay.ts) inside workerd: the setting's
 * validation and encryption, what is queued, sending to a real Kodo upstream (this same worker,
 * another user, reached through an Outbound whose fetch is the worker itself), per-item
 * answers, the backoff schedule, and dropping the queue. The end-to-end run with a second Kodo
 * process, an upstream outage and a hanging upstream is e2e/relay.test.ts.
 */
import { env, exports } from "cloudflare:workers";
import { runInDurableObject } from "cloudflare:test";
import { beforeEach, describe, expect, it } from "vitest";
import { openSecret, RELAY_RETRY_BASE_SECONDS, type Outbound } from "@kodo/core";
import { relayAnswerSchema, relaySetSchema } from "@kodo/core/http";
import { aUser, call, freshStorage, getJson, postBeats, stubFor, wire } from "./helpers.ts";
import { asSession, signIn } from "./sign-in-helpers.ts";
import type { UserActivity } from "../src/activity/object.ts";
import type { RelayOutbox } from "../src/activity/relay.ts";

beforeEach(freshStorage);

const SECRET = "test-relay-secret-0123456789abcdef";
const UPSTREAM = "https://upstream.example.com/api/v1";

async function putRelay(key: string, body: unknown) {
  const res = await call("/api/kodo/account/relay", { method: "PUT", key, body: JSON.stringify(body) });
  return { status: res.status, text: await res.text() };
}

function outboxOf(userId: string): Promise<{ id: string; body: string }[]> {
  return runInDurableObject(stubFor(userId), (_i, state) => state.storage.sql.exec<{ id: string; body: string }>("SELECT id, body FROM relay_outbox ORDER BY seq").toArray());
}

/** An Outbound whose "upstream.example.com" is this worker (a real Kodo), or a failure. */
function outboundTo(upstream: (req: Request) => Promise<Response>): Outbound & { requests: Request[] } {
  const requests: Request[] = [];
  return {
    requests,
    resolver: { resolve: async () => ["93.184.216.34"] },
    fetch: async (input, init) => {
      const req = new Request(input, init);
      requests.push(req.clone());
      return upstream(req);
    },
  };
}

const kodoUpstream = (req: Request) => exports.default.fetch(new Request(req.url.replace("https://upstream.example.com", "http://kodo.test"), req));

/** Runs the relay's alarm work at `now` (epoch seconds) with the given network. */
function runRelay(userId: string, outbound: Outbound, now: number): Promise<number | null> {
  return runInDurableObject(stubFor(userId), (instance: UserActivity) =>
    (instance as unknown as { relay: RelayOutbox }).relay.run(userId, { secret: SECRET, outbound, retryBaseSeconds: RELAY_RETRY_BASE_SECONDS }, now),
  );
}

describe("relay settings", () => {
  it("stores the key sealed (AES-GCM, bound to the user) and answers only its last four characters", async () => {
    const s = await signIn();
    const key = `waka_${crypto.randomUUID()}`;
    const res = await call("/api/kodo/account/relay", asSession(s, { method: "PUT", body: JSON.stringify({ url: `${UPSTREAM}/`, key }) }));
    const text = await res.text();
    expect(res.status).toBe(200);
    expect(text).not.toContain(key);
    expect(JSON.parse(text).data).toMatchObject({ url: UPSTREAM, key_hint: key.slice(-4), queued: 0, last_error: null, forwarded: 0 });
    relaySetSchema.parse(JSON.parse(text));
    const read = await call("/api/kodo/account/relay", { headers: { cookie: s.cookie } });
    const readText = await read.text();
    expect(readText).not.toContain(key);
    expect(JSON.parse(readText).data.key_hint).toBe(key.slice(-4));
    relayAnswerSchema.parse(JSON.parse(readText));

    const stored = await runInDurableObject(stubFor(s.userId), (_i, state) => state.storage.sql.exec<{ value: string }>("SELECT value FROM meta WHERE key = 'relay'").one().value);
    expect(stored).not.toContain(key);
    const sealed = JSON.parse(stored).sealedKey as string;
    expect(sealed).toMatch(/^v1\.[\w-]+\.[\w-]+$/);
    expect(await openSecret(SECRET, s.userId, sealed)).toBe(key);
    expect(await openSecret(SECRET, "someone-else", sealed)).toBeNull();
    expect(await openSecret("another-server-secret-0123456789", s.userId, sealed)).toBeNull();
  });

  it("refuses bad settings with a 400 naming the field, and stores nothing", async () => {
    const u = await aUser();
    const key = "waka_00000000-0000-4000-8000-000000000000";
    const bad: [unknown, RegExp][] = [
      [{ key }, /^url: required/],
      [{ url: "not a url", key }, /^url: not a URL/],
      [{ url: "ftp://upstream.example.com/api", key }, /^url: must be http/],
      [{ url: "https://user:pw@upstream.example.com/api", key }, /^url: must not contain credentials/],
      [{ url: "https://upstream.example.com:22/api", key }, /^url: port/],
      [{ url: "http://127.0.0.1:8787/api/v1", key }, /^url: must name a public host/],
      [{ url: "http://localhost:3000/api", key }, /^url: must name a public host/],
      [{ url: "http://10.1.2.3:3000/api", key }, /^url: must name a public host/],
      [{ url: "http://169.254.169.254/latest", key }, /^url: must name a public host/],
      [{ url: "http://wakapi.internal/api", key }, /^url: must name a public host/],
      [{ url: `${UPSTREAM}?x=1`, key }, /^url: the API base URL, without query/],
      [{ url: UPSTREAM }, /^key: required/],
      [{ url: UPSTREAM, key: "short" }, /^key: /],
      [{ url: UPSTREAM, key: "has a space in it" }, /^key: /],
      [{ url: UPSTREAM, key: 12345678 }, /^key: /],
      [[UPSTREAM, key], /Body must be a JSON object/],
    ];
    for (const [body, error] of bad) {
      const r = await putRelay(u.key, body);
      expect(r.status, JSON.stringify(body)).toBe(400);
      expect(JSON.parse(r.text).error).toMatch(error);
    }
    expect((await getJson(`/api/kodo/account/relay`, u.key)).data).toBeNull();
    const reader = await aUser({ scope: "read" });
    expect((await putRelay(reader.key, { url: UPSTREAM, key })).status).toBe(403);
    expect((await call("/api/kodo/account/relay", { method: "PUT", body: JSON.stringify({ url: UPSTREAM, key }) })).status).toBe(401);
  });
});

describe("relay queue and sends", () => {
  it("queues only newly stored heartbeats and forwards each to the upstream Kodo once", async () => {
    const [me, upstreamUser] = [await aUser(), await aUser()];
    expect((await putRelay(me.key, { url: UPSTREAM, key: upstreamUser.key })).status).toBe(200);
    const t = Math.floor(Date.now() / 1000) - 3600;
    const beats = [wire(t), wire(t + 60, { entity: "/b.ts" }), wire(t + 120, { entity: "/c.ts" })];
    await postBeats(me.key, beats);
    // Retries of the same heartbeats (202 duplicates) and one new: only the new one is queued.
    const again = (await (await postBeats(me.key, [...beats, wire(t + 180, { entity: "/d.ts" })])).json()) as { responses: [unknown, number][] };
    expect(again.responses.map((r) => r[1])).toEqual([202, 202, 202, 201]);
    expect(await outboxOf(me.id)).toHaveLength(4);

    const net = outboundTo(kodoUpstream);
    const now = Date.now() / 1000 + 5;
    expect(await runRelay(me.id, net, now)).toBeNull();
    expect(net.requests).toHaveLength(1);
    expect(net.requests[0]!.url).toBe(`${UPSTREAM}/users/current/heartbeats.bulk`);
    expect(net.requests[0]!.headers.get("authorization")).toBe(`Basic ${btoa(upstreamUser.key)}`);
    expect(await outboxOf(me.id)).toHaveLength(0);
    const day = new Date(t * 1000).toISOString().slice(0, 10);
    const there = await getJson<{ data: { entity: string; time: number }[] }>(`/api/v1/users/current/heartbeats?date=${day}`, upstreamUser.key);
    expect(there.data.map((h) => h.entity).sort()).toEqual(["/b.ts", "/c.ts", "/d.ts", "/home/dev/kodo/src/app.ts"]);
    const status = (await getJson(`/api/kodo/account/relay`, me.key)).data;
    expect(status).toMatchObject({ queued: 0, forwarded: 4, dropped: 0, failures: 0, last_error: null, next_attempt_at: null });
    expect(status.last_success_at).not.toBeNull();

    // Sent again to Kodo: duplicates, nothing queued, nothing sent.
    await postBeats(me.key, beats);
    expect(await outboxOf(me.id)).toHaveLength(0);
  });

  it("backs off exponentially while the upstream is unreachable or failing, keeps the queue, and drops what it refuses", async () => {
    const me = await aUser();
    await putRelay(me.key, { url: UPSTREAM, key: "waka_00000000-0000-4000-8000-000000000000" });
    const t = Math.floor(Date.now() / 1000) - 600;
    await postBeats(me.key, [wire(t), wire(t + 60, { entity: "/b.ts" })]);
    const down = outboundTo(async () => {
      throw new Error("connection refused");
    });
    let now = Date.now() / 1000 + 5;
    const delays: number[] = [];
    for (let i = 0; i < 9; i++) {
      const next = await runRelay(me.id, down, now);
      delays.push(next! - now);
      // Before the attempt is due, the alarm's run sends nothing.
      const sent = down.requests.length;
      expect(await runRelay(me.id, down, now + 1)).toBe(next);
      expect(down.requests.length).toBe(sent);
      now = next!;
    }
    const expected = [30, 60, 120, 240, 480, 960, 1920, 3600, 3600];
    delays.forEach((d, i) => {
      expect(d).toBeGreaterThanOrEqual(expected[i]! * 0.9);
      expect(d).toBeLessThanOrEqual(expected[i]! * 1.1);
    });
    expect(await outboxOf(me.id)).toHaveLength(2);
    let status = relayAnswerSchema.parse(await getJson(`/api/kodo/account/relay`, me.key)).data!;
    expect(status).toMatchObject({ queued: 2, failures: 9, forwarded: 0, last_error: expect.stringMatching(/Could not connect/) });
    expect(Date.parse(status.next_attempt_at!) / 1000).toBeCloseTo(now, 0);

    // The upstream answers 500 to the whole batch: still kept, still backing off.
    const failing = outboundTo(async () => Response.json({ error: "database is down" }, { status: 500 }));
    const next = await runRelay(me.id, failing, now);
    expect(next! - now).toBeGreaterThanOrEqual(3600 * 0.9);
    expect((await getJson(`/api/kodo/account/relay`, me.key)).data).toMatchObject({ queued: 2, failures: 10, last_error: "upstream answered 500: database is down" });

    // Per item: the first accepted, the second refused (400): neither is sent again.
    const picky = outboundTo(async () => Response.json({ responses: [[{ data: {} }, 201], [{ error: "entity: too long" }, 400]] }, { status: 201 }));
    expect(await runRelay(me.id, picky, next!)).toBeNull();
    expect(await outboxOf(me.id)).toHaveLength(0);
    status = relayAnswerSchema.parse(await getJson(`/api/kodo/account/relay`, me.key)).data!;
    expect(status).toMatchObject({ queued: 0, failures: 0, forwarded: 1, dropped: 1, last_error: "upstream refused a heartbeat (400: entity: too long)" });
  });

  it("drops the queue when the relay is removed, when the URL changes, and with the account", async () => {
    const s = await signIn();
    const keyRes = await call("/api/kodo/account/keys", asSession(s, { method: "POST", body: JSON.stringify({ scope: "full" }) }));
    const key = ((await keyRes.json()) as { key: string }).key;
    const upstreamKey = "waka_00000000-0000-4000-8000-000000000000";
    const t = Math.floor(Date.now() / 1000) - 600;
    await putRelay(key, { url: UPSTREAM, key: upstreamKey });
    await postBeats(key, [wire(t)]);
    expect(await outboxOf(s.userId)).toHaveLength(1);
    // The same URL again (a fixed key) keeps what waits; another URL starts empty.
    await putRelay(key, { url: UPSTREAM, key: `${upstreamKey}x` });
    expect(await outboxOf(s.userId)).toHaveLength(1);
    await putRelay(key, { url: "https://other.example.com/api", key: upstreamKey });
    expect(await outboxOf(s.userId)).toHaveLength(0);

    await postBeats(key, [wire(t + 60)]);
    expect(await outboxOf(s.userId)).toHaveLength(1);
    const del = await call("/api/kodo/account/relay", { method: "DELETE", key });
    expect(await del.json()).toEqual({ removed: true });
    expect(await outboxOf(s.userId)).toHaveLength(0);
    expect((await getJson(`/api/kodo/account/relay`, key)).data).toBeNull();
    expect(await (await call("/api/kodo/account/relay", { method: "DELETE", key })).json()).toEqual({ removed: false });
    // Without a relay nothing is queued.
    await postBeats(key, [wire(t + 120)]);
    expect(await outboxOf(s.userId)).toHaveLength(0);

    await putRelay(key, { url: UPSTREAM, key: upstreamKey });
    await postBeats(key, [wire(t + 180)]);
    expect(await outboxOf(s.userId)).toHaveLength(1);
    const gone = await call("/api/kodo/account", asSession(s, { method: "DELETE", body: JSON.stringify({ confirm: s.username }) }));
    expect(gone.status).toBe(200);
    const left = await runInDurableObject(stubFor(s.userId), (_i, state) => ({
      outbox: state.storage.sql.exec<{ n: number }>("SELECT count(*) AS n FROM relay_outbox").one().n,
      relay: state.storage.sql.exec("SELECT value FROM meta WHERE key LIKE 'relay%'").toArray().length,
    }));
    expect(left).toEqual({ outbox: 0, relay: 0 });
    expect(env.KODO_RELAY_SECRET).toBe(SECRET);
  });
});
