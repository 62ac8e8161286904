import fc from "fast-check";
import { describe, expect, it } from "vitest";
import { RETRY_BASE_MS, RETRY_MAX_MS, retryDelayMs } from "./backoff";

describe("retryDelayMs", () => {
  it("doubles per failure", () => {
    expect(retryDelayMs(1, 1 - Number.EPSILON)).toBeCloseTo(RETRY_BASE_MS, -1);
    expect(retryDelayMs(2, 0)).toBe(RETRY_BASE_MS);
    expect(retryDelayMs(3, 0)).toBe(2 * RETRY_BASE_MS);
  });
  it("stays within [cap/2, cap] with jitter, for any failure count", () => {
    fc.assert(
      fc.property(fc.integer({ min: 1, max: 10_000 }), fc.double({ min: 0, max: 1, maxExcluded: true, noNaN: true }), (n, r) => {
        const d = retryDelayMs(n, r);
        const ceiling = Math.min(RETRY_MAX_MS, RETRY_BASE_MS * 2 ** (n - 1));
        return d >= ceiling / 2 && d <= ceiling;
      }),
    );
  });
  it("never exceeds the cap", () => {
    expect(retryDelayMs(50, 0.999)).toBeLessThanOrEqual(RETRY_MAX_MS);
  });
});
