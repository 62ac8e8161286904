import { describe, expect, it } from "vitest";
import { ALL_TIME_FIRST_DAY, customRange, resolveRange } from "./ranges.ts";

const now = Date.UTC(2026, 2, 4, 12) / 1000; // Wednesday 2026-03-04

describe("ranges", () => {
  it("resolves WakaTime's range names, end inclusive", () => {
    const r = (n: string) => {
      const x = resolveRange(n, now, "UTC");
      return x && [x.start, x.end];
    };
    expect(r("today")).toEqual(["2026-03-04", "2026-03-04"]);
    expect(r("yesterday")).toEqual(["2026-03-03", "2026-03-03"]);
    expect(r("last_7_days")).toEqual(["2026-02-26", "2026-03-04"]);
    expect(r("Last 7 Days")).toEqual(["2026-02-26", "2026-03-04"]);
    expect(r("last_30_days")).toEqual(["2026-02-03", "2026-03-04"]);
    expect(r("last_6_months")).toEqual(["2025-09-05", "2026-03-04"]);
    expect(r("last_year")).toEqual(["2025-03-05", "2026-03-04"]);
    expect(r("this_week")).toEqual(["2026-03-02", "2026-03-04"]);
    expect(r("last_week")).toEqual(["2026-02-23", "2026-03-01"]);
    expect(r("this_month")).toEqual(["2026-03-01", "2026-03-04"]);
    expect(r("last_month")).toEqual(["2026-02-01", "2026-02-28"]);
    expect(r("2025")).toEqual(["2025-01-01", "2025-12-31"]);
    expect(r("2024-02")).toEqual(["2024-02-01", "2024-02-29"]);
    expect(r("2024-13")).toBeNull();
    expect(r("last_century")).toBeNull();
  });

  it("uses the user's zone for today", () => {
    const lateUtc = Date.UTC(2026, 2, 4, 23, 30) / 1000;
    expect(resolveRange("today", lateUtc, "Asia/Tokyo")?.start).toBe("2026-03-05");
    expect(resolveRange("today", lateUtc, "America/Denver")?.start).toBe("2026-03-04");
  });

  it("starts all_time at the user's first day", () => {
    expect(resolveRange("all_time", now, "UTC", "2024-06-01")).toMatchObject({ start: "2024-06-01", end: "2026-03-04" });
    expect(resolveRange("all_time", now, "UTC", null)).toMatchObject({ start: "2026-03-04" });
  });

  it("never starts all_time before 1999-12-31, whatever old heartbeat is stored", () => {
    expect(resolveRange("all_time", now, "UTC", "1970-01-01")).toMatchObject({ start: ALL_TIME_FIRST_DAY, end: "2026-03-04", name: "all_time" });
    expect(resolveRange("All Time", now, "UTC", "1999-12-31")).toMatchObject({ start: "1999-12-31" });
    // A first day after today (a heartbeat within the future skew) still gives a valid range.
    expect(resolveRange("all_time", now, "UTC", "2026-03-05")).toMatchObject({ start: "2026-03-04", end: "2026-03-04" });
  });

  it("accepts custom ranges", () => {
    expect(customRange("2026-01-01", "2026-01-31")).toMatchObject({ start: "2026-01-01", end: "2026-01-31" });
    expect(customRange("2026-01-31T00:00:00Z", "2026-02-01")).toMatchObject({ start: "2026-01-31" });
    expect(customRange("2026-02-01", "2026-01-01")).toBeNull();
    expect(customRange("nope", "2026-01-01")).toBeNull();
  });
});
