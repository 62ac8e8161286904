import { describe, expect, it } from "vitest";
import fc from "fast-check";
import { daysAffectedBy, mergeSessions, mergeWindow, sessionsForDay } from "./merge.ts";
import { totalsOf } from "./rollup.ts";
import { aHeartbeat, aRun, T0, UTC_15 } from "../testing/builders.ts";
import type { Heartbeat } from "../types.ts";

const total = (hbs: Heartbeat[], settings = UTC_15) => totalsOf(mergeSessions(hbs, settings)).totalSeconds;

describe("mergeSessions", () => {
  it("counts a lone heartbeat as 0 s", () => {
    expect(mergeSessions([aHeartbeat()], UTC_15)).toEqual([]);
  });

  it("counts gaps up to the timeout and ends the session after a longer gap", () => {
    const hbs = [...aRun(T0, 11, 60), aHeartbeat({ time: T0 + 600 + 15 * 60 + 1 }), aHeartbeat({ time: T0 + 600 + 15 * 60 + 61 })];
    const sessions = mergeSessions(hbs, UTC_15);
    expect(sessions.map((s) => [s.start - T0, s.end - T0])).toEqual([
      [0, 600],
      [1501, 1561],
    ]);
  });

  it("counts a gap of exactly the timeout", () => {
    expect(total([aHeartbeat({ time: T0 }), aHeartbeat({ time: T0 + 900 })])).toBe(900);
    expect(total([aHeartbeat({ time: T0 }), aHeartbeat({ time: T0 + 901 })])).toBe(0);
  });

  it("honours the user's timeout", () => {
    const hbs = [aHeartbeat({ time: T0 }), aHeartbeat({ time: T0 + 1800 })];
    expect(total(hbs, { timeZone: "UTC", keystrokeTimeoutMinutes: 30 })).toBe(1800);
    expect(total(hbs, { timeZone: "UTC", keystrokeTimeoutMinutes: 29 })).toBe(0);
  });

  it("gives the gap before a change of dimension to the earlier session", () => {
    const hbs = [
      aHeartbeat({ time: T0, project: "a" }),
      aHeartbeat({ time: T0 + 60, project: "a" }),
      aHeartbeat({ time: T0 + 120, project: "b" }),
      aHeartbeat({ time: T0 + 300, project: "b", language: "Go" }),
      aHeartbeat({ time: T0 + 310, project: "b", language: "Go" }),
    ];
    const sessions = mergeSessions(hbs, UTC_15);
    expect(sessions.map((s) => [s.project, s.language, s.end - s.start])).toEqual([
      ["a", "TypeScript", 120],
      ["b", "TypeScript", 180],
      ["b", "Go", 10],
    ]);
  });

  it("starts a new session for each dimension", () => {
    for (const dim of ["project", "language", "editor", "operatingSystem", "machine", "branch", "category"] as const) {
      const hbs = [aHeartbeat({ time: T0 }), aHeartbeat({ time: T0 + 60, [dim]: "other" }), aHeartbeat({ time: T0 + 90, [dim]: "other" })];
      expect(mergeSessions(hbs, UTC_15).length, dim).toBe(2);
    }
  });

  it("splits a session at local midnight", () => {
    const beforeMidnight = Date.UTC(2026, 2, 2, 22, 55) / 1000; // 23:55 in Berlin (UTC+1)
    const hbs = aRun(beforeMidnight, 11, 60); // 23:55 .. 00:05 Berlin
    const berlin = { timeZone: "Europe/Berlin", keystrokeTimeoutMinutes: 15 };
    const sessions = mergeSessions(hbs, berlin);
    expect(sessions.map((s) => [s.day, s.end - s.start])).toEqual([
      ["2026-03-02", 300],
      ["2026-03-03", 300],
    ]);
    // the same instants are one session on one day in UTC (22:55 .. 23:05)
    expect(mergeSessions(hbs, UTC_15).map((s) => s.day)).toEqual(["2026-03-02"]);
  });

  it("computes a day from its merge window alone, as from the whole history", () => {
    const settings = { timeZone: "Asia/Tokyo", keystrokeTimeoutMinutes: 20 };
    const hbs = aRun(Date.UTC(2026, 2, 2, 14, 0) / 1000, 200, 97); // across Tokyo midnight (15:00Z)
    const all = mergeSessions(hbs, settings);
    for (const day of ["2026-03-02", "2026-03-03"]) {
      const w = mergeWindow(day, settings);
      const inWindow = hbs.filter((h) => h.time >= w.from && h.time <= w.to);
      expect(sessionsForDay(inWindow, day, settings)).toEqual(all.filter((s) => s.day === day));
    }
  });

  it("lists the days a heartbeat can change", () => {
    const midnight = Date.UTC(2026, 2, 3) / 1000;
    expect(daysAffectedBy(midnight + 300, UTC_15)).toEqual(["2026-03-02", "2026-03-03"]);
    expect(daysAffectedBy(midnight + 3600, UTC_15)).toEqual(["2026-03-03"]);
    expect(daysAffectedBy(midnight - 60, UTC_15)).toEqual(["2026-03-02", "2026-03-03"]);
  });
});

