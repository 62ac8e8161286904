/**
 * Issue 15: the read side of the WakaTime ecosystem. Profile-readme generators call WakaTime's
 * public per-user routes without a key; these are the exact request shapes they build, against
 * the real worker in workerd:
 * - github-readme-stats' WakaTime card: `https://${api_domain}/api/v1/users/${username}/stats?is_including_today=true`
 *   (current), and `/stats/${range}?is_including_today=true&is_up_to_date=true&is_other_usage_visible=true`
 *   (its older fetcher, still used by forks);
 * - waka-readme style actions and API clients: `/api/v1/users/@${username}` and the compat alias.
 * What the card reads: data.languages[].{name, percent, text, hours, minutes}, data.is_coding_activity_visible,
 * data.is_other_usage_visible, data.human_readable_range, data.range, data.username.
 */
import { beforeEach, describe, expect, it } from "vitest";
import { call, expectedTotals, freshStorage, sum } from "./helpers.ts";
import { aSharingUser, minutes, send } from "./public-fixtures.ts";

beforeEach(freshStorage);

/** Two hours ago, whole minutes: inside every "last N days" range that includes today. */
const T = Math.floor(Date.now() / 1000 / 60) * 60 - 2 * 3600;

function aSession() {
  return [
    ...minutes(T - 5400, 31, { project: "kodo", language: "TypeScript", machine: "laptop" }),
    ...minutes(T - 3000, 21, { project: "secret-client", language: "Go", machine: "laptop" }),
  ];
}

const CARD_URL = (username: string) => `/api/v1/users/${username}/stats?is_including_today=true`;
const OLD_CARD_URL = (username: string, range: string) =>
  `/api/v1/users/${username}/stats/${range}?is_including_today=true&is_up_to_date=true&is_other_usage_visible=true`;

async function fetchCard(path: string, init: RequestInit & { key?: string } = {}) {
  // What axios sends from a serverless function: no cookie, no key, a JSON accept header.
  const res = await call(path, { ...init, headers: { accept: "application/json, text/plain, */*", "user-agent": "axios/1.7.7", ...init.headers } });
  return { res, body: (await res.json()) as any };
}

