import { describe, expect, it } from "vitest";
import { pageOf, rankedEntry } from "./leaderboard.ts";
import { parseSharingChange } from "./sharing.ts";

describe("rankedEntry", () => {
  it("averages over the user's own days of the range", () => {
    const row = { user: { id: "id-bob", username: "bob", displayName: null }, cappedSeconds: 300, flagged: false, sharesLanguages: true, days: 2 };
    expect(rankedEntry(4, row)).toEqual({ rank: 4, row, totalSeconds: 300, dailyAverageSeconds: 150 });
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
