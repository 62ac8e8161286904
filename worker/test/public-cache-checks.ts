/**
 * Checks shared by the cache tests in workerd (test/cache-purge.test.ts) and against a real
 * worker (e2e/cache-purge.test.ts): `get` fetches a path from either.
 */
import { expect } from "vitest";

type Get = (path: string) => Promise<Response>;

/** Every cached public read of a user (a project-filtered badge with a style and label among them). */
export const publicReadUrls = (username: string) => [
  `/api/badge/${username}/last_7_days.svg`,
  `/api/badge/${username}/last_7_days.svg?project=kodo&style=for-the-badge&label=x`,
  `/api/badge/${username}/last_7_days.json`,
  `/api/activity/${username}.svg?theme=dark`,
  `/api/public/users/${username}/stats/last_7_days`,
  `/api/public/users/${username}`,
  // WakaTime's public routes, as readme cards call them (routes/public-wakatime.ts).
  `/api/v1/users/${username}/stats?is_including_today=true`,
  `/api/compat/wakatime/v1/users/@${username}/stats/last_7_days`,
  `/api/v1/users/${username}`,
];

/** Fetches each read twice: shared (200, not "private"), the second answer from the cache. */
export async function expectCachedAndShared(get: Get, username: string): Promise<void> {
  for (const url of publicReadUrls(username)) {
    const first = await get(url);
    expect(first.status, url).toBe(200);
    const text = await first.text();
    expect(text, url).not.toMatch(/private/i);
    expect(text, url).not.toContain('"is_coding_activity_visible":false');
    const second = await get(url);
    expect(second.headers.get("x-kodo-cache"), url).toBe("hit");
    expect(await second.text(), url).toBe(text);
  }
}

/**
 * The very next request of each read answers "private" (badges), 404 (JSON) or WakaTime's "not
 * public" stats, from no cache.
 */
export async function expectNothingVisible(get: Get, username: string): Promise<void> {
  for (const url of publicReadUrls(username)) {
    const res = await get(url);
    const text = await res.text();
    expect(res.headers.get("x-kodo-cache"), url).toBeNull();
    if (url.startsWith("/api/public/") || /\/users\/[^/]+$/.test(url)) expect(res.status, url).toBe(404);
    else if (url.includes("/stats")) expect(JSON.parse(text).data.is_coding_activity_visible, url).toBe(false);
    else expect(text, url).toMatch(/private/i);
  }
}
