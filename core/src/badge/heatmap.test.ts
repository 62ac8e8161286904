import { describe, expect, it } from "vitest";
import { XMLParser, XMLValidator } from "fast-xml-parser";
import { levelsOf, renderHeatmap } from "./heatmap.ts";
import { addDays } from "../time/zone.ts";

const parser = new XMLParser({ ignoreAttributes: false, attributeNamePrefix: "" });
const cells = (svg: string) => {
  const doc = parser.parse(svg);
  const rects: any[] = [].concat(doc.svg.g.rect);
  return rects.filter((r) => r["data-day"]);
};

describe("renderHeatmap", () => {
  const end = "2026-11-20"; // a Friday
  const seconds = new Map([
    ["2026-11-20", 7200],
    ["2026-11-19", 600],
    ["2025-11-23", 60],
    ["2025-01-01", 99_999], // older than the map: not drawn
  ]);

  it("draws one cell per day of the last 53 weeks, up to today, as well-formed XML", () => {
    const svg = renderHeatmap({ secondsByDay: seconds, end, title: "dev: 2 hrs in the last 12 months" });
    expect(XMLValidator.validate(svg)).toBe(true);
    const days = cells(svg).map((r) => r["data-day"] as string);
    expect(days[days.length - 1]).toBe(end);
    expect(days[0]).toBe(addDays(end, -(52 * 7 + 5))); // the Sunday 52 weeks before this week's
    expect(new Set(days).size).toBe(days.length);
    expect(days).toHaveLength(52 * 7 + 6);
  });

  it("shades by rank and totals only the drawn days", () => {
    const svg = renderHeatmap({ secondsByDay: seconds, end, theme: "dark", title: "t" });
    const byDay = new Map(cells(svg).map((r) => [r["data-day"], r.fill]));
    expect(byDay.get("2026-11-20")).toBe("#39d353");
    expect(byDay.get("2026-11-18")).toBe("#161b22");
    expect(svg).toContain(`data-total-seconds="${7200 + 600 + 60}"`);
  });

  it("leaves out days older than the shared history", () => {
    const svg = renderHeatmap({ secondsByDay: seconds, end, visibleFrom: "2026-11-19", title: "t" });
    expect(cells(svg).map((r) => r["data-day"])).toEqual(["2026-11-19", "2026-11-20"]);
  });

  it("escapes the caption", () => {
    const svg = renderHeatmap({ secondsByDay: new Map(), end, title: `<script>"x" & 'y'</script>` });
    expect(XMLValidator.validate(svg)).toBe(true);
    expect(svg).not.toContain("<script>");
  });
});

describe("levelsOf", () => {
  it("maps zero to 0 and active days to 1-4 by percentile rank", () => {
    const level = levelsOf([0, 10, 20, 30, 40]);
    expect([0, 10, 20, 30, 40].map(level)).toEqual([0, 1, 2, 3, 4]);
    expect([60, 600, 7200].map(levelsOf([60, 600, 7200]))).toEqual([2, 3, 4]);
    expect(levelsOf([5])(5)).toBe(4);
  });
});
