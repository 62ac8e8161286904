import { describe, expect, it } from "vitest";
import { resolveRange, customRange } from "../time/ranges.ts";
import type { MergeSettings } from "../types.ts";
import { buildDashboard, heatMapSpan, timelineDayFor } from "./build-dashboard.ts";
import { buildProject } from "./build-project.ts";
import { at, daysFrom, work } from "./test-days.ts";

/** The fixed clock: Wednesday 2026-03-04 15:00 UTC. */
const NOW = at("2026-03-04T15:00:00Z");
const UTC: MergeSettings = { timeZone: "UTC", keystrokeTimeoutMinutes: 15 };

const beats = [
  ...work("2026-03-02T09:00:00Z", 60, { project: "kodo", language: "TypeScript", editor: "VS Code", machine: "laptop" }),
  ...work("2026-03-02T13:00:00Z", 30, { project: "site", language: "Svelte", editor: "VS Code", machine: "desk", branch: "feat" }),
  ...work("2026-03-03T22:00:00Z", 45, { project: "kodo", language: "Go", editor: "Vim", machine: "desk" }),
  ...work("2026-03-04T08:00:00Z", 20, { project: "kodo", language: "TypeScript", editor: "VS Code", machine: "laptop", category: "debugging" }),
  ...work("2026-02-01T10:00:00Z", 15, { project: "old" }),
];
const days = daysFrom(beats, UTC);

function view(rangeName: string, filter = {}, day?: string) {
  const range = resolveRange(rangeName, NOW, "UTC")!;
  return buildDashboard({
    now: NOW,
    timeZone: "UTC",
    range,
    filter,
    rangeDays: days,
    heatMapDays: days,
    timelineDay: timelineDayFor(day, range, "2026-03-04"),
    timelineDays: days,
    hasActivity: true,
  });
}

