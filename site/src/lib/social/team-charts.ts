/** ECharts options for the team dashboard: time per day (columns) and a ranked list (bars). */
import { dayText, shortDuration } from "$lib/dashboard/format";
import type { ChartOption } from "$lib/charts/echarts";
import { AXIS_LINE, colorAt, esc, GRID_LINE, TEXT, TOOLTIP } from "$lib/charts/theme";

// Values are plotted in hours, so the axis picks round hour ticks (1h, 2h), not round seconds.
const hoursAxis = { type: "value", axisLabel: { formatter: (v: number) => `${v}h` }, splitLine: GRID_LINE };
const hours = (seconds: number) => seconds / 3600;

export function teamDaysOption(days: readonly { day: string; totalSeconds: number }[]): ChartOption {
  return {
    textStyle: TEXT,
    grid: { left: 44, right: 12, top: 12, bottom: 28 },
    tooltip: {
      ...TOOLTIP,
      trigger: "axis",
      formatter: (ps: { dataIndex: number }[]) => {
        const d = days[ps[0]!.dataIndex]!;
        return `<div class="head">${esc(dayText(d.day, true))}</div><div class="row">${shortDuration(d.totalSeconds)}</div>`;
      },
    },
    xAxis: { type: "category", data: days.map((d) => dayText(d.day)), axisLine: AXIS_LINE, axisTick: { show: false } },
    yAxis: hoursAxis,
    series: [{ type: "bar", data: days.map((d) => hours(d.totalSeconds)), itemStyle: { color: colorAt(0), borderRadius: [3, 3, 0, 0] }, barMaxWidth: 36 }],
  };
}

/** Horizontal bars, largest on top (the API sends the list largest first). */
export function rankedBarsOption(items: readonly { name: string; totalSeconds: number }[], colorIndex: number): ChartOption {
  const shown = items.slice(0, 10).reverse();
  return {
    textStyle: TEXT,
    grid: { left: 8, right: 56, top: 4, bottom: 4, containLabel: true },
    tooltip: { ...TOOLTIP, trigger: "item", formatter: (p: { dataIndex: number }) => `<div class="head">${esc(shown[p.dataIndex]!.name)}</div><div class="row">${shortDuration(shown[p.dataIndex]!.totalSeconds)}</div>` },
    xAxis: { ...hoursAxis, show: false },
    yAxis: { type: "category", data: shown.map((i) => (i.name.length > 22 ? `${i.name.slice(0, 21)}…` : i.name)), axisLine: AXIS_LINE, axisTick: { show: false } },
    series: [
      {
        type: "bar",
        data: shown.map((i) => hours(i.totalSeconds)),
        itemStyle: { color: colorAt(colorIndex), borderRadius: [0, 3, 3, 0] },
        barMaxWidth: 22,
        label: { show: true, position: "right", color: "currentColor", formatter: (p: { dataIndex: number }) => shortDuration(shown[p.dataIndex]!.totalSeconds) },
      },
    ],
  };
}
