import { describe, expect, it } from "vitest";
import { UTC_15 } from "../testing/builders.ts";
import { bucketFor, bucketStart, dailySeries, OTHER_PROJECTS, STACKED_PROJECTS } from "./daily-series.ts";
import { daysFrom, work } from "./test-days.ts";

describe("dailySeries", () => {
  it("has one bar per day of the range, stacked by project, empty days as zero", () => {
    const days = daysFrom(
      [...work("2026-03-02T09:00:00Z", 30, { project: "a" }), ...work("2026-03-02T11:00:00Z", 10, { project: "b" }), ...work("2026-03-04T09:00:00Z", 20, { project: "a" })],
      UTC_15,
    );
    const s = dailySeries(days, "2026-03-01", "2026-03-05");
    expect(s.bucket).toBe("day");
    expect(s.labels).toEqual(["2026-03-01", "2026-03-02", "2026-03-03", "2026-03-04", "2026-03-05"]);
    expect(s.totals).toEqual([0, 40 * 60, 0, 20 * 60, 0]);
    expect(s.series).toEqual([
      { name: "a", label: "a", seconds: [0, 30 * 60, 0, 20 * 60, 0] },
      { name: "b", label: "b", seconds: [0, 10 * 60, 0, 0, 0] },
    ]);
  });

  it("keeps the largest projects as their own series and sums the rest as Other", () => {
    const beats = Array.from({ length: STACKED_PROJECTS + 3 }, (_, i) =>
      work(`2026-03-02T${String(i + 1).padStart(2, "0")}:00:00Z`, 10 + i, { project: `p${i}` }),
    ).flat();
    const s = dailySeries(daysFrom(beats, UTC_15), "2026-03-02", "2026-03-02");
    expect(s.series).toHaveLength(STACKED_PROJECTS + 1);
    expect(s.series[0]!.name).toBe(`p${STACKED_PROJECTS + 2}`); // the largest first
    const other = s.series.at(-1)!;
    expect(other.name).toBe(OTHER_PROJECTS);
    expect(other.label).toBe("Other projects");
    expect(other.seconds[0]).toBe((10 + 11 + 12) * 60); // p0, p1, p2 are the three smallest
    expect(s.series.reduce((a, x) => a + x.seconds[0]!, 0)).toBe(s.totals[0]);
  });

  it("labels the unknown project", () => {
    const s = dailySeries(daysFrom(work("2026-03-02T09:00:00Z", 5, { project: null }), UTC_15), "2026-03-02", "2026-03-02");
    expect(s.series).toEqual([{ name: "", label: "Unknown Project", seconds: [300] }]);
  });

  it("buckets long ranges by week, then by month", () => {
    expect(bucketFor(366)).toBe("day");
    expect(bucketFor(367)).toBe("week");
    expect(bucketFor(3 * 366 + 1)).toBe("month");
    expect(bucketStart("2026-03-05", "week", "2026-01-01")).toBe("2026-03-02"); // a Thursday -> its Monday
    expect(bucketStart("2026-03-01", "week", "2026-01-01")).toBe("2026-02-23"); // a Sunday -> the Monday before
    expect(bucketStart("2026-01-02", "week", "2026-01-01")).toBe("2026-01-01"); // clipped to the range start
    expect(bucketStart("2026-03-17", "month", "2020-01-01")).toBe("2026-03-01");
    const days = daysFrom([...work("2025-01-07T09:00:00Z", 10), ...work("2025-01-08T09:00:00Z", 20), ...work("2026-03-02T09:00:00Z", 5)], UTC_15);
    const s = dailySeries(days, "2025-01-01", "2026-03-31");
    expect(s.bucket).toBe("week");
    expect(s.labels[0]).toBe("2025-01-01");
    expect(s.labels[1]).toBe("2025-01-06");
    expect(s.totals[1]).toBe(30 * 60);
    expect(s.totals.reduce((a, b) => a + b, 0)).toBe(35 * 60);
  });
});
