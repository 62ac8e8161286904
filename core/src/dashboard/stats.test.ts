import { describe, expect, it } from "vitest";
import { bestDay, dailyAverage, streaks } from "./stats.ts";

const d = (day: string, seconds: number) => ({ day, seconds });

describe("dashboard stats", () => {
  it("averages over active days only and finds the best day", () => {
    const days = [d("2026-03-01", 3600), d("2026-03-02", 0), d("2026-03-03", 1800), d("2026-03-04", 3600)];
    expect(dailyAverage(days)).toBe(3000);
    expect(bestDay(days)).toEqual(d("2026-03-01", 3600)); // the earliest of equals
    expect(dailyAverage([])).toBe(0);
    expect(bestDay([d("2026-03-01", 0)])).toBeNull();
  });

  it("counts the current streak up to today, or up to yesterday while today is empty", () => {
    const days = [d("2026-02-20", 60), d("2026-02-27", 60), d("2026-02-28", 60), d("2026-03-01", 60)];
    expect(streaks(days, "2026-03-01").currentDays).toBe(3);
    expect(streaks(days, "2026-03-02").currentDays).toBe(3); // today not over yet
    expect(streaks(days, "2026-03-03").currentDays).toBe(0); // yesterday had nothing
  });

  it("finds the longest streak and its dates, across month ends and ignoring empty days", () => {
    const days = [d("2026-01-30", 60), d("2026-01-31", 60), d("2026-02-01", 60), d("2026-02-02", 0), d("2026-02-03", 60), d("2026-02-04", 60)];
    expect(streaks(days, "2026-03-01")).toEqual({ currentDays: 0, longestDays: 3, longestStart: "2026-01-30", longestEnd: "2026-02-01" });
    expect(streaks([], "2026-03-01")).toEqual({ currentDays: 0, longestDays: 0, longestStart: null, longestEnd: null });
  });
});
