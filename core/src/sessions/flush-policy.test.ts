import { describe, expect, it } from "vitest";
import { nextFlushAt } from "./flush-policy.ts";

describe("flush policy", () => {
  const policy = { quietSeconds: 300, maxDelaySeconds: 1800, minIntervalSeconds: 900 };
  it("waits for a quiet spell", () => {
    expect(nextFlushAt(1000, 1000, policy)).toBe(1300);
    expect(nextFlushAt(1000, 1200, policy)).toBe(1500);
  });
  it("never waits longer than the bound while activity goes on", () => {
    expect(nextFlushAt(1000, 2700, policy)).toBe(2800);
    expect(nextFlushAt(1000, 9000, policy)).toBe(2800);
  });
  it("waits at least the interval after the previous flush (issue 16)", () => {
    // Quiet by 1300, but the previous flush was at 900: not before 1800.
    expect(nextFlushAt(1000, 1000, policy, 900)).toBe(1800);
    // Long after the previous flush: the usual rule.
    expect(nextFlushAt(5000, 5000, policy, 900)).toBe(5300);
    // No previous flush known (or one that must not wait): the usual rule.
    expect(nextFlushAt(1000, 1000, policy, null)).toBe(1300);
  });
  it("never lets the interval exceed the bound", () => {
    const quick = { quietSeconds: 1, maxDelaySeconds: 2, minIntervalSeconds: 900 };
    expect(nextFlushAt(1000, 1000, quick, 999)).toBe(1001);
    expect(nextFlushAt(1000, 1000, quick, 1000)).toBe(1002);
  });
});
