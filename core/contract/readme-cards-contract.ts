/**
 * WakaTime's public per-user routes as readme cards call them (issue 15), on every platform:
 * github-readme-stats' exact URL, a private user's "not public" answer, sharing honoured.
 */
import { describe, expect, it } from "vitest";
import type { ContractTarget } from "./target.ts";
import { clientFor, wireBeat } from "./client.ts";
import { addUtcDays, dayStart, utcDay } from "./expected.ts";

export function defineReadmeCardsContract(getTarget: () => ContractTarget): void {
  describe("readme cards (WakaTime's public user routes)", () => {
    it("answers github-readme-stats' request: 'not public' while private, the shared languages once public", async () => {
      const target = getTarget();
      const u = clientFor(target, (await target.createUser()).key);
      const { username } = (await u.getJson<{ data: { username: string } }>("/api/v1/users/current")).data;
      const t = dayStart(addUtcDays(utcDay(Math.floor(Date.now() / 1000)), -1)) + 9 * 3600;
      const beats = [
        ...Array.from({ length: 41 }, (_, i) => wireBeat(t + i * 60, { project: "alpha", language: "TypeScript" })),
        ...Array.from({ length: 21 }, (_, i) => wireBeat(t + 7200 + i * 60, { project: "beta", language: "Go" })),
      ];
      expect((await u.post("/api/v1/users/current/heartbeats.bulk", beats)).status).toBe(201);
      const card = () => fetch(`${target.baseUrl}/api/v1/users/${encodeURIComponent(username)}/stats?is_including_today=true`);

      const hidden = await card();
      expect(hidden.status).toBe(200);
      expect((await hidden.json()).data).toEqual({
        range: "last_7_days",
        is_up_to_date: true,
        percent_calculated: 100,
        status: "ok",
        is_coding_activity_visible: false,
        is_other_usage_visible: false,
      });

      const shared = await u.call("/api/kodo/sharing", { method: "PATCH", body: JSON.stringify({ publicProfile: true, languages: true, projects: "hidden" }) });
      expect(shared.status).toBe(200);
      const res = await card();
      expect(res.status).toBe(200);
      const data = (await res.json()).data;
      expect(data).toMatchObject({ username, range: "last_7_days", total_seconds: 3600, is_coding_activity_visible: true, is_other_usage_visible: true });
      expect(data.languages.map((l: { name: string; total_seconds: number; hours: number; minutes: number }) => [l.name, l.total_seconds, l.hours, l.minutes])).toEqual([
        ["TypeScript", 2400, 0, 40],
        ["Go", 1200, 0, 20],
      ]);
      expect(data.projects).toBeUndefined();
      expect(JSON.stringify(data)).not.toMatch(/alpha|beta/);
      const user = await fetch(`${target.baseUrl}/api/compat/wakatime/v1/users/@${encodeURIComponent(username)}`);
      expect(user.status).toBe(200);
      expect((await user.json()).data).toMatchObject({ username, email: null });
    });
  });
}
