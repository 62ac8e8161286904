import { describe, expect, it } from "vitest";
import { anEvent, FakeClock } from "../../test/builders";
import { ActivityCategoryState } from "./activity-category";
import type { HeartbeatDraft } from "./heartbeat-draft";
import { countPathSegments, Tracker } from "./tracker";

function setup(paused = false) {
  const clock = new FakeClock();
  const categories = new ActivityCategoryState();
  const sent: HeartbeatDraft[] = [];
  const tracker = new Tracker({
    clock: clock.now,
    category: () => categories.current(),
    isPaused: () => paused,
    emit: (d) => sent.push(d),
  });
  return { clock, categories, sent, tracker };
}

describe("Tracker", () => {
  it("builds a full heartbeat from the snapshot", () => {
    const { tracker, sent, clock } = setup();
    tracker.handle(anEvent("switch"));
    expect(sent).toEqual([
      {
        timeMs: clock.nowMs,
        entity: "/home/dev/kodo/src/app.ts",
        category: "coding",
        project: "kodo",
        projectRoot: "/home/dev/kodo",
        projectRootCount: 4,
        branch: "main",
        language: "TypeScript",
        lines: 120,
        lineNumber: 10,
        cursorPosition: 5,
        isWrite: false,
        lineAdditions: null,
        lineDeletions: null,
      },
    ]);
  });

  it("collapses a minute of typing in one file into one heartbeat, then sends after 2 min", () => {
    const { tracker, sent, clock } = setup();
    for (let s = 0; s <= 120; s += 5) {
      tracker.handle(anEvent("edit"));
      clock.advance(5_000);
    }
    // 0 s sends; 125 s (> 120 s after the first) sends again.
    expect(sent.map((d) => d.timeMs - sent[0]!.timeMs)).toEqual([0]);
    tracker.handle(anEvent("edit"));
    expect(sent).toHaveLength(2);
  });

  it("sends on file change and on save (is_write)", () => {
    const { tracker, sent, clock } = setup();
    tracker.handle(anEvent("edit"));
    clock.advance(1000);
    tracker.handle(anEvent("switch", { filePath: "/home/dev/kodo/src/b.ts" }));
    clock.advance(1000);
    tracker.handle(anEvent("save", { filePath: "/home/dev/kodo/src/b.ts" }));
    expect(sent.map((d) => [d.entity.slice(-4), d.isWrite])).toEqual([
      ["p.ts", false],
      ["b.ts", false],
      ["b.ts", true],
    ]);
  });

  it("sends nothing for scrolling an unfocused window", () => {
    const { tracker, sent } = setup();
    tracker.handle(anEvent("scroll", {}, { windowFocused: false }));
    expect(sent).toEqual([]);
  });

  it("uses debugging and building categories and sends when they change", () => {
    const { tracker, sent, categories, clock } = setup();
    tracker.handle(anEvent("edit"));
    categories.taskStarted();
    clock.advance(1000);
    tracker.handle(anEvent("edit"));
    categories.debugStarted();
    clock.advance(1000);
    tracker.handle(anEvent("select"));
    expect(sent.map((d) => d.category)).toEqual(["coding", "building", "debugging"]);
  });

  it("reports line changes accumulated since the file's last heartbeat", () => {
    const { tracker, sent, clock } = setup();
    tracker.handle(anEvent("edit", {}, { lineChanges: { added: 2, deleted: 0 } }));
    clock.advance(10_000);
    tracker.handle(anEvent("edit", {}, { lineChanges: { added: 3, deleted: 1 } }));
    clock.advance(10_000);
    tracker.handle(anEvent("save"));
    expect(sent.map((d) => [d.lineAdditions, d.lineDeletions])).toEqual([
      [2, 0],
      [3, 1],
    ]);
  });

  it("records nothing while paused", () => {
    const { tracker, sent } = setup(true);
    tracker.handle(anEvent("save"));
    expect(sent).toEqual([]);
  });
});

describe("countPathSegments", () => {
  it("counts like wakatime-cli", () => {
    expect(countPathSegments("/home/dev/kodo")).toBe(4);
    expect(countPathSegments("/home/dev/kodo/")).toBe(4);
    expect(countPathSegments("C:\\Users\\dev\\kodo")).toBe(4);
  });
});
