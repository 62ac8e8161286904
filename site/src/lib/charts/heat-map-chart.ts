import type { HeatMap } from "@kodo/core/dashboard";
import { longDayText, shortDuration } from "$lib/dashboard/format";
import type { ChartOption } from "./echarts";
import { esc, TEXT, TOOLTIP } from "./theme";

/** Levels of the heat map (hours a day) and their colours: alpha steps of one green read well on light and dark. */
export const HEAT_LEVELS = [
  { min: 0, max: 1, label: "< 1 h", color: "rgba(47, 158, 110, 0.3)" },
  { min: 1, max: 3, label: "1–3 h", color: "rgba(47, 158, 110, 0.55)" },
  { min: 3, max: 6, label: "3–6 h", color: "rgba(47, 158, 110, 0.8)" },
  { min: 6, label: "6 h +", color: "rgba(47, 158, 110, 1)" },
];

/** The year heat-map calendar (GitHub style): one cell per day, coloured by time. */
export function heatMapOption(heat: HeatMap, cellSize: number): ChartOption {
  return {
    textStyle: TEXT,
    tooltip: {
      ...TOOLTIP,
      formatter: (p: { value: [string, number] }) => `<div class="head">${esc(longDayText(p.value[0]))}<b>${shortDuration(p.value[1] * 3600)}</b></div>`,
    },
    visualMap: {
      type: "piecewise",
      show: true,
      orient: "horizontal",
      left: "center",
      bottom: 0,
      itemWidth: 12,
      itemHeight: 12,
      textStyle: TEXT,
      pieces: HEAT_LEVELS.map((l) => ({ ...l, color: l.color })),
    },
    calendar: {
      range: [heat.start, heat.end],
      top: 22,
      // Square cells, centred: wide screens get margins rather than stretched cells.
      left: "center",
      cellSize: [cellSize, cellSize],
      splitLine: { show: false },
      itemStyle: { color: "rgba(128, 128, 128, 0.12)", borderColor: "transparent", borderWidth: 2 },
      yearLabel: { show: false },
      monthLabel: { ...TEXT, nameMap: "en" },
      dayLabel: { ...TEXT, firstDay: 1, nameMap: ["", "Mon", "", "Wed", "", "Fri", ""] },
    },
    series: [
      {
        type: "heatmap",
        coordinateSystem: "calendar",
        data: heat.days.map((d) => [d.day, Math.round((d.seconds / 3600) * 100) / 100]),
      },
    ],
  };
}
