/**
 * Contract: the relay's settings routes (`/api/kodo/account/relay`, core relay/relay.ts) on every
 * platform: null until set, bad settings refused with a 400 naming the field (nothing stored),
 * the key never answered nor stored in the clear, only newly stored heartbeats queued, the same
 * URL keeping the queue and another one starting afresh, removal dropping it. The upstream is a
 * `.invalid` host (never resolves): sends fail and back off, so the queue stays as counted.
 * Forwarding itself is proven per platform against a second Kodo (worker/e2e/relay.test.ts,
 * sam/test/relay-e2e.test.ts). Platforms run this with a relay secret set.
 */
import { describe, expect, it } from "vitest";
import { clientFor, wireBeat } from "./client.ts";
import type { ContractTarget } from "./target.ts";

const UPSTREAM = "https://upstream.invalid/api/v1";

export function defineRelayContract(getTarget: () => ContractTarget): void {
  const newUser = async () => {
    const target = getTarget();
    const { key } = await target.createUser();
    return { key, ...clientFor(target, key) };
  };
  type U = Awaited<ReturnType<typeof newUser>>;
  const put = (u: U, body: unknown) => u.call("/api/kodo/account/relay", { method: "PUT", body: JSON.stringify(body) });
  const relayOf = async (u: U) => (await u.getJson("/api/kodo/account/relay")).data;
  const now = () => Math.floor(Date.now() / 1000);

  describe("relay settings", () => {
    it("answers null until set and refuses bad settings with a 400 naming the field, storing nothing", async () => {
      const u = await newUser();
      expect(await relayOf(u)).toBeNull();
      const key = "waka_00000000-0000-4000-8000-000000000000";
      const bad: [unknown, RegExp][] = [
        [{ key }, /^url: required/],
        [{ url: "not a url", key }, /^url: not a URL/],
        [{ url: "ftp://upstream.invalid/api", key }, /^url: must be http/],
        [{ url: "http://127.0.0.1:8787/api/v1", key }, /^url: must name a public host/],
        [{ url: "http://169.254.169.254/latest", key }, /^url: must name a public host/],
        [{ url: "http://10.1.2.3:3000/api", key }, /^url: must name a public host/],
        [{ url: `${UPSTREAM}?x=1`, key }, /^url: the API base URL, without query/],
        [{ url: UPSTREAM }, /^key: required/],
        [{ url: UPSTREAM, key: "short" }, /^key: /],
        [[UPSTREAM, key], /Body must be a JSON object/],
      ];
      for (const [body, error] of bad) {
        const res = await put(u, body);
        expect(res.status, JSON.stringify(body)).toBe(400);
        expect((await res.json()).error, JSON.stringify(body)).toMatch(error);
      }
      expect(await relayOf(u)).toBeNull();
      expect((await u.call("/api/kodo/account/relay", { method: "PUT", body: JSON.stringify({ url: UPSTREAM, key }), auth: "none" })).status).toBe(401);
    });

    it("keeps the key sealed, queues only new heartbeats, keeps the queue for the same URL and drops it for another or on removal", async () => {
      const target = getTarget();
      const u = await newUser();
      const key = `waka_${crypto.randomUUID()}`;
      const res = await put(u, { url: `${UPSTREAM}/`, key });
      expect(res.status).toBe(200);
      expect((await res.json()).data).toMatchObject({ url: UPSTREAM, key_hint: key.slice(-4), queued: 0, forwarded: 0, dropped: 0, failures: 0, last_error: null });
      expect(JSON.stringify(await relayOf(u))).not.toContain(key);
      expect((await target.storedRecords()).some((r) => r.includes(key.toLowerCase()))).toBe(false);

      const t = now() - 3_600;
      const beats = [wireBeat(t, { entity: "/relay/a.ts" }), wireBeat(t + 30, { entity: "/relay/b.ts" })];
      expect((await u.post("/api/v1/users/current/heartbeats.bulk", [...beats, beats[0]])).json.responses.map((r: unknown[]) => r[1])).toEqual([201, 201, 202]);
      expect((await u.post("/api/v1/users/current/heartbeats.bulk", beats)).json.responses.map((r: unknown[]) => r[1])).toEqual([202, 202]);
      expect(await relayOf(u)).toMatchObject({ queued: 2, oldest_queued_at: expect.any(String) });

      // The same URL with another key (a fixed key): the queue stays, retried at once.
      const key2 = `waka_${crypto.randomUUID()}`;
      expect((await (await put(u, { url: UPSTREAM, key: key2 })).json()).data).toMatchObject({ key_hint: key2.slice(-4), queued: 2, failures: 0 });
      // Another URL: what waited was meant for the old one.
      expect((await (await put(u, { url: `${UPSTREAM}/other`, key: key2 })).json()).data).toMatchObject({ url: `${UPSTREAM}/other`, queued: 0 });
      expect((await u.post("/api/v1/users/current/heartbeats.bulk", [wireBeat(t + 60, { entity: "/relay/c.ts" })])).status).toBe(201);
      expect(await relayOf(u)).toMatchObject({ queued: 1 });

      const removed = await u.call("/api/kodo/account/relay", { method: "DELETE" });
      expect(await removed.json()).toEqual({ removed: true });
      expect(await (await u.call("/api/kodo/account/relay", { method: "DELETE" })).json()).toEqual({ removed: false });
      expect(await relayOf(u)).toBeNull();
      expect((await u.post("/api/v1/users/current/heartbeats.bulk", [wireBeat(t + 90, { entity: "/relay/d.ts" })])).status).toBe(201);
      expect(await relayOf(u)).toBeNull();
    });
  });
}
