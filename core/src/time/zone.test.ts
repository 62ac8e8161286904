import { describe, expect, it } from "vitest";
import { addDays, dayOf, daysBetween, eachDay, isDay, isValidTimeZone, offsetSeconds, startOfDay } from "./zone.ts";

describe("time zones", () => {
  it("finds the local day of an instant", () => {
    const t = Date.UTC(2026, 0, 1, 23, 30) / 1000;
    expect(dayOf(t, "UTC")).toBe("2026-01-01");
    expect(dayOf(t, "Europe/Berlin")).toBe("2026-01-02");
    expect(dayOf(t, "America/Los_Angeles")).toBe("2026-01-01");
  });

  it("finds local midnight, also on DST change days", () => {
    expect(startOfDay("2026-01-02", "Europe/Berlin")).toBe(Date.UTC(2026, 0, 1, 23) / 1000);
    // Berlin switches to summer time on 2026-03-29 at 02:00: midnight still exists, offset +1
    expect(startOfDay("2026-03-29", "Europe/Berlin")).toBe(Date.UTC(2026, 2, 28, 23) / 1000);
    expect(startOfDay("2026-03-30", "Europe/Berlin")).toBe(Date.UTC(2026, 2, 29, 22) / 1000);
    // Santiago skips 00:00 -> 01:00 on 2026-09-06: the day begins at 01:00 local (04:00Z)
    const s = startOfDay("2026-09-06", "America/Santiago");
    expect(dayOf(s, "America/Santiago")).toBe("2026-09-06");
    expect(dayOf(s - 1, "America/Santiago")).toBe("2026-09-05");
  });

  it("knows offsets", () => {
    expect(offsetSeconds(Date.UTC(2026, 6, 1) / 1000, "Asia/Kolkata")).toBe(5.5 * 3600);
    expect(offsetSeconds(Date.UTC(2026, 6, 1) / 1000, "America/New_York")).toBe(-4 * 3600);
  });

  it("does calendar arithmetic", () => {
    expect(addDays("2026-02-28", 1)).toBe("2026-03-01");
    expect(addDays("2028-02-28", 1)).toBe("2028-02-29");
    expect(addDays("2026-01-01", -1)).toBe("2025-12-31");
    expect(daysBetween("2026-01-01", "2026-12-31")).toBe(364);
    expect(eachDay("2026-01-30", "2026-02-02")).toEqual(["2026-01-30", "2026-01-31", "2026-02-01", "2026-02-02"]);
  });

  it("validates days and zones", () => {
    expect(isDay("2026-02-29")).toBe(false);
    expect(isDay("2028-02-29")).toBe(true);
    expect(isDay("2026-1-01")).toBe(false);
    expect(isDay("9999-12-31")).toBe(false);
    expect(isDay("1900-01-01")).toBe(false);
    expect(isValidTimeZone("Europe/Berlin")).toBe(true);
    expect(isValidTimeZone("Mars/Olympus")).toBe(false);
    expect(isValidTimeZone("")).toBe(false);
  });
});
