/**
 * An embeddable activity heat map: one square per local day over the last 12 months, weeks as
 * columns (Sunday first, as on GitHub), shaded by coding time. Shades are relative to the
 * user's own days (quartiles of their active days), so a light and a heavy user both get a
 * readable map. The background is transparent; `theme` picks palettes for light or dark pages.
 */
import { addDays } from "../time/zone.ts";
import { humanText } from "../wakatime/v1/format.ts";
import { escapeXml } from "./xml.ts";

export const HEATMAP_THEMES = ["light", "dark"] as const;
export type HeatmapTheme = (typeof HEATMAP_THEMES)[number];

export interface HeatmapInput {
  /** Seconds per local day ("YYYY-MM-DD"); missing days count as none. */
  secondsByDay: ReadonlyMap<string, number>;
  /** The last day drawn (today in the user's zone). */
  end: string;
  /** Days before this one are not drawn (the user shares no older history); default: all. */
  visibleFrom?: string;
  theme?: HeatmapTheme;
  /** Accessible name and caption, e.g. "alice: 120 hrs in the last 12 months". */
  title: string;
}

const PALETTES: Record<HeatmapTheme, { levels: string[]; text: string }> = {
  light: { levels: ["#ebedf0", "#9be9a8", "#40c463", "#30a14e", "#216e39"], text: "#57606a" },
  dark: { levels: ["#161b22", "#0e4429", "#006d32", "#26a641", "#39d353"], text: "#8b949e" },
};

const CELL_PX = 10;
const STEP_PX = 13;
const LEFT_PX = 30;
const TOP_PX = 20;
const WEEKS = 53;
const MONTHS = ["Jan", "Feb", "Mar", "Apr", "May", "Jun", "Jul", "Aug", "Sep", "Oct", "Nov", "Dec"];
const FONT = `font-family="Verdana,Geneva,DejaVu Sans,sans-serif" font-size="9"`;

/**
 * 0 for no time; otherwise 1-4 by percentile rank among the active days (the share of active
 * days with at most this much time, in quarters), so the busiest day is always the darkest.
 */
export function levelsOf(values: readonly number[]): (seconds: number) => number {
  const active = values.filter((v) => v > 0).sort((a, b) => a - b);
  return (seconds) => {
    if (seconds <= 0 || active.length === 0) return 0;
    let lo = 0;
    let hi = active.length; // first index with a value > seconds
    while (lo < hi) {
      const mid = (lo + hi) >> 1;
      if (active[mid]! <= seconds) lo = mid + 1;
      else hi = mid;
    }
    return Math.max(1, Math.ceil((4 * lo) / active.length));
  };
}

const weekday = (day: string) => new Date(`${day}T00:00:00Z`).getUTCDay();

/** The first day the map draws for `end`: the Sunday starting the week 52 weeks before end's. */
export function heatmapFirstDay(end: string): string {
  return addDays(end, -(7 * (WEEKS - 1) + weekday(end)));
}

export function renderHeatmap(input: HeatmapInput): string {
  const palette = PALETTES[input.theme ?? "light"];
  const firstDay = heatmapFirstDay(input.end);
  const width = LEFT_PX + WEEKS * STEP_PX + 10;
  const height = TOP_PX + 7 * STEP_PX + 30;

  const parts: string[] = [];
  const cells: { day: string; seconds: number; x: number; y: number }[] = [];
  let lastLabelWeek = -3;
  for (let week = 0; week < WEEKS; week++) {
    const days = Array.from({ length: 7 }, (_, row) => addDays(firstDay, week * 7 + row)).filter((d) => d <= input.end);
    // A month is labelled over the column holding its 1st (the first column: its first day's
    // month), unless the previous label is too close or the label would run off the edge.
    const labelDay = days.find((d) => d.endsWith("-01")) ?? (week === 0 ? days[0] : undefined);
    if (labelDay && week - lastLabelWeek >= 3 && week <= WEEKS - 3) {
      const month = MONTHS[Number(labelDay.slice(5, 7)) - 1]!;
      parts.push(`<text x="${LEFT_PX + week * STEP_PX}" y="${TOP_PX - 6}" fill="${palette.text}">${month}</text>`);
      lastLabelWeek = week;
    }
    days.forEach((day, row) => {
      if (input.visibleFrom !== undefined && day < input.visibleFrom) return;
      cells.push({ day, seconds: input.secondsByDay.get(day) ?? 0, x: LEFT_PX + week * STEP_PX, y: TOP_PX + row * STEP_PX });
    });
  }
  // Shades are relative to the drawn days only: older (hidden) days must not skew them.
  const level = levelsOf(cells.map((c) => c.seconds));
  let total = 0;
  for (const { day, seconds, x, y } of cells) {
    total += seconds;
    const tip = `${day}: ${seconds > 0 ? humanText(seconds) : "no activity"}`;
    parts.push(
      `<rect x="${x}" y="${y}" width="${CELL_PX}" height="${CELL_PX}" rx="2" fill="${palette.levels[level(seconds)]}" data-day="${day}"><title>${escapeXml(tip)}</title></rect>`,
    );
  }
  for (const [row, name] of [[1, "Mon"], [3, "Wed"], [5, "Fri"]] as const) {
    parts.push(`<text x="0" y="${TOP_PX + row * STEP_PX + 9}" fill="${palette.text}">${name}</text>`);
  }
  const legendY = TOP_PX + 7 * STEP_PX + 12;
  const legendX = width - 10 - 5 * STEP_PX - 30;
  parts.push(`<text x="${legendX - 4}" y="${legendY + 9}" text-anchor="end" fill="${palette.text}">Less</text>`);
  palette.levels.forEach((fill, i) => {
    parts.push(`<rect x="${legendX + i * STEP_PX}" y="${legendY}" width="${CELL_PX}" height="${CELL_PX}" rx="2" fill="${fill}"/>`);
  });
  parts.push(`<text x="${legendX + 5 * STEP_PX + 2}" y="${legendY + 9}" fill="${palette.text}">More</text>`);
  const caption = escapeXml(input.title);
  parts.push(`<text x="${LEFT_PX}" y="${legendY + 9}" fill="${palette.text}">${caption}</text>`);

  return (
    `<svg xmlns="http://www.w3.org/2000/svg" width="${width}" height="${height}" viewBox="0 0 ${width} ${height}" role="img" aria-label="${caption}" data-total-seconds="${Math.round(total)}">` +
    `<title>${caption}</title><g ${FONT}>${parts.join("")}</g></svg>`
  );
}
