import type { Heartbeat, MergeSettings } from "../types.ts";

/** A fixed instant for tests: 2026-03-02T09:00:00Z (a Monday). */
export const T0 = Date.UTC(2026, 2, 2, 9, 0, 0) / 1000;

export const UTC_15: MergeSettings = { timeZone: "UTC", keystrokeTimeoutMinutes: 15 };

/** Builder for test heartbeats: sensible defaults, override what the test is about. */
export function aHeartbeat(overrides: Partial<Heartbeat> = {}): Heartbeat {
  return {
    time: T0,
    entity: "/home/dev/kodo/src/main.ts",
    type: "file",
    category: "coding",
    project: "kodo",
    projectRootCount: null,
    branch: "main",
    language: "TypeScript",
    dependencies: [],
    lines: null,
    lineNumber: null,
    cursorPosition: null,
    lineAdditions: null,
    lineDeletions: null,
    isWrite: false,
    editor: "VS Code",
    operatingSystem: "Linux",
    machine: "laptop",
    userAgent: null,
    aiLineChanges: null,
    humanLineChanges: null,
    ...overrides,
  };
}

/** Heartbeats every `everySeconds` from `from` (inclusive) for `count` beats. */
export function aRun(from: number, count: number, everySeconds: number, overrides: Partial<Heartbeat> = {}): Heartbeat[] {
  return Array.from({ length: count }, (_, i) => aHeartbeat({ ...overrides, time: from + i * everySeconds }));
}
