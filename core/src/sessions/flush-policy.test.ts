import { describe, expect, it } from "vitest";
import { nextFlushAt } from "./flush-policy.ts";

describe("flush policy", () => {
  const policy = { quietSeconds: 300, maxDelaySeconds: 1800 };
  it("waits for a quiet spell", () => {
    expect(nextFlushAt(1000, 1000, policy)).toBe(1300);
    expect(nextFlushAt(1000, 1200, policy)).toBe(1500);
  });
  it("never waits longer than the bound while activity goes on", () => {
    expect(nextFlushAt(1000, 2700, policy)).toBe(2800);
    expect(nextFlushAt(1000, 9000, policy)).toBe(2800);
  });
});
