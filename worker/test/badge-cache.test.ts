import { env } from "cloudflare:workers";
import { beforeEach, describe, expect, it } from "vitest";
import { call, freshStorage } from "./helpers.ts";
import { aSharingUser, minutes, send } from "./public-fixtures.ts";

beforeEach(freshStorage);

const T = Date.UTC(2026, 9, 5, 9, 0, 0) / 1000;

/** Removes every trace of the user from D1 (users cascades to sharing, settings, keys, days). */
async function deleteFromD1(userId: string) {
  await env.DB.prepare("DELETE FROM users WHERE id = ?").bind(userId).run();
  const left = await env.DB.prepare("SELECT (SELECT count(*) FROM user_sharing WHERE user_id = ?1) + (SELECT count(*) FROM users WHERE id = ?1) AS n")
    .bind(userId)
    .first<{ n: number }>();
  expect(left?.n).toBe(0);
}

describe("edge cache for public reads", () => {
  it("answers a repeated badge request from the cache, without reading the user's days", async () => {
    const u = await aSharingUser({ publicProfile: true, projects: "public" });
    await send(u.key, minutes(T, 31, { project: "kodo" }));
    const url = `/api/badge/${u.username}/2026-10.svg?project=kodo&style=flat-square`;
    const first = await call(url);
    expect(first.headers.get("x-kodo-cache")).toBe("miss");
    const body = await first.text();
    expect(body).toContain("30 mins");

    // Twenty more minutes: only the cache can still say 30 (new activity waits for the TTL).
    await send(u.key, minutes(T + 31 * 60, 20, { project: "kodo" }));
    const second = await call(url);
    expect(second.status).toBe(200);
    expect(second.headers.get("x-kodo-cache")).toBe("hit");
    expect(second.headers.get("content-type")).toBe("image/svg+xml; charset=utf-8");
    expect(second.headers.get("content-security-policy")).toBe("default-src 'none'; style-src 'unsafe-inline'");
    expect(second.headers.get("access-control-allow-origin")).toBe("*");
    // Browsers and proxies must ask again: only Kodo's own cache, which deletion purges, keeps it.
    expect(second.headers.get("cache-control")).toBe("public, no-cache");
    expect(await second.text()).toBe(body);

    // Parameter order and unknown parameters (cache-busters) map to the same entry...
    const reordered = await call(`/api/badge/${u.username}/2026-10.svg?style=flat-square&v=123&project=kodo`);
    expect(reordered.headers.get("x-kodo-cache")).toBe("hit");
    expect(await reordered.text()).toBe(body);
    // ...while a different badge is built now, with the new minutes.
    const other = await call(`/api/badge/${u.username}/2026-10.svg?project=kodo&style=flat`);
    expect(other.headers.get("x-kodo-cache")).toBe("miss");
    expect(await other.text()).toContain("50 mins");

    // The user gone from D1 by any path (another isolate, another data centre): the very next
    // request no longer finds them, whatever this cache still holds.
    await deleteFromD1(u.id);
    const gone = await call(url);
    expect(gone.headers.get("x-kodo-cache")).toBeNull();
    expect(await gone.text()).toContain("private");
  });

  it("caches the endpoint JSON, the activity map and the public stats the same way", async () => {
    const u = await aSharingUser({ publicProfile: true, projects: "public" });
    const now = Math.floor(Date.now() / 1000);
    await send(u.key, [...minutes(T, 31), ...minutes(now - 3600, 11)]);
    const urls = [`/api/badge/${u.username}/2026-10.json`, `/api/activity/${u.username}.svg?theme=dark`, `/api/public/users/${u.username}/stats/2026-10`];
    const before = [];
    for (const url of urls) {
      const res = await call(url);
      expect(res.status, url).toBe(200);
      expect(res.headers.get("x-kodo-cache"), url).toBe("miss");
      before.push(await res.text());
    }
    await send(u.key, minutes(T + 3600, 21));
    for (const [i, url] of urls.entries()) {
      const res = await call(url);
      expect(res.headers.get("x-kodo-cache"), url).toBe("hit");
      expect(await res.text(), url).toBe(before[i]);
    }
    await deleteFromD1(u.id);
    for (const url of urls) {
      const res = await call(url);
      expect(res.headers.get("x-kodo-cache"), url).toBeNull();
      expect(res.status === 404 || (await res.text()).includes("private"), url).toBe(true);
    }
  });

  it("does not cache refusals", async () => {
    const u = await aSharingUser({ publicProfile: true });
    const bad = await call(`/api/badge/${u.username}/2026-10.svg?color=nope`);
    expect(bad.status).toBe(400);
    expect(bad.headers.get("x-kodo-cache")).toBeNull();
    // Unknown and private users are never answered from the cache (sharing turned on shows at once).
    const missing = await call(`/api/public/users/nobody-here/stats/2026-10`);
    expect(missing.status).toBe(404);
    expect(missing.headers.get("x-kodo-cache")).toBeNull();
    expect(missing.headers.get("cache-control")).toBe("no-store");
    const privateBadge = await call(`/api/badge/nobody-here/2026-10.svg`);
    expect(privateBadge.headers.get("x-kodo-cache")).toBeNull();
  });
});
