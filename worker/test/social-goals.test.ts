/** Goals through the API: progress and streaks from seeded heartbeats (totals computed here), bad input. */
import { beforeEach, describe, expect, it } from "vitest";
import { call, freshStorage, getJson } from "./helpers.ts";
import { aSocialUser, block, localTime, seed } from "./social-fixtures.ts";

beforeEach(freshStorage);
const now = Date.now() / 1000;
const post = (key: string, body: unknown) => call("/api/kodo/goals", { method: "POST", key, body: JSON.stringify(body) });

describe("goals", () => {
  it("show today's progress and the streak, per project and language", async () => {
    const u = await aSocialUser("Asia/Tokyo");
    // 1 h of kodo (13 beats 5 min apart) on each of the 3 days before today, 30 min of Python in "site" on day 2.
    const beats = [1, 2, 3].flatMap((d) => block(localTime(now, u.zone, d, 9), 13, 300));
    beats.push(...block(localTime(now, u.zone, 2, 15), 7, 300, { project: "site", language: "Python" }));
    // Today: 10 minutes of kodo, if the local morning has passed (times may not be in the future).
    const todayBeat = localTime(now, u.zone, 0, 0) + 60;
    if (todayBeat + 600 < now) beats.push(...block(todayBeat, 3, 300));
    await seed(u, beats);
    const todaySeconds = todayBeat + 600 < now ? 600 : 0;

    const created = await post(u.key, { period: "day", seconds: 3600, project: "kodo" });
    expect(created.status).toBe(201);
    const goal = (await created.json()) as any;
    expect(goal).toMatchObject({ period: "day", seconds: 3600, project: "kodo", language: null, progress: { seconds: todaySeconds, met: false }, streak: 3 });
    await post(u.key, { period: "day", seconds: 1800, language: "Python" });
    await post(u.key, { period: "week", seconds: 60 });
    const list = await getJson("/api/kodo/goals", u.key);
    expect(list.map((g: any) => [g.period, g.project, g.language, g.streak])).toEqual([
      ["day", "kodo", null, 3],
      ["day", null, "Python", 0],
      ["week", null, null, expect.any(Number)],
    ]);
    const week = list[2];
    expect(week.progress.met).toBe(week.progress.seconds >= 60);

    // The status bar carries the same progress as an extra field.
    const bar = await getJson("/api/v1/users/current/statusbar/today", u.key);
    expect(bar.data.goals).toEqual(list);

    expect((await call(`/api/kodo/goals/${goal.id}`, { method: "DELETE", key: u.key })).status).toBe(204);
    expect((await getJson("/api/kodo/goals", u.key)).length).toBe(2);
  });

  it("refuse bad input, other users' ids and more than 20 goals", async () => {
    const [u, other] = [await aSocialUser(), await aSocialUser()];
    for (const body of [{}, { period: "day" }, { period: "day", seconds: 59 }, { period: "year", seconds: 3600 }, { period: "day", seconds: 3600, project: 5 }, { period: "day", seconds: 3600, x: 1 }, []]) {
      const res = await post(u.key, body);
      expect(res.status, JSON.stringify(body)).toBe(400);
      expect(((await res.json()) as any).error).toBeTruthy();
    }
    expect(await getJson("/api/kodo/goals", u.key)).toEqual([]);
    const mine = (await (await post(u.key, { period: "day", seconds: 3600 })).json()) as any;
    expect((await call(`/api/kodo/goals/${mine.id}`, { method: "DELETE", key: other.key })).status).toBe(404);
    expect(await getJson("/api/kodo/goals", other.key)).toEqual([]);
    for (let i = 1; i < 20; i++) expect((await post(u.key, { period: "week", seconds: 60 * (i + 1) })).status).toBe(201);
    expect((await post(u.key, { period: "week", seconds: 60 })).status).toBe(409);
    expect((await call("/api/kodo/goals")).status).toBe(401);
  });
});
