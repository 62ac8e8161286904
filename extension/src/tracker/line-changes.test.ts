import { describe, expect, it } from "vitest";
import { countLineChanges, LineChangeTotals } from "./line-changes";

describe("countLineChanges", () => {
  it("counts typed characters as no line change", () => {
    expect(countLineChanges([{ startLine: 3, endLine: 3, text: "x" }])).toEqual({
      added: 0,
      deleted: 0,
    });
  });
  it("counts pasted lines as added and a replaced span as deleted", () => {
    expect(
      countLineChanges([
        { startLine: 1, endLine: 1, text: "a\nb\nc\n" },
        { startLine: 10, endLine: 14, text: "" },
      ]),
    ).toEqual({ added: 3, deleted: 4 });
  });
});

describe("LineChangeTotals", () => {
  it("sums per file and resets on take", () => {
    const t = new LineChangeTotals();
    t.add("a", { added: 1, deleted: 0 });
    t.add("a", { added: 2, deleted: 5 });
    t.add("b", { added: 7, deleted: 0 });
    expect(t.take("a")).toEqual({ added: 3, deleted: 5 });
    expect(t.take("a")).toBeUndefined();
    expect(t.take("b")).toEqual({ added: 7, deleted: 0 });
  });
});
