import { describe, expect, it } from "vitest";
import { pageOf, rankLeaderboard, zoneRanges } from "./leaderboard.ts";
import { parseSharingChange } from "./sharing.ts";
import type { LeaderboardRow } from "./ports.ts";

// 2026-11-23 (a Monday) 12:00 UTC.
const NOW = Date.UTC(2026, 10, 23, 12) / 1000;

const row = (username: string, cappedSeconds: number, timeZone = "UTC"): LeaderboardRow => ({
  user: { id: `id-${username}`, username, displayName: null },
  cappedSeconds,
  flagged: false,
  sharesLanguages: true,
  timeZone,
});

describe("zoneRanges", () => {
  it("resolves the range in each zone and groups zones with the same days", () => {
    const ranges = zoneRanges(["UTC", "Europe/Berlin", "Pacific/Kiritimati", "Pacific/Pago_Pago"], "last_7_days", NOW);
    // At 12:00 UTC it is already the 24th in Kiritimati (UTC+14); Pago Pago (UTC-11) is at 01:00 on the 23rd.
    expect(ranges).toEqual([
      { timeZones: ["UTC", "Europe/Berlin", "Pacific/Pago_Pago"], start: "2026-11-17", end: "2026-11-23" },
      { timeZones: ["Pacific/Kiritimati"], start: "2026-11-18", end: "2026-11-24" },
    ]);
    expect(zoneRanges(["UTC", "Pacific/Kiritimati"], "this_week", NOW)).toEqual([
      { timeZones: ["UTC"], start: "2026-11-23", end: "2026-11-23" },
      { timeZones: ["Pacific/Kiritimati"], start: "2026-11-23", end: "2026-11-24" },
    ]);
  });
});

describe("rankLeaderboard", () => {
  it("ranks by time, ties by username, drops users without time, averages over their zone's days", () => {
    const ranges = zoneRanges(["UTC", "Pacific/Kiritimati"], "this_week", NOW);
    const ranked = rankLeaderboard([row("carol", 100), row("bob", 300, "Pacific/Kiritimati"), row("alice", 100), row("dan", 0)], ranges);
    expect(ranked.map((e) => [e.rank, e.row.user.username, e.dailyAverageSeconds])).toEqual([
      [1, "bob", 150],
      [2, "alice", 100],
      [3, "carol", 100],
    ]);
  });
});

describe("pageOf", () => {
  it("slices 1-based pages and reports the count", () => {
    const items = Array.from({ length: 120 }, (_, i) => i);
    expect(pageOf(items, 3)).toEqual({ page: 3, pages: 3, total: 120, items: items.slice(100) });
    expect(pageOf([], 1)).toEqual({ page: 1, pages: 1, total: 0, items: [] });
    expect(pageOf(items, 9).items).toEqual([]);
  });
});

describe("parseSharingChange", () => {
  it("accepts known fields and names the bad one", () => {
    expect(parseSharingChange({ projects: "alias", historyDays: 0, machines: true })).toEqual({ projects: "alias", historyDays: 0, machines: true });
    expect(parseSharingChange({ historyDays: 3661 })).toMatch(/^historyDays/);
    expect(parseSharingChange({ languages: 1 })).toMatch(/^languages/);
    expect(parseSharingChange({ nope: true })).toMatch(/unknown field/);
    expect(parseSharingChange(null)).toMatch(/object/);
  });
});
