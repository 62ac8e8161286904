import { describe, expect, it } from "vitest";
import { ActivityCategoryState } from "./activity-category";

describe("ActivityCategoryState", () => {
  it("is coding by default, building while a task runs, debugging while a session runs", () => {
    const s = new ActivityCategoryState();
    expect(s.current()).toBe("coding");
    s.taskStarted();
    expect(s.current()).toBe("building");
    s.debugStarted();
    expect(s.current()).toBe("debugging");
    s.debugEnded();
    expect(s.current()).toBe("building");
    s.taskEnded();
    expect(s.current()).toBe("coding");
  });
  it("counts overlapping sessions and never goes negative", () => {
    const s = new ActivityCategoryState();
    s.debugStarted();
    s.debugStarted();
    s.debugEnded();
    expect(s.current()).toBe("debugging");
    s.debugEnded();
    s.debugEnded();
    expect(s.current()).toBe("coding");
    s.debugStarted();
    expect(s.current()).toBe("debugging");
  });
});
