/**
 * Contract for the heartbeat log's edges (issue 13): a day's heartbeats paged, the floor on old
 * timestamps, and deleting heartbeats by project, by range and by id. Part of defineApiContract
 * (api-contract.ts), so both platforms are held to it. Expected totals come from expected.ts.
 */
import { describe, expect, it } from "vitest";
import { clientFor, wireBeat } from "./client.ts";
import { addUtcDays, dayStart, expectedByKey, expectedOnDay, total, utcDay, type TimedKey } from "./expected.ts";
import type { ContractTarget } from "./target.ts";

type Client = Awaited<ReturnType<typeof clientFor>>;

export function defineHeartbeatContract(newUser: () => Promise<Client>, daysAgo: (n: number) => string): void {
  const post = async (u: Client, beats: { time: number; project: string }[]) => {
    const res = await u.post("/api/v1/users/current/heartbeats.bulk", beats.map((b) => wireBeat(b.time, { project: b.project, entity: `/src/${b.project}/${b.time}.ts` })));
    expect(res.json.responses.map((r: [unknown, number]) => r[1])).toEqual(beats.map(() => 201));
  };
  /** Deletes until the server says done; returns the heartbeats deleted. */
  const deleteAll = async (u: Client, body: Record<string, unknown>) => {
    let deleted = 0;
    for (let calls = 0; calls < 50; calls++) {
      const res = await u.post("/api/kodo/account/heartbeats/delete", body);
      expect(res.status, res.text).toBe(200);
      deleted += res.json.deleted;
      if (res.json.done) return deleted;
    }
    throw new Error("deletion never finished");
  };
  const projectTotals = async (u: Client, start: string, end: string) => {
    const summaries = await u.getJson(`/api/v1/users/current/summaries?start=${start}&end=${end}`);
    const out: Record<string, number> = {};
    for (const d of summaries.data) for (const p of d.projects) out[p.name] = (out[p.name] ?? 0) + p.total_seconds;
    return { byProject: out, total: summaries.cumulative_total.seconds as number };
  };

  describe("a day's heartbeats, paged", () => {
    it("reads every heartbeat of a day exactly once, in order, page by page", async () => {
      const u = await newUser();
      const day = daysAgo(2);
      const beats = Array.from({ length: 120 }, (_, i) => ({ time: dayStart(day) + 3600 + i * 7, project: "paged" }));
      await post(u, beats);
      const seen: number[] = [];
      const sizes: number[] = [];
      let query = `date=${day}&per_page=50`;
      for (let page = 1; ; page++) {
        const body = await u.getJson(`/api/v1/users/current/heartbeats?${query}`);
        expect(body).toMatchObject({ start: day, end: day, timezone: "UTC", page, total: 120, total_pages: 3, prev_page: page > 1 ? page - 1 : null });
        sizes.push(body.data.length);
        seen.push(...body.data.map((h: { time: number }) => h.time));
        if (!body.next_cursor) break;
        expect(body.next_page).toBe(page + 1);
        query = `date=${day}&per_page=50&page=${body.next_page}&cursor=${encodeURIComponent(body.next_cursor)}`;
      }
      expect(sizes).toEqual([50, 50, 20]);
      expect(seen).toEqual(beats.map((b) => b.time));
      // Without per_page the whole day fits one default page; page 2 needs its cursor.
      expect((await u.getJson(`/api/v1/users/current/heartbeats?date=${day}`)).data.length).toBe(120);
      const noCursor = await u.call(`/api/v1/users/current/heartbeats?date=${day}&page=2`);
      expect(noCursor.status).toBe(400);
      expect((await noCursor.json()).error).toMatch(/^page: /);
      const badCursor = await u.call(`/api/v1/users/current/heartbeats?date=${day}&cursor=%7B%7D`);
      expect(badCursor.status).toBe(400);
    });
  });

  describe("old timestamps", () => {
    it("refuses heartbeats before 2000 per item, and all-time views still answer", async () => {
      const u = await newUser();
      const t = dayStart(daysAgo(1)) + 3600;
      const res = await u.post("/api/v1/users/current/heartbeats.bulk", [wireBeat(1), wireBeat(946_684_799), wireBeat(t), wireBeat(t + 60)]);
      expect(res.json.responses.map((r: [unknown, number]) => r[1])).toEqual([400, 400, 201, 201]);
      expect(res.json.responses[0][0].error).toMatch(/^time: before 2000-01-01T00:00:00Z/);
      expect((await u.post("/api/v1/users/current/heartbeats", wireBeat(100))).status).toBe(400);
      expect((await u.getJson("/api/v1/users/current/stats/all_time")).data.total_seconds).toBe(60);
      expect((await u.getJson("/api/v1/users/current/all_time_since_today")).data.total_seconds).toBe(60);
    });
  });

  describe("deleting heartbeats", () => {
    const twoDays = (d1: string, d2: string) => {
      const beats: { time: number; project: string }[] = [];
      for (const day of [d1, d2]) {
        const s = dayStart(day) + 9 * 3600;
        for (let i = 0; i < 6; i++) beats.push({ time: s + i * 120, project: "keep" });
        for (let i = 0; i < 6; i++) beats.push({ time: s + 11 * 60 + 3600 + i * 180, project: "gone" });
        beats.push({ time: s + 2 * 3600, project: "keep" }, { time: s + 2 * 3600 + 300, project: "gone" });
      }
      return beats;
    };
    const keyed = (beats: { time: number; project: string }[]): TimedKey[] => beats.map((b) => ({ time: b.time, key: b.project }));

    it("deletes a project: summaries, stats and the projects list no longer show it, totals are recomputed without it; others untouched", async () => {
      const u = await newUser();
      const other = await newUser();
      const d1 = daysAgo(3);
      const d2 = daysAgo(2);
      const beats = twoDays(d1, d2);
      await post(u, beats);
      await post(other, beats);
      const before = await projectTotals(u, d1, d2);
      expect(Object.keys(before.byProject).sort()).toEqual(["gone", "keep"]);

      expect(await deleteAll(u, { project: "gone" })).toBe(beats.filter((b) => b.project === "gone").length);
      const kept = beats.filter((b) => b.project !== "gone");
      const after = await projectTotals(u, d1, d2);
      expect(after.byProject).toEqual({ keep: total(expectedByKey(keyed(kept))) });
      expect(after.total).toBe(total(expectedByKey(keyed(kept))));
      const stats = await u.getJson("/api/v1/users/current/stats/last_7_days");
      expect(stats.data.projects.map((p: { name: string }) => p.name)).toEqual(["keep"]);
      expect(stats.data.total_seconds).toBe(after.total);
      const projects = await u.getJson("/api/v1/users/current/projects");
      expect(projects.data.map((p: { name: string }) => p.name)).toEqual(["keep"]);
      const listed = await u.getJson(`/api/v1/users/current/heartbeats?date=${d1}`);
      expect(listed.data.every((h: { project: string }) => h.project === "keep")).toBe(true);
      // Deleting again finds nothing.
      expect(await deleteAll(u, { project: "gone" })).toBe(0);

      // The other user's data is untouched.
      expect(await projectTotals(other, d1, d2)).toEqual(before);
      const otherProjects = await other.getJson("/api/v1/users/current/projects");
      expect(otherProjects.data.map((p: { name: string }) => p.name).sort()).toEqual(["gone", "keep"]);
    });

    it("deletes a range of days, and a project within a range", async () => {
      const u = await newUser();
      const d1 = daysAgo(4);
      const d2 = daysAgo(3);
      const beats = twoDays(d1, d2);
      await post(u, beats);
      expect(await deleteAll(u, { start: d1, end: d1 })).toBe(beats.filter((b) => utcDay(b.time) === d1).length);
      expect((await u.getJson(`/api/v1/users/current/heartbeats?date=${d1}`)).data).toEqual([]);
      const summaries = await u.getJson(`/api/v1/users/current/summaries?start=${d1}&end=${d2}`);
      expect(summaries.data.map((d: { grand_total: { total_seconds: number } }) => d.grand_total.total_seconds)).toEqual([0, total(expectedOnDay(keyed(beats), d2))]);

      expect(await deleteAll(u, { start: d2, end: d2, project: "keep" })).toBe(beats.filter((b) => utcDay(b.time) === d2 && b.project === "keep").length);
      const left = beats.filter((b) => utcDay(b.time) === d2 && b.project === "gone");
      const after = await projectTotals(u, d1, d2);
      expect(after.byProject).toEqual({ gone: total(expectedByKey(keyed(left))) });
      const projects = await u.getJson("/api/v1/users/current/projects");
      expect(projects.data.map((p: { name: string }) => p.name)).toEqual(["gone"]);
      expect(projects.data[0].first_heartbeat_at).toBe(new Date(left[0]!.time * 1000).toISOString());
    });

    it("deletes heartbeats by id (WakaTime's DELETE heartbeats.bulk)", async () => {
      const u = await newUser();
      const day = daysAgo(2);
      const s = dayStart(day) + 8 * 3600;
      const beats = Array.from({ length: 5 }, (_, i) => ({ time: s + i * 60, project: "ids" }));
      await post(u, beats);
      const listed = await u.getJson(`/api/v1/users/current/heartbeats?date=${day}`);
      const ids = listed.data.map((h: { id: string }) => h.id);
      const res = await u.call("/api/v1/users/current/heartbeats.bulk", { method: "DELETE", body: JSON.stringify({ date: day, ids: [ids[3], ids[4], "no-such-id"] }) });
      expect(res.status).toBe(200);
      expect(await res.json()).toEqual({ data: { deleted: 2 } });
      const after = await u.getJson(`/api/v1/users/current/heartbeats?date=${day}`);
      expect(after.data.map((h: { id: string }) => h.id)).toEqual(ids.slice(0, 3));
      expect((await projectTotals(u, day, day)).total).toBe(120);
    });

    it("refuses unclear deletions with a 400 naming the problem, deleting nothing", async () => {
      const u = await newUser();
      const day = daysAgo(2);
      await post(u, [{ time: dayStart(day) + 3600, project: "p" }, { time: dayStart(day) + 3660, project: "p" }]);
      const cases: [unknown, RegExp][] = [
        [{}, /^Give start and end/],
        [{ start: day }, /^end: /],
        [{ start: "2026-02-30", end: day }, /^start: /],
        [{ start: day, end: addUtcDays(day, -1) }, /^start: not after end/],
        [{ project: "" }, /^project: /],
        [{ project: 5 }, /^project: /],
        [{ projects: "p" }, /^projects: unknown field/],
        [[1], /JSON object/],
      ];
      for (const [body, error] of cases) {
        const res = await u.post("/api/kodo/account/heartbeats/delete", body);
        expect(res.status, JSON.stringify(body)).toBe(400);
        expect(res.json.error).toMatch(error);
      }
      for (const body of [{}, { date: day }, { date: day, ids: [] }, { date: "x", ids: ["a"] }, { date: day, ids: [5] }]) {
        const res = await u.call("/api/v1/users/current/heartbeats.bulk", { method: "DELETE", body: JSON.stringify(body) });
        expect(res.status, JSON.stringify(body)).toBe(400);
      }
      expect((await u.getJson(`/api/v1/users/current/heartbeats?date=${day}`)).data.length).toBe(2);
    });
  });
}

export type { ContractTarget };
