import { describe, expect, it } from "vitest";
import { encodeAdd, encodeRemove, replayQueueLog } from "./queue-log";

describe("replayQueueLog", () => {
  it("replays adds and removals in order", () => {
    const text =
      encodeAdd({ id: 1, item: "a" }) +
      encodeAdd({ id: 2, item: "b" }) +
      encodeRemove([1]) +
      encodeAdd({ id: 3, item: "c" });
    expect(replayQueueLog(text)).toEqual({
      entries: [
        { id: 2, item: "b" },
        { id: 3, item: "c" },
      ],
      corruptLines: 0,
    });
  });
  it("is idempotent for repeated records and skips a torn last line", () => {
    const add = encodeAdd({ id: 1, item: { x: 1 } });
    const text = add + add + encodeRemove([7]) + '{"a":2,"v":{"x"';
    expect(replayQueueLog(text)).toEqual({ entries: [{ id: 1, item: { x: 1 } }], corruptLines: 1 });
  });
});
