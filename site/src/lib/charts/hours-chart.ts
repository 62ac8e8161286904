import { shortDuration } from "$lib/dashboard/format";
import type { ChartOption } from "./echarts";
import { AXIS_LINE, colorAt, GRID_LINE, TEXT, TOOLTIP } from "./theme";

export const HOUR_LABELS = Array.from({ length: 24 }, (_, h) => String(h).padStart(2, "0"));

/** Time per hour of the day (the user's local hours) over the range. */
export function hoursOption(hours: readonly number[]): ChartOption {
  // Whole hours on the axis once any hour holds two or more; minutes below that.
  const unit = Math.max(0, ...hours) >= 2 * 3600 ? { seconds: 3600, suffix: "h" } : { seconds: 60, suffix: "m" };
  return {
    textStyle: TEXT,
    color: [colorAt(0)],
    grid: { left: 8, right: 8, top: 12, bottom: 4, containLabel: true },
    tooltip: {
      ...TOOLTIP,
      trigger: "axis",
      axisPointer: { type: "shadow" },
      formatter: (items: { dataIndex: number }[]) => {
        const h = items[0]?.dataIndex ?? 0;
        return `<div class="head">${HOUR_LABELS[h]}:00–${HOUR_LABELS[(h + 1) % 24]}:00<b>${shortDuration(hours[h] ?? 0)}</b></div>`;
      },
    },
    xAxis: { type: "category", data: HOUR_LABELS, axisTick: { show: false }, axisLine: AXIS_LINE, axisLabel: { ...TEXT, interval: 2 } },
    yAxis: { type: "value", axisLabel: { ...TEXT, formatter: (v: number) => `${v}${unit.suffix}` }, splitLine: GRID_LINE, minInterval: 1 },
    series: [{ type: "bar", name: "Time", barMaxWidth: 22, data: hours.map((s) => Math.round((s / unit.seconds) * 100) / 100) }],
  };
}
