import { beforeEach, describe, expect, it } from "vitest";
import { call, expectedTotals, freshStorage, sum } from "./helpers.ts";
import { aSharingUser, minutes, send, startOfUtcDay, utcDay } from "./public-fixtures.ts";

beforeEach(freshStorage);

const T = Date.UTC(2026, 9, 5, 9, 0, 0) / 1000;

/** Three projects on two machines: "kodo" 30 min (TypeScript), "secret" 20 (Go), "tiny" 10 (Go). */
function aDay() {
  return [
    ...minutes(T, 31, { project: "kodo", language: "TypeScript", machine: "laptop" }),
    ...minutes(T + 7200, 21, { project: "secret", language: "Go", machine: "desktop" }),
    ...minutes(T + 14_400, 11, { project: "tiny", language: "Go", machine: "desktop" }),
  ];
}

async function stats(username: string, range = "2026-10", query = "") {
  const res = await call(`/api/public/users/${encodeURIComponent(username)}/stats/${range}${query}`, { headers: { origin: "https://me.example" } });
  return { res, body: (await res.json()) as any };
}

describe("public stats JSON", () => {
  it("shows totals and the dimensions the user shares, by name", async () => {
    const u = await aSharingUser({ publicProfile: true, projects: "public", machines: true });
    const beats = aDay();
    await send(u.key, beats);
    const { res, body } = await stats(u.username);
    expect(res.status).toBe(200);
    expect(res.headers.get("access-control-allow-origin")).toBe("*");
    expect(res.headers.get("access-control-allow-credentials")).toBeNull();
    const expected = expectedTotals(beats.map((b) => ({ time: b.time, key: b.project })));
    expect(body.data.username).toBe(u.username);
    expect(body.data.total_seconds).toBe(sum(expected));
    expect(body.data.range).toEqual({ name: "2026-10", text: "2026-10", start: "2026-10-01", end: "2026-10-31", timezone: "UTC", limited_by_history: false });
    expect(body.data.projects.map((p: any) => [p.name, p.total_seconds])).toEqual([
      ["kodo", expected.get("kodo")],
      ["secret", expected.get("secret")],
      ["tiny", expected.get("tiny")],
    ]);
    expect(body.data.languages.map((l: any) => l.name)).toEqual(["Go", "TypeScript"]);
    expect(body.data.machines.map((m: any) => m.name)).toEqual(["desktop", "laptop"]);
    expect(body.data.editors.map((e: any) => e.name)).toEqual(["VS Code"]);
    expect(body.data.operating_systems.map((o: any) => o.name)).toEqual(["Linux"]);
    expect(body.data.days).toEqual([{ date: "2026-10-05", total_seconds: sum(expected) }]);
    expect(body.data.daily_average).toBeCloseTo(sum(expected) / 31, 1);
    // No e-mail, ids, branches, entities or categories.
    const text = JSON.stringify(body);
    for (const secret of [u.id, "main", "app.ts", "coding", "@"]) expect(text).not.toContain(secret);
  });

  it("filters exactly, on shared dimensions only", async () => {
    const u = await aSharingUser({ publicProfile: true, projects: "public", editors: false });
    await send(u.key, aDay());
    expect((await stats(u.username, "2026-10", "?language=Go")).body.data.total_seconds).toBe(30 * 60);
    expect((await stats(u.username, "2026-10", "?project=kodo&language=Go")).body.data.total_seconds).toBe(0);
    const refused = await stats(u.username, "2026-10", "?editor=VS%20Code");
    expect(refused.res.status).toBe(403);
    expect(refused.body.error).toMatch(/does not share/);
  });

  it("aliases or hides project names as the user chose", async () => {
    const alias = await aSharingUser({ publicProfile: true, projects: "alias" });
    const hidden = await aSharingUser({ publicProfile: true, projects: "hidden", languages: false, operatingSystems: false });
    for (const u of [alias, hidden]) await send(u.key, aDay());
    const a = (await stats(alias.username)).body;
    expect(a.data.projects.map((p: any) => [p.name, p.total_seconds])).toEqual([
      ["Project 1", 30 * 60],
      ["Project 2", 20 * 60],
      ["Project 3", 10 * 60],
    ]);
    for (const name of ["kodo", "secret", "tiny"]) expect(JSON.stringify(a)).not.toContain(name);
    expect((await stats(alias.username, "2026-10", "?project=kodo")).res.status).toBe(403);

    const h = (await stats(hidden.username)).body;
    expect(Object.keys(h.data).sort()).toEqual(
      ["username", "display_name", "range", "total_seconds", "human_readable_total", "daily_average", "human_readable_daily_average", "editors", "days"].sort(),
    );
    expect(h.data.total_seconds).toBe(60 * 60);
  });

  it("answers the same 404 for unknown and private users", async () => {
    const noRow = await aSharingUser();
    const off = await aSharingUser({ publicProfile: false, projects: "public" });
    for (const u of [noRow, off]) await send(u.key, aDay());
    const answers = [];
    for (const username of [noRow.username, off.username, "nobody-has-this-name"]) {
      const { res, body } = await stats(username);
      expect(res.status).toBe(404);
      expect(res.headers.get("cache-control")).toBe("no-store");
      answers.push(JSON.stringify(body));
    }
    expect(new Set(answers)).toEqual(new Set([JSON.stringify({ error: "No public profile for this user" })]));
  });

  it("limits ranges to the shared history, and gives no per-day data when sharing totals only", async () => {
    const u = await aSharingUser({ publicProfile: true, historyDays: 3 });
    const now = Math.floor(Date.now() / 1000);
    const today = utcDay(now);
    const recent = startOfUtcDay(today) - 86_400 + 3600; // yesterday 01:00 UTC
    await send(u.key, [...minutes(recent, 11), ...minutes(now - 10 * 86_400, 21)]);
    const { body } = await stats(u.username, "last_30_days");
    expect(body.data.range.limited_by_history).toBe(true);
    expect(body.data.range.start).toBe(utcDay(now - 2 * 86_400));
    expect(body.data.range.end).toBe(today);
    expect(body.data.range.text).toBe("Last 3 Days");
    expect(body.data.total_seconds).toBe(10 * 60);
    expect(body.data.days).toEqual([{ date: utcDay(recent), total_seconds: 600 }]);
    const old = await stats(u.username, "2020");
    expect(old.res.status).toBe(403);
    expect(old.body.error).toBe("range: this user shares only the last 3 days");

    const totalsOnly = await aSharingUser({ publicProfile: true, historyDays: 0 });
    await send(totalsOnly.key, aDay());
    const t = (await stats(totalsOnly.username)).body;
    expect(t.data.total_seconds).toBe(60 * 60);
    expect(t.data.days).toBeUndefined();
  });

  it("refuses malformed requests with a JSON 400 and answers CORS preflights", async () => {
    const u = await aSharingUser({ publicProfile: true });
    expect((await stats(u.username, "forever")).res.status).toBe(400);
    expect((await stats(u.username, "2026-13")).res.status).toBe(400);
    const empty = await stats(u.username, "2026-10", "?project=");
    expect(empty.res.status).toBe(400);
    expect(empty.body.error).toMatch(/^project: /);
    expect((await stats("x".repeat(101))).res.status).toBe(400);
    const preflight = await call(`/api/public/users/${u.username}/stats/2026-10`, {
      method: "OPTIONS",
      headers: { origin: "https://me.example", "access-control-request-method": "GET" },
    });
    expect(preflight.status).toBe(204);
    expect(preflight.headers.get("access-control-allow-origin")).toBe("*");
    expect(preflight.headers.get("access-control-allow-methods")).toContain("GET");
  });
});
