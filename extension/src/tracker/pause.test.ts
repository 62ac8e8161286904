import { describe, expect, it } from "vitest";
import { isPaused, nextLocalMidnightMs, NOT_PAUSED, pauseFor } from "./pause";

const NOW_MS = new Date(2026, 10, 23, 14, 30).getTime();

describe("pause", () => {
  it("is not paused by default", () => {
    expect(isPaused(NOT_PAUSED, NOW_MS)).toBe(false);
  });
  it("pauses for 15 minutes, then resumes by itself", () => {
    const s = pauseFor("15m", NOW_MS);
    expect(isPaused(s, NOW_MS + 14 * 60_000)).toBe(true);
    expect(isPaused(s, NOW_MS + 15 * 60_000)).toBe(false);
  });
  it("pauses for an hour", () => {
    const s = pauseFor("1h", NOW_MS);
    expect(isPaused(s, NOW_MS + 59 * 60_000)).toBe(true);
    expect(isPaused(s, NOW_MS + 61 * 60_000)).toBe(false);
  });
  it("pauses until the next local midnight", () => {
    const s = pauseFor("tomorrow", NOW_MS);
    const midnight = new Date(2026, 10, 24, 0, 0).getTime();
    expect(nextLocalMidnightMs(NOW_MS)).toBe(midnight);
    expect(isPaused(s, midnight - 1)).toBe(true);
    expect(isPaused(s, midnight)).toBe(false);
  });
  it("pauses indefinitely until resumed", () => {
    expect(isPaused(pauseFor("indefinitely", NOW_MS), NOW_MS + 365 * 86_400_000)).toBe(true);
  });
});
