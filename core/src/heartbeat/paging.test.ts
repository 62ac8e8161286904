import { describe, expect, it } from "vitest";
import fc from "fast-check";
import { decodeHeartbeatCursor, encodeHeartbeatCursor, HEARTBEAT_PAGE_MAX_BYTES, pageLimit, takePage } from "./paging.ts";

describe("takePage", () => {
  it("cuts at the count, and says whether rows are left", () => {
    expect(takePage([1, 2, 3], 2, () => 1)).toEqual({ rows: [1, 2], more: true });
    expect(takePage([1, 2], 2, () => 1)).toEqual({ rows: [1, 2], more: false });
    expect(takePage([], 2, () => 1)).toEqual({ rows: [], more: false });
  });

  it("cuts at the byte bound, but always takes one row", () => {
    const half = HEARTBEAT_PAGE_MAX_BYTES / 2;
    expect(takePage(["a", "b", "c"], 10, () => half)).toEqual({ rows: ["a", "b"], more: true });
    expect(takePage(["a", "b"], 10, () => half + 1)).toEqual({ rows: ["a"], more: true });
    expect(takePage(["huge"], 10, () => HEARTBEAT_PAGE_MAX_BYTES * 3)).toEqual({ rows: ["huge"], more: false });
  });

  it("reads no row past the page", () => {
    let read = 0;
    function* rows() {
      for (let i = 0; i < 100; i++) {
        read++;
        yield i;
      }
    }
    takePage(rows(), 5, () => 1);
    expect(read).toBe(6);
  });

  it("clamps page sizes", () => {
    expect([pageLimit(undefined), pageLimit(0), pageLimit(10.7), pageLimit(1e9)]).toEqual([5000, 1, 10, 5000]);
  });
});

describe("heartbeat cursors", () => {
  it("round-trip", () => {
    const c = { day: "2026-10-05", page: 7, after: { time: 1_790_000_000.123, id: "ab".repeat(32) }, total: 100_500 };
    const text = encodeHeartbeatCursor(c);
    expect(text).toMatch(/^[A-Za-z0-9_-]+$/);
    expect(decodeHeartbeatCursor(text)).toEqual(c);
  });

  it("decode any text to a cursor or null, never throwing", () => {
    fc.assert(fc.property(fc.string({ unit: "binary" }), (s) => {
      const c = decodeHeartbeatCursor(s);
      expect(c === null || typeof c.day === "string").toBe(true);
    }));
    expect(decodeHeartbeatCursor(btoa(JSON.stringify(["2026-13-01", 2, 1, "x", 0])).replace(/=+$/, ""))).toBeNull();
    expect(decodeHeartbeatCursor(btoa(JSON.stringify(["2026-10-01", 1, 1, "x", 0])).replace(/=+$/, ""))).toBeNull();
  });
});
