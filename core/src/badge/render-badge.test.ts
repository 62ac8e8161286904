import { describe, expect, it } from "vitest";
import fc from "fast-check";
import { makeBadge } from "badge-maker";
import anafanafo from "anafanafo";
import { renderBadge, BADGE_STYLES, type BadgeStyle } from "./render-badge.ts";
import { badgeColor, COLOR_NAMES } from "./colors.ts";
import { cleanBadgeText } from "./xml.ts";
import { BADGE_FONTS } from "./fonts.ts";

/** shields.io's own renderer is the reference: same input, same bytes. */
function reference(label: string, message: string, color: string, style: BadgeStyle) {
  return makeBadge({ label, message, color, style });
}

describe("renderBadge matches shields.io's badge-maker byte for byte", () => {
  const cases: [string, string, string][] = [
    ["last 7 days", "12 hrs 5 mins", "blue"],
    ["kodo · all time", "1,234 hrs", "4b0"],
    ["", "private", "lightgrey"],
    ["<script>alert(1)</script>", `"quoted" & 'single'`, "#e0e0e0"],
    ["مرحبا بالعالم", "שלום 5 mins", "yellow"],
    ["🚀 coding 👩‍💻", "3 hrs", "ffffff"],
    ["ß straße", "ǅ title", "red"],
  ];
  for (const style of BADGE_STYLES) {
    for (const [label, message, color] of cases) {
      it(`${style}: ${JSON.stringify(label)} / ${JSON.stringify(message)} on ${color}`, () => {
        const fill = badgeColor(color)!;
        expect(renderBadge({ label, message, color: fill, style })).toBe(reference(label, message, fill, style));
      });
    }
  }

  it("for any clean text, colour and style", () => {
    const text = fc.string({ unit: "binary", maxLength: 40 }).map(cleanBadgeText);
    const color = fc.oneof(fc.constantFrom(...COLOR_NAMES), fc.stringMatching(/^[0-9a-f]{6}$/), fc.stringMatching(/^[0-9a-f]{3}$/));
    fc.assert(
      fc.property(text, text.filter((m) => m.length > 0), color, fc.constantFrom(...BADGE_STYLES), (label, message, c, style) => {
        const fill = badgeColor(c)!;
        expect(renderBadge({ label, message, color: fill, style })).toBe(reference(label, message, fill, style));
      }),
      { numRuns: 500 },
    );
  });
});

describe("text widths", () => {
  it("equal anafanafo's for every table, including characters missing from the font", () => {
    fc.assert(
      fc.property(fc.string({ unit: "binary", maxLength: 30 }), (s) => {
        expect(BADGE_FONTS.verdana11.widthOf(s)).toBeCloseTo(anafanafo(s, { font: "11px Verdana" }), 9);
        expect(BADGE_FONTS.verdana10.widthOf(s)).toBeCloseTo(anafanafo(s, { font: "10px Verdana" }), 9);
        expect(BADGE_FONTS.verdana10Bold.widthOf(s)).toBeCloseTo(anafanafo(s, { font: "bold 10px Verdana" }), 9);
      }),
      { numRuns: 1000 },
    );
  });

  it("wider text makes a wider badge", () => {
    const narrow = renderBadge({ label: "iiii", message: "x", color: "#555" });
    const wide = renderBadge({ label: "WWWW", message: "x", color: "#555" });
    const width = (svg: string) => Number(/<svg[^>]* width="([\d.]+)"/.exec(svg)![1]);
    expect(width(wide)).toBeGreaterThan(width(narrow));
  });
});

describe("badgeColor", () => {
  it("accepts shields.io names, aliases and hex", () => {
    expect(badgeColor("brightgreen")).toBe("#4b0");
    expect(badgeColor("informational")).toBe("#007ec6");
    expect(badgeColor("Gray")).toBe("#555");
    expect(badgeColor("#ABCDEF")).toBe("#abcdef");
    expect(badgeColor("fa0")).toBe("#fa0");
  });
  it("refuses anything else", () => {
    for (const hostile of ['red" onload="alert(1)', "url(#x)", "rgb(1,2,3)", "constructor", "__proto__", "toString", "#12345", "javascript:1", "", "#ggg"]) {
      expect(badgeColor(hostile)).toBeNull();
    }
  });
});

describe("cleanBadgeText", () => {
  it("drops characters XML cannot carry and collapses whitespace", () => {
    expect(cleanBadgeText("  a\u0000b\u0007 \n\t c\u0085\ud800 ")).toBe("ab c");
    expect(cleanBadgeText("👩‍💻 عربى")).toBe("👩‍💻 عربى");
  });
});
