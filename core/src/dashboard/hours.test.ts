import { describe, expect, it } from "vitest";
import { mergeSessions } from "../sessions/merge.ts";
import { hoursOfDay } from "./hours.ts";
import { work } from "./test-days.ts";

const sum = (xs: number[]) => xs.reduce((a, b) => a + b, 0);

describe("hoursOfDay", () => {
  it("splits sessions at local hour boundaries", () => {
    const s = mergeSessions(work("2026-03-02T09:40:00Z", 50), { timeZone: "UTC", keystrokeTimeoutMinutes: 15 });
    const h = hoursOfDay(s, "UTC");
    expect(h[9]).toBe(20 * 60);
    expect(h[10]).toBe(30 * 60);
    expect(sum(h)).toBe(50 * 60);
  });

  it("uses the zone's local hours, half-hour offsets included", () => {
    const settings = { timeZone: "Asia/Kolkata", keystrokeTimeoutMinutes: 15 }; // UTC+5:30
    const s = mergeSessions(work("2026-03-02T03:00:00Z", 60), settings); // 08:30-09:30 local
    const h = hoursOfDay(s, "Asia/Kolkata");
    expect(h[8]).toBe(30 * 60);
    expect(h[9]).toBe(30 * 60);
    expect(sum(h)).toBe(60 * 60);
  });

  it("follows a DST change inside a session", () => {
    // Europe/Berlin springs forward on 2026-03-29 at 02:00 local (01:00Z): 01:30-03:30 local is one hour.
    const settings = { timeZone: "Europe/Berlin", keystrokeTimeoutMinutes: 15 };
    const s = mergeSessions(work("2026-03-29T00:30:00Z", 60), settings);
    const h = hoursOfDay(s, "Europe/Berlin");
    expect(h[1]).toBe(30 * 60); // 01:30-02:00 CET
    expect(h[3]).toBe(30 * 60); // 03:00-03:30 CEST
    expect(h[2]).toBe(0); // 02:xx does not exist that day
    expect(sum(h)).toBe(60 * 60);
  });

  it("is empty without sessions", () => {
    expect(hoursOfDay([], "UTC")).toEqual(Array(24).fill(0));
  });
});