describe("buildDashboard", () => {
  it("totals the range, with shares, daily bars, hours, stats and today so far", () => {
    const v = view("last_7_days");
    expect(v.range).toEqual({ start: "2026-02-26", end: "2026-03-04", name: "last_7_days", text: "Last 7 Days", dayCount: 7 });
    expect(v.today).toBe("2026-03-04");
    expect(v.totalSeconds).toBe((60 + 30 + 45 + 20) * 60);
    expect(v.todaySeconds).toBe(20 * 60);
    expect(v.shares.project.map((p) => [p.name, p.seconds, p.percent])).toEqual([
      ["kodo", 125 * 60, 80.65],
      ["site", 30 * 60, 19.35],
    ]);
    expect(v.shares.editor.map((e) => e.label)).toEqual(["VS Code", "Vim"]);
    expect(v.shares.category.map((e) => e.label)).toEqual(["Coding", "Debugging"]);
    expect(v.daily.labels).toHaveLength(7);
    expect(v.daily.totals).toEqual([0, 0, 0, 0, 90 * 60, 45 * 60, 20 * 60]);
    expect(v.hours[9]).toBe(60 * 60);
    expect(v.hours[22]).toBe(45 * 60);
    expect(v.hours.reduce((a, b) => a + b, 0)).toBe(v.totalSeconds);
    expect(v.stats.bestDay).toEqual({ day: "2026-03-02", seconds: 90 * 60 });
    expect(v.stats.activeDays).toBe(3);
    expect(v.stats.dailyAverageSeconds).toBe((155 * 60) / 3);
    expect(v.stats.streak).toMatchObject({ currentDays: 3, longestDays: 3, longestStart: "2026-03-02" });
    expect(v.heatMap).toMatchObject(heatMapSpan("2026-03-04"));
    expect(v.heatMap.days.map((d) => d.day)).toEqual(["2026-02-01", "2026-03-02", "2026-03-03", "2026-03-04"]);
    // Each day's tooltip names its largest project (kodo's 60 min beat site's 30 on 2026-03-02).
    expect(v.heatMap.days.map((d) => [d.seconds, d.topProject])).toEqual([[15 * 60, "old"], [90 * 60, "kodo"], [45 * 60, "kodo"], [20 * 60, "kodo"]]);
    expect(view("last_7_days", { project: "site" }).heatMap.days).toEqual([{ day: "2026-03-02", seconds: 30 * 60, topProject: "site" }]);
    expect(v.timeline.day).toBe("2026-03-04");
    expect(v.timeline.entries).toHaveLength(1);
  });

  it("applies combined filters to sessions, everywhere, and keeps the unfiltered options", () => {
    const v = view("last_7_days", { project: "kodo", editor: "VS Code" });
    expect(v.totalSeconds).toBe(80 * 60);
    expect(v.shares.language.map((l) => [l.name, l.seconds])).toEqual([["TypeScript", 80 * 60]]);
    expect(v.daily.totals).toEqual([0, 0, 0, 0, 60 * 60, 0, 20 * 60]);
    expect(v.hours.reduce((a, b) => a + b, 0)).toBe(80 * 60);
    expect(v.heatMap.days.map((d) => d.day)).toEqual(["2026-03-02", "2026-03-04"]);
    expect(v.stats.streak.currentDays).toBe(1);
    expect(v.options.project.map((p) => p.name)).toEqual(["kodo", "site"]);
    expect(v.options.branch.map((p) => p.name)).toEqual(["main", "feat"]);
    const branch = view("last_7_days", { branch: "feat", machine: "desk" });
    expect(branch.totalSeconds).toBe(30 * 60);
    expect(view("last_7_days", { language: "Go", editor: "VS Code" }).totalSeconds).toBe(0);
  });

  it("limits everything to the range and picks the timeline day", () => {
    const y = view("yesterday");
    expect(y.totalSeconds).toBe(45 * 60);
    expect(y.timeline.day).toBe("2026-03-03"); // today is outside the range
    expect(y.todaySeconds).toBe(20 * 60); // today so far is shown whatever the range
    const chosen = view("last_7_days", {}, "2026-03-02");
    expect(chosen.timeline.entries.map((e) => e.project)).toEqual(["kodo", "site"]);
    const custom = buildDashboard({
      now: NOW, timeZone: "UTC", range: customRange("2026-02-01", "2026-02-01")!, filter: {},
      rangeDays: days, heatMapDays: days, timelineDay: "2026-02-01", timelineDays: days, hasActivity: true,
    });
    expect(custom.totalSeconds).toBe(15 * 60);
    expect(custom.range.name).toBeNull();
  });

  it("is empty but well formed for a new user", () => {
    const range = resolveRange("last_7_days", NOW, "UTC")!;
    const v = buildDashboard({ now: NOW, timeZone: "UTC", range, filter: {}, rangeDays: [], heatMapDays: [], timelineDay: "2026-03-04", timelineDays: [], hasActivity: false });
    expect(v.hasActivity).toBe(false);
    expect(v.totalSeconds).toBe(0);
    expect(v.daily.series).toEqual([]);
    expect(v.daily.totals).toEqual(Array(7).fill(0));
    expect(v.stats.bestDay).toBeNull();
    expect(v.timeline.entries).toEqual([]);
  });
});

describe("buildProject", () => {
  it("shows one project's languages, branches, days and files", () => {
    const range = resolveRange("last_7_days", NOW, "UTC")!;
    const p = buildProject({
      now: NOW, timeZone: "UTC", project: "kodo", range, filter: {}, rangeDays: days,
      entities: [
        { entity: "/a.ts", type: "file", language: "TypeScript", seconds: 3000 },
        { entity: "/b.go", type: "file", language: "Go", seconds: 1000 },
      ],
    });
    expect(p.totalSeconds).toBe(125 * 60);
    expect(p.shares.language.map((l) => l.name)).toEqual(["TypeScript", "Go"]);
    expect(p.shares.branch.map((l) => l.name)).toEqual(["main"]);
    expect(p.daily.totals).toEqual([0, 0, 0, 0, 60 * 60, 45 * 60, 20 * 60]);
    expect(p.files.map((f) => [f.entity, f.percent])).toEqual([["/a.ts", 75], ["/b.go", 25]]);
    expect(p.fileCount).toBe(2);
    expect(p.stats.bestDay?.day).toBe("2026-03-02");
  });
});
