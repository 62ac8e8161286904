import { describe, expect, it } from "vitest";
import { goalStatus, parseNewGoal, weekStart } from "./goals.ts";

const days = (entries: [string, number][]) => new Map(entries);

describe("goalStatus", () => {
  it("daily: progress today, streak from today when met, else from yesterday", () => {
    const seconds = days([["2026-11-20", 3600], ["2026-11-21", 4000], ["2026-11-22", 3600], ["2026-11-23", 600]]);
    expect(goalStatus({ period: "day", seconds: 3600 }, seconds, "2026-11-23")).toEqual({ progress: { seconds: 600, percent: 16.7, met: false }, streak: 3 });
    expect(goalStatus({ period: "day", seconds: 600 }, seconds, "2026-11-23")).toEqual({ progress: { seconds: 600, percent: 100, met: true }, streak: 4 });
    // A gap breaks it.
    expect(goalStatus({ period: "day", seconds: 3600 }, days([["2026-11-20", 9000], ["2026-11-22", 3600]]), "2026-11-23").streak).toBe(1);
  });

  it("weekly: Monday to Sunday", () => {
    expect(weekStart("2026-11-29")).toBe("2026-11-23");
    expect(weekStart("2026-11-23")).toBe("2026-11-23");
    const seconds = days([["2026-11-10", 5000], ["2026-11-16", 2000], ["2026-11-22", 3000], ["2026-11-24", 100]]);
    // Week of the 16th: 5000 s, week of the 9th: 5000 s, this week 100 s so far.
    expect(goalStatus({ period: "week", seconds: 5000 }, seconds, "2026-11-24")).toEqual({ progress: { seconds: 100, percent: 2, met: false }, streak: 2 });
  });
});

describe("parseNewGoal", () => {
  it("names the bad field", () => {
    expect(parseNewGoal({ period: "day", seconds: 3600, project: "kodo" }, 255)).toEqual({ period: "day", seconds: 3600, project: "kodo", language: null });
    expect(parseNewGoal({ period: "month", seconds: 3600 }, 255)).toMatch(/^period/);
    expect(parseNewGoal({ period: "day", seconds: 10 }, 255)).toMatch(/^seconds/);
    expect(parseNewGoal({ period: "day", seconds: 3600, language: "" }, 255)).toMatch(/^language/);
    expect(parseNewGoal({ period: "day", seconds: 3600, owner: "x" }, 255)).toMatch(/unknown field/);
  });
});
