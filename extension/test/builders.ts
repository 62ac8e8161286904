import type { ActivityEvent, EditorSnapshot } from "../src/tracker/editor-snapshot";

/** A snapshot of a TypeScript file in project "kodo" on branch "main". */
export function aSnapshot(over: Partial<EditorSnapshot> = {}): EditorSnapshot {
  return {
    filePath: "/home/dev/kodo/src/app.ts",
    languageId: "typescript",
    lineCount: 120,
    lineNumber: 10,
    cursorPosition: 5,
    projectRoot: "/home/dev/kodo",
    workspaceFolder: "/home/dev/kodo",
    project: "kodo",
    branch: "main",
    isNotebook: false,
    ...over,
  };
}

export function anEvent(
  kind: ActivityEvent["kind"],
  snapshot: Partial<EditorSnapshot> = {},
  over: Partial<Omit<ActivityEvent, "kind" | "snapshot">> = {},
): ActivityEvent {
  return { kind, snapshot: aSnapshot(snapshot), windowFocused: true, ...over };
}

/** A clock the test moves by hand. */
export class FakeClock {
  constructor(public nowMs: number = Date.UTC(2026, 10, 23, 9, 0, 0)) {}
  readonly now = (): number => this.nowMs;
  advance(ms: number): number {
    this.nowMs += ms;
    return this.nowMs;
  }
}