const arbHeartbeat = fc
  .record({
    offset: fc.integer({ min: 0, max: 3 * 86_400 }),
    ms: fc.integer({ min: 0, max: 999 }),
    project: fc.constantFrom("a", "b", null),
    language: fc.constantFrom("Go", "TypeScript"),
    branch: fc.constantFrom("main", "dev"),
  })
  .map(({ offset, ms, ...dims }) => aHeartbeat({ time: T0 + offset + ms / 1000, ...dims }));

const zones = fc.constantFrom("UTC", "Europe/Berlin", "America/New_York", "Asia/Kolkata");

describe("merge properties", () => {
  it("is order-independent and idempotent under duplicates", () => {
    fc.assert(
      fc.property(fc.array(arbHeartbeat, { maxLength: 120 }), fc.integer({ min: 1, max: 240 }), zones, fc.nat(), (hbs, timeout, tz, seed) => {
        const settings = { timeZone: tz, keystrokeTimeoutMinutes: timeout };
        const expected = mergeSessions(hbs, settings);
        const shuffled = shuffle([...hbs, ...hbs.filter((_, i) => (i + seed) % 3 === 0)], seed);
        expect(mergeSessions(shuffled, settings)).toEqual(expected);
      }),
      { numRuns: 200 },
    );
  });

  it("never counts more than the span of the heartbeats, nor any gap over the timeout", () => {
    fc.assert(
      fc.property(fc.array(arbHeartbeat, { minLength: 1, maxLength: 80 }), fc.integer({ min: 1, max: 240 }), zones, (hbs, timeout, tz) => {
        const sessions = mergeSessions(hbs, { timeZone: tz, keystrokeTimeoutMinutes: timeout });
        const times = hbs.map((h) => h.time);
        const span = Math.max(...times) - Math.min(...times);
        expect(totalsOf(sessions).totalSeconds).toBeLessThanOrEqual(span + 1e-6);
        for (const s of sessions) expect(s.end).toBeGreaterThan(s.start);
        // sessions never overlap
        const sorted = [...sessions].sort((a, b) => a.start - b.start);
        for (let i = 1; i < sorted.length; i++) expect(sorted[i]!.start).toBeGreaterThanOrEqual(sorted[i - 1]!.end);
      }),
      { numRuns: 200 },
    );
  });
});

function shuffle<T>(items: T[], seed: number): T[] {
  let s = seed + 1;
  const rnd = () => ((s = (s * 1103515245 + 12345) % 2147483648) / 2147483648);
  for (let i = items.length - 1; i > 0; i--) {
    const j = Math.floor(rnd() * (i + 1));
    [items[i], items[j]] = [items[j]!, items[i]!];
  }
  return items;
}
