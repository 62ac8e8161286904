import fc from "fast-check";
import { describe, expect, it } from "vitest";
import { addDays, dayOf, dayOfUncached, daysBetween, eachDay, isDay, isValidTimeZone, offsetSeconds, startOfDay } from "./zone.ts";

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

describe("dayOf's remembered day spans", () => {
  // Zones with DST at midnight (Havana, Santiago, Asuncion), half-hour DST (Lord_Howe), odd
  // offsets (Kathmandu, Chatham), a skipped calendar day (Apia 2011-12-30) and plain ones.
  const zones = ["UTC", "Europe/Berlin", "America/Havana", "America/Santiago", "America/Asuncion", "Australia/Lord_Howe", "Asia/Kathmandu", "Pacific/Chatham", "Pacific/Apia", "America/New_York", "Asia/Tokyo"];
  const DAY = 86_400;

  it("always gives what Intl gives, in time order, backwards and jumping about", () => {
    fc.assert(
      fc.property(
        fc.constantFrom(...zones),
        // Around each zone's DST changes of 2011-2027 and arbitrary instants since 1970.
        fc.integer({ min: Date.UTC(2011, 0, 1) / 1000, max: Date.UTC(2027, 11, 31) / 1000 }),
        fc.array(fc.integer({ min: -2 * DAY, max: 2 * DAY }), { minLength: 1, maxLength: 60 }),
        (zone, start, steps) => {
          let t = start;
          for (const step of steps) {
            t += step;
            expect(dayOf(t, zone), `${zone} at ${t}`).toBe(dayOfUncached(t, zone));
            expect(dayOf(t + 0.5, zone), `${zone} at ${t + 0.5}`).toBe(dayOfUncached(t + 0.5, zone));
          }
        },
      ),
      { numRuns: 400 },
    );
  });

  it("hands over at each local midnight exactly (the span's ends)", () => {
    for (const zone of zones) {
      for (let day = "2026-03-01"; day <= "2026-04-10"; day = addDays(day, 3)) {
        const next = startOfDay(addDays(day, 1), zone);
        expect(dayOf(next - 1, zone), `${zone} before ${day}'s end`).toBe(dayOfUncached(next - 1, zone));
        expect(dayOf(next, zone), `${zone} at ${day}'s end`).toBe(dayOfUncached(next, zone));
        expect(dayOf(next - 0.001, zone), `${zone} just before ${day}'s end`).toBe(dayOfUncached(next - 0.001, zone));
      }
    }
  });

  it("is right second by second across midnight DST changes and the day Apia skipped", () => {
    const cases: [string, number][] = [
      ["America/Havana", Date.UTC(2026, 2, 8, 5) / 1000], // 00:00 -> 01:00 spring forward
      ["America/Havana", Date.UTC(2026, 10, 1, 4) / 1000], // 01:00 -> 00:00 fall back
      ["America/Santiago", Date.UTC(2026, 8, 6, 4) / 1000],
      ["America/Asuncion", Date.UTC(2024, 2, 24, 3) / 1000],
      ["Pacific/Apia", Date.UTC(2011, 11, 30, 10) / 1000],
    ];
    for (const [zone, around] of cases) {
      for (let t = around - 3 * 3600; t <= around + 3 * 3600; t += 61) {
        expect(dayOf(t, zone), `${zone} at ${t}`).toBe(dayOfUncached(t, zone));
      }
    }
  });
});
