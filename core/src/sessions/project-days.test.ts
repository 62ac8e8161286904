import { describe, expect, it } from "vitest";
import type { Session } from "../types.ts";
import { addProjectDays, projectDaysOf, projectTimes, sessionMs } from "./project-days.ts";

const session = (start: number, end: number, project: string | null, category = "coding"): Session => ({
  day: "2026-03-02",
  start,
  end,
  project,
  language: "TypeScript",
  editor: null,
  operatingSystem: null,
  machine: null,
  branch: null,
  category,
});

describe("projectTimes", () => {
  it("groups a day's sessions by project in whole milliseconds, coding apart", () => {
    const sessions = [session(0, 60.123, "kodo"), session(100, 160, null, "meeting"), session(200, 230.5, "kodo", "debugging"), session(300, 300.001, "web")];
    expect(projectTimes(sessions)).toEqual([
      { project: null, codingMs: 0, allMs: 60_000 },
      { project: "kodo", codingMs: 60_123, allMs: 90_623 },
      { project: "web", codingMs: 1, allMs: 1 },
    ]);
  });

  it("is exact whatever the order (float seconds are not)", () => {
    const sessions = Array.from({ length: 50 }, (_, i) => session(i * 0.1, i * 0.1 + 0.1 + i * 0.001, i % 2 ? "a" : "b"));
    const reversed = [...sessions].reverse();
    expect(projectTimes(reversed)).toEqual(projectTimes(sessions));
    expect(projectTimes(sessions).reduce((a, t) => a + t.allMs, 0)).toBe(sessions.reduce((a, s) => a + sessionMs(s), 0));
  });
});

describe("projectDaysOf", () => {
  const days = [
    { day: "2026-03-01", sessions: [session(0, 10, "kodo"), session(20, 30, null)] },
    { day: "2026-03-02", sessions: [session(0, 5, "web", "meeting")] },
    { day: "2026-03-03", sessions: [session(0, 0, "kodo")] },
  ];

  it("sums the counted projects per day; no project counts only under all; days without time left out", () => {
    expect(projectDaysOf(days, "all")).toEqual([
      { day: "2026-03-01", codingMs: 20_000, allMs: 20_000 },
      { day: "2026-03-02", codingMs: 0, allMs: 5_000 },
    ]);
    expect(projectDaysOf(days, ["kodo"])).toEqual([{ day: "2026-03-01", codingMs: 10_000, allMs: 10_000 }]);
    expect(projectDaysOf(days, ["nope"])).toEqual([]);
  });

  it("adds days of another source (external durations) in day order", () => {
    const extra = [{ day: "2026-02-28", codingMs: 1, allMs: 1 }, { day: "2026-03-02", codingMs: 2, allMs: 3 }];
    expect(addProjectDays(projectDaysOf(days, "all"), extra)).toEqual([
      { day: "2026-02-28", codingMs: 1, allMs: 1 },
      { day: "2026-03-01", codingMs: 20_000, allMs: 20_000 },
      { day: "2026-03-02", codingMs: 2, allMs: 5_003 },
    ]);
  });
});
