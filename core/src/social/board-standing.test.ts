import { describe, expect, it } from "vitest";
import type { DayActivity } from "../types.ts";
import { boardStanding, boardStandingFirstDay } from "./board-standing.ts";

/** A day with `coding` seconds of coding (and `other` of debugging), split across languages as given. */
const day = (d: string, coding: number, languages: Record<string, number> = {}, other = 0): DayActivity => ({
  day: d,
  totalSeconds: coding + other,
  sessions: [],
  totals: { project: {}, language: languages, editor: {}, operatingSystem: {}, machine: {}, branch: {}, category: { coding, ...(other ? { debugging: other } : {}) } } as DayActivity["totals"],
});
const utc = (iso: string) => Date.parse(iso) / 1000;
const H = 3600;

describe("boardStanding", () => {
  // Wednesday 2026-11-25 12:00 UTC: this week began Monday the 23rd, this month on the 1st.
  const NOW = utc("2026-11-25T12:00:00Z");

  it("sums each range over the user's own days, with the days each range covers", () => {
    const s = boardStanding([day("2026-11-25", H), day("2026-11-22", 2 * H), day("2026-11-10", 3 * H), day("2026-10-31", 4 * H), day("2026-10-20", 9 * H)], "UTC", NOW);
    expect(s.rows).toEqual([
      {
        language: null,
        seconds: { last_7_days: 3 * H, last_30_days: 10 * H, this_week: H, this_month: 6 * H },
        flagged: { last_7_days: false, last_30_days: false, this_week: false, this_month: false },
        days: { last_7_days: 7, last_30_days: 30, this_week: 3, this_month: 25 },
      },
    ]);
  });

  it("resolves the ranges in the user's zone: the same instant is another day in Kiritimati and in Pago Pago", () => {
    const days = [day("2026-11-26", H), day("2026-11-20", 2 * H), day("2026-11-19", 4 * H)];
    // 12:00 UTC on the 25th is 02:00 on the 26th at UTC+14: the last 7 days are the 20th..26th.
    const east = boardStanding(days, "Pacific/Kiritimati", NOW).rows[0]!;
    expect(east.seconds.last_7_days).toBe(3 * H);
    expect(east.days.this_week).toBe(4);
    // At UTC-11 it is 01:00 on the 25th: the 26th is still to come, the last 7 days are the 19th..25th.
    const west = boardStanding(days, "Pacific/Pago_Pago", NOW).rows[0]!;
    expect(west.seconds.last_7_days).toBe(6 * H);
    expect(west.days.this_week).toBe(3);
  });

  it("caps each day at 18 h and flags the ranges holding a day over it", () => {
    const s = boardStanding([day("2026-11-25", 20 * H, { Go: 19 * H, Rust: H }), day("2026-11-01", 5 * H, { Go: 5 * H })], "UTC", NOW);
    const all = s.rows.find((r) => r.language === null)!;
    expect(all.seconds).toEqual({ last_7_days: 18 * H, last_30_days: 23 * H, this_week: 18 * H, this_month: 23 * H });
    expect(all.flagged).toEqual({ last_7_days: true, last_30_days: true, this_week: true, this_month: true });
    const go = s.rows.find((r) => r.language === "Go")!;
    expect(go.seconds.this_month).toBe(23 * H);
    expect(go.flagged.this_week).toBe(true);
    expect(s.rows.find((r) => r.language === "Rust")!.flagged.this_week).toBe(false);
  });

  it("counts a language's time of a day at most up to that day's coding time; non-coding days count nowhere", () => {
    // 30 min coding, but 50 min of TypeScript (the rest was debugging); a debugging-only day.
    const s = boardStanding([day("2026-11-24", 1800, { TypeScript: 3000 }, 1200), day("2026-11-23", 0, { Go: 600 }, 600)], "UTC", NOW);
    expect(s.rows.map((r) => [r.language, r.seconds.last_7_days])).toEqual([
      [null, 1800],
      ["TypeScript", 1800],
    ]);
  });

  it("leaves out rows without time in any range, lists all coding time first then languages by name", () => {
    const s = boardStanding([day("2026-11-24", 600, { Zig: 300, Ada: 300, Go: 0 }), day("2026-09-01", 9 * H, { Cobol: 9 * H })], "UTC", NOW);
    expect(s.rows.map((r) => r.language)).toEqual([null, "Ada", "Zig"]);
    expect(boardStanding([day("2026-10-01", H, { Go: H })], "UTC", NOW)).toEqual({ rows: [], refreshAt: null });
    expect(boardStanding([], "UTC", NOW)).toEqual({ rows: [], refreshAt: null });
  });

  it("asks for a refresh at the next local midnight while any range holds time", () => {
    expect(boardStanding([day("2026-11-25", H)], "UTC", NOW).refreshAt).toBe(utc("2026-11-26T00:00:00Z"));
    expect(boardStanding([day("2026-11-25", H)], "Asia/Tokyo", NOW).refreshAt).toBe(utc("2026-11-25T15:00:00Z"));
    // The 31st day back still counts on the 31st of a month (this month): a refresh is due.
    const dec31 = utc("2026-12-31T12:00:00Z");
    expect(boardStanding([day("2026-12-01", H)], "UTC", dec31).refreshAt).toBe(utc("2027-01-01T00:00:00Z"));
    expect(boardStandingFirstDay("UTC", dec31)).toBe("2026-12-01");
  });

  it("finds the next midnight across daylight-saving changes, and where midnight itself is skipped", () => {
    // Berlin springs forward on Sunday 2026-03-29 (02:00 -> 03:00): Saturday's next midnight is at +01:00, Sunday's at +02:00.
    expect(boardStanding([day("2026-03-28", H)], "Europe/Berlin", utc("2026-03-28T12:00:00Z")).refreshAt).toBe(utc("2026-03-28T23:00:00Z"));
    expect(boardStanding([day("2026-03-29", H)], "Europe/Berlin", utc("2026-03-29T12:00:00Z")).refreshAt).toBe(utc("2026-03-29T22:00:00Z"));
    // New York falls back on 2026-11-01: the day is 25 h long; the next midnight is at -05:00.
    expect(boardStanding([day("2026-11-01", H)], "America/New_York", utc("2026-11-01T12:00:00Z")).refreshAt).toBe(utc("2026-11-02T05:00:00Z"));
    // Santiago springs forward at midnight (2026-09-06 00:00 -> 01:00 local): that day begins at 01:00 -03:00.
    expect(boardStanding([day("2026-09-05", H)], "America/Santiago", utc("2026-09-05T15:00:00Z")).refreshAt).toBe(utc("2026-09-06T04:00:00Z"));
  });

  it("treats an unknown zone as UTC", () => {
    expect(boardStanding([day("2026-11-25", H)], "Mars/Olympus", NOW)).toEqual(boardStanding([day("2026-11-25", H)], "UTC", NOW));
  });
});
