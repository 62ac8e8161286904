/**
 * The rest of WakaTime's user-scoped v1 API (issue 15): goals with chart data, private
 * leaderboards, insights, data dumps and external durations, over plain HTTP on every platform, through both
 * prefixes. Expected figures come from the heartbeat times sent here (expected.ts).
 */
import { describe, expect, it } from "vitest";
import type { ContractTarget } from "./target.ts";
import { newNamedUser } from "./client.ts";
import { addUtcDays, dayStart, expectedByKey, expectedOnDay, total, utcDay } from "./expected.ts";
import { eventuallyOnFriendsBoard, run } from "./social-api-contract.ts";

const PREFIXES = ["/api/v1", "/api/compat/wakatime/v1"] as const;

const WEEKDAYS = ["Monday", "Tuesday", "Wednesday", "Thursday", "Friday", "Saturday", "Sunday"];
const weekdayOf = (day: string) => WEEKDAYS[(new Date(`${day}T00:00:00Z`).getUTCDay() + 6) % 7]!;

export function defineWakaTimeV1Contract(getTarget: () => ContractTarget): void {
  const newUser = () => newNamedUser(getTarget());
  const seed = async (u: { post: (p: string, b: unknown) => Promise<{ status: number }> }, beats: unknown[]) => {
    expect((await u.post("/api/v1/users/current/heartbeats.bulk", beats)).status).toBe(201);
  };
  const today = () => utcDay(Math.floor(Date.now() / 1000));

  describe("WakaTime v1: goals, insights, private leaderboards, data dumps", () => {
    it("goals: Kodo's goals with WakaTime's chart data, per day, from the heartbeat times", async () => {
      const u = await newUser();
      const d1 = addUtcDays(today(), -1);
      const d3 = addUtcDays(today(), -3);
      // 40 min of kodo/TypeScript the day before yesterday-but-one, 15 min yesterday, 10 min of Go yesterday.
      const beats = [...run(dayStart(d3) + 9 * 3600, 41), ...run(dayStart(d1) + 9 * 3600, 16), ...run(dayStart(d1) + 12 * 3600, 11, { language: "Go", project: "other" })];
      await seed(u, beats);
      const all = await u.post("/api/kodo/goals", { period: "day", seconds: 1800 });
      expect(all.status).toBe(201);
      const go = await u.post("/api/kodo/goals", { period: "day", seconds: 600, language: "Go" });
      expect(go.status).toBe(201);

      for (const prefix of PREFIXES) {
        const list = await u.getJson(`${prefix}/users/current/goals`);
        expect(list.total).toBe(2);
        expect(list.total_pages).toBe(1);
        const goal = list.data.find((g: { id: string }) => g.id === all.json.id);
        expect(goal).toMatchObject({ delta: "day", seconds: 1800, type: "coding", languages: [], projects: [], is_enabled: true });
        expect(goal.chart_data).toHaveLength(7);
        const byDate = new Map(goal.chart_data.map((p: { range: { date: string } }) => [p.range.date, p]));
        expect(goal.chart_data.at(-1).range.date).toBe(today());
        for (let i = 0; i < 7; i++) {
          const day = addUtcDays(today(), -i);
          const expected = total(expectedOnDay(beats.map((b) => ({ time: b.time, key: String(b.project) })), day));
          const point: any = byDate.get(day);
          expect(point.actual_seconds, day).toBe(expected);
          expect(point.goal_seconds).toBe(1800);
          expect(point.range_status, day).toBe(expected >= 1800 ? "success" : i === 0 ? "pending" : "fail");
          expect(point.range_status_reason).toMatch(/Coded/);
        }
        expect(goal.status).toBe("pending");
        const goGoal = list.data.find((g: { id: string }) => g.id === go.json.id);
        expect(goGoal.languages).toEqual(["Go"]);
        const goYesterday = total(expectedOnDay(beats.filter((b) => b.language === "Go").map((b) => ({ time: b.time, key: "Go" })), d1));
        expect(goGoal.chart_data.find((p: any) => p.range.date === d1)).toMatchObject({ actual_seconds: goYesterday, range_status: "success" });

        const one = await u.getJson(`${prefix}/users/current/goals/${all.json.id}`);
        expect(one.data).toEqual(goal);
        expect((await u.call(`${prefix}/users/current/goals/no-such-goal`)).status).toBe(404);
      }
      // Another user's goal is not found; without a key, 401.
      const other = await newUser();
      expect((await other.call(`/api/v1/users/current/goals/${all.json.id}`)).status).toBe(404);
      expect((await u.call("/api/v1/users/current/goals", { auth: "none" })).status).toBe(401);
      expect((await other.getJson("/api/v1/users/current/goals")).data).toEqual([]);
    });

    it("insights: weekdays, days, best day, daily average and per-dimension time agree with the heartbeat times", async () => {
      const u = await newUser();
      const d1 = addUtcDays(today(), -1);
      const d2 = addUtcDays(today(), -2);
      const beats = [
        ...run(dayStart(d2) + 8 * 3600, 31, { project: "alpha" }),
        ...run(dayStart(d2) + 10 * 3600, 21, { project: "beta", language: "Go", category: "debugging" }),
        ...run(dayStart(d1) + 8 * 3600, 16, { project: "alpha" }),
      ];
      await seed(u, beats);
      const keyed = (k: (b: (typeof beats)[number]) => string) => beats.map((b) => ({ time: b.time, key: k(b) }));
      const onDay = (day: string) => total(expectedOnDay(keyed((b) => String(b.project)), day));
      const insight = (type: string, range = "last_7_days", prefix = "/api/v1") => u.getJson(`${prefix}/users/current/insights/${type}/${range}`);

      for (const prefix of PREFIXES) {
        const days = (await insight("days", "last_7_days", prefix)).data;
        expect(days.range).toBe("last_7_days");
        expect(days.days).toHaveLength(7);
        for (const d of days.days) expect(d.total, d.date).toBe(onDay(d.date));
        const d2Entry = days.days.find((d: { date: string }) => d.date === d2);
        expect(new Map(d2Entry.categories.map((c: { name: string; total: number }) => [c.name, c.total]))).toEqual(expectedOnDay(keyed((b) => String(b.category)), d2));
      }

      const weekdays = (await insight("weekdays")).data.weekdays;
      expect(weekdays.map((w: { name: string }) => w.name)).toEqual(WEEKDAYS);
      for (const w of weekdays) {
        const expected = [0, 1, 2, 3, 4, 5, 6].map((i) => addUtcDays(today(), -i)).filter((d) => weekdayOf(d) === w.name).reduce((a, d) => a + onDay(d), 0);
        expect(w.total, w.name).toBe(expected);
        expect(w.count).toBe(1);
        expect(w.average).toBe(expected);
      }

      const best = (await insight("best_day")).data.best_day;
      expect(best).toMatchObject({ date: d2, total_seconds: onDay(d2) });
      const avg = (await insight("daily_average")).data;
      const sum = onDay(d1) + onDay(d2);
      expect(avg.current_user.total.seconds).toBe(sum);
      expect(avg.current_user.daily_average.seconds).toBe(sum / 2);
      expect(avg.days_minus_holidays).toBe(2);

      const expectList = async (type: string, key: (b: (typeof beats)[number]) => string) => {
        const got = (await insight(type)).data[type] as { name: string; total_seconds: number }[];
        expect(new Map(got.map((i) => [i.name, i.total_seconds])), type).toEqual(expectedByKey(keyed(key)));
      };
      await expectList("projects", (b) => String(b.project));
      await expectList("languages", (b) => String(b.language));
      await expectList("categories", (b) => String(b.category));
      await expectList("editors", () => "VS Code");
      await expectList("operating_systems", () => "Linux");

      // Years and months are ranges too; what Kodo cannot answer says why.
      expect((await insight("days", d1.slice(0, 7))).data.days.find((d: { date: string }) => d.date === d1).total).toBe(onDay(d1));
      const ai = await u.call("/api/v1/users/current/insights/ai_days/last_7_days");
      expect(ai.status).toBe(422);
      expect((await ai.json()).error).toMatch(/ai_days/);
      const unknown = await u.call("/api/v1/users/current/insights/nonsense/last_7_days");
      expect(unknown.status).toBe(400);
      expect((await unknown.json()).error).toMatch(/weekdays/);
      expect((await u.call("/api/v1/users/current/insights/days/last_century")).status).toBe(400);
      expect((await u.call("/api/v1/users/current/insights/days/last_7_days", { auth: "none" })).status).toBe(401);
    });

    it("private leaderboards: the friends board and team boards, paged as WakaTime", async () => {
      const [a, b] = [await newUser(), await newUser()];
      const t = dayStart(addUtcDays(today(), -1)) + 10 * 3600;
      await seed(a, run(t, 61, { project: "shared" })); // 60 min
      await seed(b, [...run(t, 31, { project: "shared", language: "Go" }), ...run(t + 7200, 11, { project: "secret" })]); // 30 min shared Go, 10 min secret
      expect((await a.post("/api/kodo/friends", { username: b.username })).status).toBe(202);
      expect((await b.post(`/api/kodo/friends/${encodeURIComponent(a.username)}/accept`, {})).status).toBe(200);
      const team = await a.post("/api/kodo/teams", { name: "Board team" });
      expect(team.status).toBe(201);
      const link = await a.post(`/api/kodo/teams/${team.json.id}/invites`, {});
      expect((await b.post("/api/kodo/teams/join", { token: link.json.token })).status).toBe(200);
      for (const u of [a, b]) {
        const put = await u.call(`/api/kodo/teams/${team.json.id}/projects`, { method: "PUT", body: JSON.stringify({ projects: ["shared"] }) });
        expect(put.status).toBe(200);
      }

      for (const prefix of PREFIXES) {
        const boards = await b.getJson(`${prefix}/users/current/leaderboards`);
        expect(boards.data.map((x: any) => [x.id, x.name, x.members_count, x.can_delete])).toEqual([
          ["friends", "Friends", 2, false],
          [team.json.id, "Board team", 2, false],
        ]);
        expect(boards).toMatchObject({ total: 2, total_pages: 1 });
      }
      expect((await a.getJson("/api/v1/users/current/leaderboards")).data[1]).toMatchObject({ can_edit: true, can_delete: true });

      const friends = await eventuallyOnFriendsBoard(b, async () => {
        const board = await b.getJson("/api/v1/users/current/leaderboards/friends");
        expect(board.data.map((e: any) => [e.rank, e.user.username, e.running_total.total_seconds])).toEqual([
          [1, a.username, 3600],
          [2, b.username, 2400],
        ]);
        return board;
      });
      expect(friends).toMatchObject({ page: 1, total_pages: 1, current_user: { rank: 2, page: 1, running_total: { total_seconds: 2400 }, user: { username: b.username } } });
      expect(friends.data[0].running_total.daily_average).toBe(Math.round((3600 / 7) * 100) / 100);
      const go = await b.getJson("/api/compat/wakatime/v1/users/current/leaderboards/friends?language=Go");
      expect(go.data.map((e: any) => [e.user.username, e.running_total.total_seconds])).toEqual([[b.username, 1800]]);
      expect(go.current_user.rank).toBe(1);
      // A page past the end is empty, as WakaTime's.
      const page2 = await b.getJson("/api/v1/users/current/leaderboards/friends?page=2");
      expect(page2).toMatchObject({ data: [], page: 2, total_pages: 1, current_user: { rank: 2, page: 1 } });

      const teamBoard = await b.getJson(`/api/v1/users/current/leaderboards/${team.json.id}`);
      expect(teamBoard.data.map((e: any) => [e.rank, e.user.username, e.running_total.total_seconds])).toEqual([
        [1, a.username, 3600],
        [2, b.username, 1800],
      ]);
      expect((await b.call(`/api/v1/users/current/leaderboards/${team.json.id}?language=Go`)).status).toBe(400);

      const stranger = await newUser();
      expect((await stranger.call(`/api/v1/users/current/leaderboards/${team.json.id}`)).status).toBe(404);
      expect((await stranger.call("/api/v1/users/current/leaderboards/no-such-board")).status).toBe(404);
      expect((await stranger.call("/api/v1/users/current/leaderboards/friends?page=0")).status).toBe(400);
      const alone = await stranger.getJson("/api/v1/users/current/leaderboards/friends");
      expect(alone).toMatchObject({ data: [], total_pages: 1, current_user: { rank: null, page: null } });

      // The public board pages the same way.
      const leaders = await stranger.getJson("/api/v1/leaders?page=100000");
      expect(leaders).toMatchObject({ data: [], page: 100000 });
      expect(leaders.total_pages).toBeGreaterThanOrEqual(1);
    });

    it("data dumps: requested, listed as ready, downloaded with the same key as Kodo's complete export", async () => {
      const u = await newUser();
      const beats = run(dayStart(addUtcDays(today(), -1)) + 9 * 3600, 5);
      await seed(u, beats);
      for (const prefix of PREFIXES) {
        const made = await u.post(`${prefix}/users/current/data_dumps`, { type: "heartbeats", email_when_finished: false });
        expect(made.status).toBe(201);
        expect(made.json.data).toMatchObject({ type: "heartbeats", status: "Completed", percent_complete: 100, is_processing: false, has_failed: false });
        const list = await u.getJson(`${prefix}/users/current/data_dumps`);
        expect(list.data.map((d: { type: string }) => d.type).sort()).toEqual(["daily", "heartbeats"]);
        expect(list.data.find((d: { type: string }) => d.type === "heartbeats").download_url).toBe(made.json.data.download_url);
      }
      const list = await u.getJson("/api/v1/users/current/data_dumps");
      const url = new URL(list.data[0].download_url);
      expect(url.pathname).toBe("/api/kodo/account/export");
      const anonymous = await fetch(`${getTarget().baseUrl}${url.pathname}`);
      expect(anonymous.status).toBe(401);
      await anonymous.body?.cancel();
      const file = await u.call(url.pathname);
      expect(file.status).toBe(200);
      const doc = await file.json();
      expect(doc.heartbeats.map((h: { time: number }) => h.time).sort()).toEqual(beats.map((b) => b.time));
      expect(doc.user.username).toBe(u.username);

      const bad = await u.post("/api/v1/users/current/data_dumps", { type: "everything" });
      expect(bad.status).toBe(400);
      expect(bad.json.error).toMatch(/type/);
      expect((await u.post("/api/v1/users/current/data_dumps", "[not json")).status).toBe(400);
      expect((await u.call("/api/v1/users/current/data_dumps", { auth: "none" })).status).toBe(401);
    });

    it("external durations: stored per user, replaced by (provider, external_id), counted in summaries, stats and insights, deleted, exported", async () => {
      const u = await newUser();
      const d1 = addUtcDays(today(), -1);
      const d2 = addUtcDays(today(), -2);
      const beats = run(dayStart(d1) + 9 * 3600, 31); // 30 min of kodo
      await seed(u, beats);
      const coded = total(expectedOnDay(beats.map((b) => ({ time: b.time, key: "kodo" })), d1));
      const at = (day: string, h: number, m = 0) => dayStart(day) + h * 3600 + m * 60;
      const meeting = (id: string, start: number, end: number, over: Record<string, unknown> = {}) => ({
        external_id: id, provider: "calendar", entity: "Standup", type: "event", category: "meeting", start_time: start, end_time: end, project: "kodo", ...over,
      });

      const made = await u.post("/api/v1/users/current/external_durations", meeting("m1", at(d1, 11), at(d1, 11, 45)));
      expect(made.status).toBe(201);
      expect(made.json.data).toMatchObject({ external_id: "m1", provider: "calendar", start_time: at(d1, 11), end_time: at(d1, 11, 45), category: "meeting" });
      // The same (provider, external_id) again replaces it: the meeting moved to end at noon.
      const moved = await u.post("/api/compat/wakatime/v1/users/current/external_durations", meeting("m1", at(d1, 11), at(d1, 12)));
      expect(moved.status).toBe(200);
      expect(moved.json.data.id).toBe(made.json.data.id);
      // Bulk: a new one, one crossing midnight (no project), an invalid one.
      const bulk = await u.post("/api/v1/users/current/external_durations.bulk", [
        meeting("m2", at(d1, 14), at(d1, 14, 30), { project: "ops" }),
        meeting("m3", at(d2, 23, 30), at(d1, 0, 30), { project: null }),
        meeting("bad", at(d1, 15), at(d1, 14)),
      ]);
      expect(bulk.status).toBe(201);
      expect(bulk.json.responses.map((r: [unknown, number]) => r[1])).toEqual([201, 201, 400]);
      expect(bulk.json.responses[2][0].error).toMatch(/end_time/);

      const listed = await u.getJson(`/api/v1/users/current/external_durations?date=${d1}`);
      expect(listed.data.map((d: { external_id: string }) => d.external_id)).toEqual(["m3", "m1", "m2"]);
      expect(listed.timezone).toBe("UTC");
      expect((await u.getJson(`/api/v1/users/current/external_durations?date=${d1}&project=ops`)).data).toHaveLength(1);

      // Counted like WakaTime: m1 60 min, m2 30 min, m3's 30 minutes after midnight on d1 and 30 before on d2.
      const day = (await u.getJson(`/api/v1/users/current/summaries?start=${d1}&end=${d1}`)).data[0];
      expect(day.grand_total.total_seconds).toBe(coded + 3600 + 1800 + 1800);
      const byName = (items: { name: string; total_seconds: number }[]) => new Map(items.map((i) => [i.name, i.total_seconds]));
      expect(byName(day.categories)).toEqual(new Map([["meeting", 7200], ["coding", coded]]));
      expect(byName(day.projects)).toEqual(new Map([["kodo", coded + 3600], ["ops", 1800], ["Unknown Project", 1800]]));
      expect(byName(day.editors).get("calendar")).toBe(7200);
      const stats = (await u.getJson("/api/v1/users/current/stats/last_7_days")).data;
      expect(stats.total_seconds).toBe(coded + 3600 + 1800 + 3600);
      const days = (await u.getJson("/api/v1/users/current/insights/days/last_7_days")).data.days;
      expect(days.find((d: { date: string }) => d.date === d2).total).toBe(1800);

      // Nobody else sees or deletes them; deleting drops the time at once.
      const other = await newUser();
      expect((await other.getJson(`/api/v1/users/current/external_durations?date=${d1}`)).data).toEqual([]);
      const m2 = listed.data.find((d: { external_id: string }) => d.external_id === "m2");
      expect((await other.call(`/api/v1/users/current/external_durations/${m2.id}`, { method: "DELETE" })).status).toBe(404);
      expect((await u.call(`/api/v1/users/current/external_durations/${m2.id}`, { method: "DELETE" })).status).toBe(204);
      expect((await u.call(`/api/v1/users/current/external_durations/${m2.id}`, { method: "DELETE" })).status).toBe(404);
      expect((await u.getJson(`/api/v1/users/current/summaries?start=${d1}&end=${d1}`)).data[0].grand_total.total_seconds).toBe(coded + 3600 + 1800);

      // The export carries them as sent.
      const doc = await (await u.call("/api/kodo/account/export")).json();
      expect(doc.external_durations.map((d: { external_id: string }) => d.external_id)).toEqual(["m3", "m1"]);

      // Bad input: a clear 400, nothing stored.
      const now = Math.floor(Date.now() / 1000);
      for (const [body, field] of [
        [{ ...meeting("x", at(d1, 8), at(d1, 9)), external_id: undefined }, "external_id"],
        [meeting("x", now, now + 7200), "end_time"],
        [meeting("x", at(d2, 1), at(d1, 2)), "end_time"],
        [{ ...meeting("x", at(d1, 8), at(d1, 9)), color: "red" }, "color"],
        [meeting("x", at(d1, 8), at(d1, 9), { category: "napping" }), "category"],
      ] as const) {
        const res = await u.post("/api/v1/users/current/external_durations", body);
        expect(res.status, field).toBe(400);
        expect(res.json.error).toContain(field);
      }
      const tooMany = await u.post("/api/v1/users/current/external_durations.bulk", Array.from({ length: 101 }, (_, i) => meeting(`n${i}`, at(d1, 8), at(d1, 9))));
      expect(tooMany.status).toBe(400);
      expect((await u.getJson(`/api/v1/users/current/external_durations?date=${d1}`)).data).toHaveLength(2);
      expect((await u.call(`/api/v1/users/current/external_durations?date=nope`)).status).toBe(400);
      expect((await u.call(`/api/v1/users/current/external_durations?date=${d1}`, { auth: "none" })).status).toBe(401);
    });
  });
}
