import { describe, expect, it } from "vitest";
import { addExternalTime, externalSessions, parseExternalDuration, providerOf, type ExternalDuration } from "./external-durations.ts";
import { rollUpDay } from "../sessions/rollup.ts";
import type { Session } from "../types.ts";

const T = Date.UTC(2026, 9, 5, 22, 30, 0) / 1000; // 2026-10-05 22:30 UTC
const NOW = T + 86_400;

async function parsed(over: Record<string, unknown> = {}): Promise<ExternalDuration> {
  const d = await parseExternalDuration({ external_id: "e1", entity: "Sync", start_time: T, end_time: T + 7200, project: "kodo", ...over }, "api", NOW);
  if (typeof d === "string") throw new Error(d);
  return d;
}

describe("external durations", () => {
  it("are split at the zone's midnights", async () => {
    const d = await parsed();
    expect(externalSessions(d, "UTC").map((s) => [s.day, s.end - s.start])).toEqual([
      ["2026-10-05", 5400],
      ["2026-10-06", 1800],
    ]);
    // Berlin is UTC+2 in October: all of it falls on the 6th there.
    expect(externalSessions(d, "Europe/Berlin").map((s) => [s.day, s.end - s.start])).toEqual([["2026-10-06", 7200]]);
  });

  it("add to the days they touch without changing the stored days, and keep a left-out bucket out", async () => {
    const coding: Session = { day: "2026-10-05", start: T - 3600, end: T - 1800, project: "kodo", language: "Go", editor: "VS Code", operatingSystem: "Linux", machine: "m", branch: "main", category: "coding" };
    const stored = rollUpDay("2026-10-05", [coding]);
    const withoutBranches = { ...stored, totals: { ...stored.totals } } as typeof stored;
    delete (withoutBranches.totals as Partial<typeof stored.totals>).branch;
    const before = JSON.stringify(withoutBranches);
    const out = addExternalTime([withoutBranches], [await parsed()], "UTC", "2026-10-05", "2026-10-06", false);
    expect(JSON.stringify(withoutBranches)).toBe(before);
    expect(out.map((d) => [d.day, d.totalSeconds])).toEqual([
      ["2026-10-05", 1800 + 5400],
      ["2026-10-06", 1800],
    ]);
    expect(out[0]!.totals.project).toEqual({ kodo: 7200 });
    expect(out[0]!.totals.editor).toEqual({ "VS Code": 1800, api: 5400 });
    expect(out[0]!.totals.category).toEqual({ coding: 1800, meeting: 5400 });
    expect(out[0]!.totals.branch).toBeUndefined();
    expect(out[0]!.sessions).toEqual([coding]);
    // With sessions, they are in time order; a range end drops the piece past it.
    const one = addExternalTime([stored], [await parsed()], "UTC", "2026-10-05", "2026-10-05", true);
    expect(one.map((d) => d.day)).toEqual(["2026-10-05"]);
    expect(one[0]!.sessions.map((s) => s.category)).toEqual(["coding", "meeting"]);
  });

  it("are identified by (provider, external_id) and refuse bad fields by name", async () => {
    expect((await parsed()).id).toBe((await parsed({ end_time: T + 60 })).id);
    expect((await parsed()).id).not.toBe((await parsed({ provider: "calendar" })).id);
    expect(providerOf("calendar-sync/2.1 (linux)")).toBe("calendar-sync");
    expect(providerOf(undefined)).toBe("api");
    const bad = async (over: Record<string, unknown>) => parseExternalDuration({ external_id: "e", entity: "x", start_time: T, end_time: T + 60, ...over }, "api", NOW);
    expect(await bad({ start_time: 0 })).toMatch(/^start_time/);
    expect(await bad({ end_time: T })).toMatch(/^end_time/);
    expect(await bad({ end_time: T + 86_401 })).toMatch(/24 hours/);
    expect(await bad({ start_time: NOW + 3000, end_time: NOW + 7200 })).toMatch(/future/);
    expect(await bad({ type: "dream" })).toMatch(/^type/);
    expect(await bad({ meta: "x".repeat(2001) })).toMatch(/^meta/);
    expect(await bad({ color: "red" })).toMatch(/^color: unknown field/);
    expect(await parseExternalDuration([], "api", NOW)).toMatch(/object/);
  });
});
