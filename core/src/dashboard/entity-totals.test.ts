import { describe, expect, it } from "vitest";
import fc from "fast-check";
import { mergeSessions } from "../sessions/merge.ts";
import { totalsOf } from "../sessions/rollup.ts";
import { aHeartbeat, T0, UTC_15 } from "../testing/builders.ts";
import { entityTotals } from "./entity-totals.ts";
import { at, work } from "./test-days.ts";

describe("entityTotals", () => {
  it("gives each gap to the earlier heartbeat's entity and drops gaps over the timeout", () => {
    const beats = [
      ...work("2026-03-02T09:00:00Z", 10, { entity: "/src/a.ts" }),
      ...work("2026-03-02T09:11:00Z", 4, { entity: "/src/b.css", language: "CSS" }),
      ...work("2026-03-02T11:00:00Z", 5, { entity: "/src/a.ts" }), // after a 1 h 45 min pause
    ];
    const totals = entityTotals(beats, UTC_15, at("2026-03-02T00:00:00Z"), at("2026-03-03T00:00:00Z"));
    expect(totals).toEqual([
      { entity: "/src/a.ts", type: "file", language: "TypeScript", seconds: 16 * 60 }, // 10 + the switch minute + 5
      { entity: "/src/b.css", type: "file", language: "CSS", seconds: 4 * 60 },
    ]);
  });

  it("clips gaps to the window and filters by the owner's dimensions", () => {
    const beats = [...work("2026-03-01T23:50:00Z", 20, { entity: "x" }), ...work("2026-03-02T09:00:00Z", 10, { entity: "y", project: "other" })];
    const window = [at("2026-03-02T00:00:00Z"), at("2026-03-03T00:00:00Z")] as const;
    expect(entityTotals(beats, UTC_15, ...window).map((e) => [e.entity, e.seconds])).toEqual([
      ["x", 600], // equal times are listed by name
      ["y", 600],
    ]);
    expect(entityTotals(beats, UTC_15, ...window, { project: "kodo" }).map((e) => [e.entity, e.seconds])).toEqual([["x", 600]]);
    expect(entityTotals(beats, UTC_15, ...window, { project: "kodo", branches: ["feat"] })).toEqual([]);
  });

  it("adds up to the project totals of the merged sessions, whatever the order of the heartbeats", () => {
    const beat = fc.record({
      dt: fc.integer({ min: 0, max: 2 * 3600 }),
      entity: fc.constantFrom("a.ts", "b.ts", "c.go"),
      project: fc.constantFrom("p", "q", null),
      branch: fc.constantFrom("main", "dev"),
      language: fc.constantFrom("TypeScript", "Go"),
      isWrite: fc.boolean(),
    });
    fc.assert(
      fc.property(fc.array(beat, { maxLength: 60 }), fc.integer({ min: 1, max: 30 }), (raw, timeout) => {
        const beats = raw.map((b) => aHeartbeat({ time: T0 + b.dt, entity: b.entity, project: b.project, branch: b.branch, language: b.language, isWrite: b.isWrite }));
        const settings = { timeZone: "UTC", keystrokeTimeoutMinutes: timeout };
        const byProject = totalsOf(mergeSessions(beats, settings)).totals.project;
        const from = T0 - 86_400;
        const to = T0 + 86_400;
        for (const project of ["p", "q"]) {
          const entities = entityTotals([...beats].reverse(), settings, from, to, { project });
          const sum = entities.reduce((a, e) => a + e.seconds, 0);
          expect(sum).toBeCloseTo(byProject[project] ?? 0, 6);
        }
      }),
    );
  });
});
