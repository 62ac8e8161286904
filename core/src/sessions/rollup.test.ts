import { describe, expect, it } from "vitest";
import { mergeSessions } from "./merge.ts";
import { rollUpDay, sumTotals, totalsOf, UNKNOWN } from "./rollup.ts";
import { aHeartbeat, T0, UTC_15 } from "../testing/builders.ts";

describe("roll-ups", () => {
  const hbs = [
    aHeartbeat({ time: T0, project: "a", language: "Go" }),
    aHeartbeat({ time: T0 + 100, project: "a", language: "TypeScript" }),
    aHeartbeat({ time: T0 + 300, project: null, language: "TypeScript" }),
    aHeartbeat({ time: T0 + 330, project: null, language: "TypeScript" }),
  ];
  const sessions = mergeSessions(hbs, UTC_15);

  it("totals every dimension, with missing values under UNKNOWN", () => {
    const { totalSeconds, totals } = totalsOf(sessions);
    expect(totalSeconds).toBe(330);
    expect(totals.project).toEqual({ a: 300, [UNKNOWN]: 30 });
    expect(totals.language).toEqual({ Go: 100, TypeScript: 230 });
    expect(totals.editor).toEqual({ "VS Code": 330 });
  });

  it("rolls up one day and sums several", () => {
    const day = rollUpDay("2026-03-02", sessions);
    expect(day.totalSeconds).toBe(330);
    expect(rollUpDay("2026-03-03", sessions).totalSeconds).toBe(0);
    const sum = sumTotals([day, day]);
    expect(sum.totalSeconds).toBe(660);
    expect(sum.totals.project.a).toBe(600);
  });

  it("counts names that are also Object.prototype's (constructor, __proto__, toString) like any other", () => {
    const odd = mergeSessions(
      [
        aHeartbeat({ time: T0, project: "constructor", language: "__proto__" }),
        aHeartbeat({ time: T0 + 60, project: "__proto__", language: "toString" }),
        aHeartbeat({ time: T0 + 180, project: "toString", language: "toString" }),
        aHeartbeat({ time: T0 + 200, project: "toString", language: "toString" }),
      ],
      UTC_15,
    );
    const day = rollUpDay("2026-03-02", odd);
    expect(Object.entries(day.totals.project).sort()).toEqual([["__proto__", 120], ["constructor", 60], ["toString", 20]]);
    expect(Object.entries(day.totals.language).sort()).toEqual([["__proto__", 60], ["toString", 140]]);
    // As stored (JSON) and read back, then summed over days.
    const stored = JSON.parse(JSON.stringify(day)) as typeof day;
    const sum = sumTotals([stored, stored]);
    expect(Object.entries(sum.totals.project).sort()).toEqual([["__proto__", 240], ["constructor", 120], ["toString", 40]]);
  });
});
