/**
 * Text width from per-character metric tables: the tables shields.io's badge-maker measures
 * with (the `anafanafo` package, widths of Verdana/Helvetica glyphs rendered by a real
 * browser), so Kodo's badges have exactly the layout of shields.io's.
 *
 * A table is a sorted list of `[firstCodePoint, lastCodePoint, widthPx]` ranges. The rules are
 * those of `char-width-table-consumer` (which anafanafo wraps, but which reads files through
 * Node's `fs`, so it cannot run in every runtime): control characters are 0 wide, and a code
 * point missing from the table is counted as wide as "m" (the font's em width).
 */
export type CharWidthTable = readonly (readonly number[])[];

export interface TextMeasurer {
  /** Width in pixels of `text`, measured per Unicode code point. */
  widthOf(text: string): number;
}

export function measurerFor(table: CharWidthTable): TextMeasurer {
  const widthOfCodePoint = (code: number): number | undefined => {
    if (code <= 31 || code === 127) return 0;
    // Last range whose start is <= code (binary search over the sorted starts).
    let lo = 0;
    let hi = table.length - 1;
    let found = -1;
    while (lo <= hi) {
      const mid = (lo + hi) >> 1;
      if (table[mid]![0]! <= code) {
        found = mid;
        lo = mid + 1;
      } else {
        hi = mid - 1;
      }
    }
    if (found < 0) return undefined;
    const [, last, width] = table[found]!;
    return code <= last! ? width : undefined;
  };
  const emWidth = widthOfCodePoint("m".codePointAt(0)!) ?? 0;
  return {
    widthOf(text) {
      let width = 0;
      for (const ch of text) width += widthOfCodePoint(ch.codePointAt(0)!) ?? emWidth;
      return width;
    },
  };
}