describe("readme cards (github-readme-stats' WakaTime card)", () => {
  it("a public user: totals and languages as the card renders them, nothing private", async () => {
    const u = await aSharingUser({ publicProfile: true, projects: "alias", languages: true });
    const beats = aSession();
    await send(u.key, beats);
    const byLanguage = expectedTotals(beats.map((b) => ({ time: b.time, key: String(b.language) })));
    const total = sum(byLanguage);

    for (const path of [CARD_URL(u.username), OLD_CARD_URL(u.username, "last_7_days"), `/api/compat/wakatime/v1/users/@${u.username}/stats/last_7_days`]) {
      const { res, body } = await fetchCard(path);
      expect(res.status, path).toBe(200);
      expect(res.headers.get("access-control-allow-origin")).toBe("*");
      const d = body.data;
      expect(d.is_coding_activity_visible).toBe(true);
      expect(d.is_other_usage_visible).toBe(true);
      expect(d.username).toBe(u.username);
      expect(d.range).toBe("last_7_days");
      expect(d.human_readable_range).toBe("Last 7 Days");
      expect(d.total_seconds).toBe(total);
      expect(d.human_readable_total).toMatch(/^\d+ (hr|hrs|min|mins)/);
      expect(d.languages.map((l: any) => [l.name, l.total_seconds])).toEqual([
        ["TypeScript", byLanguage.get("TypeScript")],
        ["Go", byLanguage.get("Go")],
      ]);
      for (const l of d.languages) {
        expect(l.percent).toBeCloseTo((l.total_seconds / total) * 100, 1);
        expect(l.hours).toBe(Math.floor(l.total_seconds / 3600));
        expect(l.minutes).toBe(Math.floor((l.total_seconds % 3600) / 60));
        expect(typeof l.text).toBe("string");
      }
      // Aliased projects, no machines (not shared), no ids, no branches, no file names.
      expect(d.projects.map((p: any) => p.name)).toEqual(["Project 1", "Project 2"]);
      expect(d.machines).toBeUndefined();
      const text = JSON.stringify(body);
      for (const secret of [u.id, "secret-client", "kodo\"", "laptop", "main", "app.ts"]) expect(text).not.toContain(secret);
    }
  });

  it("a user who hides languages: no language list, the total still shows", async () => {
    const u = await aSharingUser({ publicProfile: true, languages: false, editors: false, operatingSystems: false });
    await send(u.key, aSession());
    const { res, body } = await fetchCard(CARD_URL(u.username));
    expect(res.status).toBe(200);
    expect(body.data.is_coding_activity_visible).toBe(true);
    expect(body.data.is_other_usage_visible).toBe(false);
    expect(body.data.languages).toBeUndefined();
    expect(body.data.editors).toBeUndefined();
    expect(body.data.projects).toBeUndefined(); // projects hidden by default
    expect(JSON.stringify(body)).not.toMatch(/TypeScript|"Go"|VS Code|Linux/);
    expect(body.data.total_seconds).toBe(sum(expectedTotals(aSession().map((b) => ({ time: b.time, key: "all" })))));
  });

  it("private and unknown users get one identical 'not public' answer, never data", async () => {
    const noRow = await aSharingUser();
    const off = await aSharingUser({ publicProfile: false, projects: "public", languages: true });
    for (const u of [noRow, off]) await send(u.key, aSession());
    const answers = new Set<string>();
    for (const username of [noRow.username, off.username, "nobody-has-this-name"]) {
      const { res, body } = await fetchCard(CARD_URL(username));
      expect(res.status).toBe(200);
      expect(body.data).toEqual({
        range: "last_7_days",
        is_up_to_date: true,
        percent_calculated: 100,
        status: "ok",
        is_coding_activity_visible: false,
        is_other_usage_visible: false,
      });
      answers.add(JSON.stringify(body) + res.headers.get("cache-control"));
      // The user object: one 404 for both.
      const user = await fetchCard(`/api/v1/users/@${username}`);
      expect(user.res.status).toBe(404);
      expect(user.body).toEqual({ error: "Not found." });
    }
    expect(answers.size).toBe(1);
  });

  it("a key still sees its owner's full data; another user's key sees only the public view; a bad key is 401", async () => {
    const owner = await aSharingUser({ publicProfile: true, projects: "hidden", languages: true });
    const other = await aSharingUser();
    await send(owner.key, aSession());
    const own = await fetchCard(`/api/v1/users/${owner.username}/stats/last_7_days`, { key: owner.key });
    expect(own.res.status).toBe(200);
    expect(own.body.data.projects.map((p: any) => p.name).sort()).toEqual(["kodo", "secret-client"]);
    expect(own.body.data.id).toBe(owner.id);
    const viaOther = await fetchCard(`/api/v1/users/${owner.username}/stats/last_7_days`, { key: other.key });
    expect(viaOther.res.status).toBe(200);
    expect(viaOther.body.data.projects).toBeUndefined();
    expect(viaOther.body.data.id).toBe(owner.username);
    const bad = await fetchCard(`/api/v1/users/${owner.username}/stats`, { key: "waka_00000000-0000-4000-8000-000000000000" });
    expect(bad.res.status).toBe(401);
    // users/current without a key stays a 401 (plugins' own reads).
    expect((await fetchCard("/api/v1/users/current/stats")).res.status).toBe(401);
    // The user object: the owner gets the account, others the public profile fields.
    const me = await fetchCard(`/api/v1/users/@${owner.username}`, { key: owner.key });
    expect(me.body.data.id).toBe(owner.id);
    const profile = await fetchCard(`/api/v1/users/${owner.username}`);
    expect(profile.res.status).toBe(200);
    expect(profile.body.data).toMatchObject({ id: owner.username, username: owner.username, email: null, is_coding_activity_visible: true });
    expect(JSON.stringify(profile.body)).not.toContain(owner.id);
  });

  it("bad input is a JSON 4xx, never a 5xx", async () => {
    const u = await aSharingUser({ publicProfile: true });
    for (const path of [
      `/api/v1/users/${u.username}/stats/last_century`,
      `/api/v1/users/${"x".repeat(300)}/stats`,
      `/api/v1/users/%00/stats`,
      `/api/v1/users/@/stats`,
    ]) {
      const { res, body } = await fetchCard(path);
      expect(res.status, path).toBeGreaterThanOrEqual(200);
      expect(res.status, path).toBeLessThan(500);
      expect(body, path).toBeTypeOf("object");
    }
    expect((await fetchCard(`/api/v1/users/${u.username}/stats/last_century`)).res.status).toBe(400);
  });
});
