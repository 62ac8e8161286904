import { describe, expect, it } from "vitest";
import { mergeSessions } from "../sessions/merge.ts";
import { UTC_15 } from "../testing/builders.ts";
import { timelineOf } from "./timeline.ts";
import { at, work } from "./test-days.ts";

describe("timelineOf", () => {
  it("joins touching sessions of one project and keeps pauses as separate stretches", () => {
    const beats = [
      ...work("2026-03-02T09:00:00Z", 10, { project: "a", language: "TypeScript" }),
      ...work("2026-03-02T09:11:00Z", 9, { project: "a", language: "CSS", branch: "feat" }),
      ...work("2026-03-02T09:21:00Z", 9, { project: "b" }),
      ...work("2026-03-02T11:00:00Z", 30, { project: "a" }),
    ];
    const t = timelineOf(mergeSessions(beats, UTC_15), "2026-03-02", "UTC");
    expect(t.dayStart).toBe(at("2026-03-02T00:00:00Z"));
    expect(t.dayEnd).toBe(at("2026-03-03T00:00:00Z"));
    expect(t.entries.map((e) => [e.project, e.start, e.end])).toEqual([
      ["a", at("2026-03-02T09:00:00Z"), at("2026-03-02T09:21:00Z")],
      ["b", at("2026-03-02T09:21:00Z"), at("2026-03-02T09:30:00Z")],
      ["a", at("2026-03-02T11:00:00Z"), at("2026-03-02T11:30:00Z")],
    ]);
    expect(t.entries[0]!.languages).toEqual(["TypeScript", "CSS"]);
    expect(t.entries[0]!.branches).toEqual(["main", "feat"]);
  });

  it("shows only the asked day, bounded by that zone's midnights", () => {
    const settings = { timeZone: "America/New_York", keystrokeTimeoutMinutes: 15 };
    const s = mergeSessions(work("2026-03-03T04:30:00Z", 60), settings); // 23:30-00:30 local, split at midnight
    const t = timelineOf(s, "2026-03-02", "America/New_York");
    expect(t.entries).toHaveLength(1);
    expect(t.entries[0]!.end).toBe(at("2026-03-03T05:00:00Z"));
    expect(t.dayEnd - t.dayStart).toBe(86_400);
    expect(t.entries[0]!.label).toBe("kodo");
  });
});
