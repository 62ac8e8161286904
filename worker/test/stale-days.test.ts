import { describe, expect, it } from "vitest";
import fc from "fast-check";
import { daysAffectedBy } from "@kodo/core";
import { daysAffectedByAll } from "../src/activity/stale-days.ts";

const ZONES = ["UTC", "Europe/Berlin", "America/New_York", "Asia/Kolkata", "Australia/Lord_Howe", "Pacific/Chatham", "America/St_Johns"];

describe("daysAffectedByAll", () => {
  it("is the union of daysAffectedBy over the times, in any zone, for any timeout", () => {
    fc.assert(
      fc.property(
        fc.constantFrom(...ZONES),
        fc.integer({ min: 1, max: 240 }),
        // Around DST changes of 2026 and plain days; gaps from seconds to days.
        fc.constantFrom(Date.UTC(2026, 2, 29), Date.UTC(2026, 9, 25), Date.UTC(2026, 10, 1), Date.UTC(2026, 5, 15)),
        fc.array(fc.integer({ min: -3 * 86_400, max: 3 * 86_400 }), { maxLength: 60 }),
        (timeZone, keystrokeTimeoutMinutes, baseMs, offsets) => {
          const settings = { timeZone, keystrokeTimeoutMinutes };
          const times = offsets.map((o) => baseMs / 1000 + o + 0.25);
          const expected = new Set(times.flatMap((t) => daysAffectedBy(t, settings)));
          expect(new Set(daysAffectedByAll(times, settings))).toEqual(expected);
        },
      ),
      { numRuns: 300 },
    );
  });
});
