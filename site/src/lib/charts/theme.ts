/**
 * Colours and text styles shared by the charts. Text and axis lines use `currentColor`, so one
 * rendered chart is right in the light and the dark theme (its box sets `color`); series
 * colours are mid-tones that keep contrast on both backgrounds.
 */
export const PALETTE = ["#3b82f6", "#f59e0b", "#10b981", "#ef4444", "#8b5cf6", "#ec4899", "#14b8a6", "#f97316", "#84cc16", "#6366f1"];
export const OTHER_COLOR = "#94a3b8";
/** Name the API gives the "other projects" band of the stacked chart. */
export const OTHER_PROJECTS = "\u0000other";

export function colorAt(index: number): string {
  return PALETTE[index % PALETTE.length]!;
}

export const TEXT = { color: "currentColor", fontFamily: "system-ui, -apple-system, Segoe UI, Roboto, sans-serif", fontSize: 12 };
export const GRID_LINE = { lineStyle: { color: "rgba(128, 128, 128, 0.25)" } };
export const AXIS_LINE = { lineStyle: { color: "rgba(128, 128, 128, 0.6)" } };

/** Tooltips are HTML: styled from the page's CSS variables through this class (see chart.css). */
export const TOOLTIP = {
  className: "kodo-chart-tooltip",
  backgroundColor: "transparent",
  borderWidth: 0,
  padding: 0,
  textStyle: { color: "inherit" },
  confine: true,
};

/** HTML-escapes a value put into a tooltip (project names come from users' editors). */
export function esc(value: string): string {
  return value.replace(/[&<>"']/g, (c) => `&#${c.charCodeAt(0)};`);
}
