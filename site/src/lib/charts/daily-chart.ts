import type { DailySeries } from "@kodo/core/dashboard";
import { bucketText, shortDuration } from "$lib/dashboard/format";
import type { ChartOption } from "./echarts";
import { AXIS_LINE, colorAt, esc, GRID_LINE, OTHER_COLOR, OTHER_PROJECTS, TEXT, TOOLTIP } from "./theme";

/** Total per day (or week, month) stacked by project. */
export function dailyOption(daily: DailySeries): ChartOption {
  const hours = (s: number) => Math.round((s / 3600) * 100) / 100;
  const many = daily.labels.length > 45;
  return {
    textStyle: TEXT,
    color: daily.series.map((s, i) => (s.name === OTHER_PROJECTS ? OTHER_COLOR : colorAt(i))),
    grid: { left: 8, right: 12, top: 16, bottom: daily.series.length > 1 ? 56 : 8, containLabel: true },
    legend: daily.series.length > 1 ? { bottom: 0, type: "plain", textStyle: TEXT, icon: "roundRect", itemWidth: 12, itemHeight: 12 } : undefined,
    tooltip: {
      ...TOOLTIP,
      trigger: "axis",
      axisPointer: { type: "shadow" },
      formatter: (items: { dataIndex: number; seriesName: string; value: number; color: string }[]) => {
        const i = items[0]?.dataIndex ?? 0;
        const rows = items
          .filter((it) => it.value > 0)
          .sort((a, b) => b.value - a.value)
          .map((it) => `<div class="row"><span class="dot" style="background:${it.color}"></span>${esc(it.seriesName)}<b>${shortDuration(it.value * 3600)}</b></div>`)
          .join("");
        return `<div class="head">${esc(bucketText(daily.labels[i]!, daily.bucket, true))}<b>${shortDuration(daily.totals[i]!)}</b></div>${rows}`;
      },
    },
    xAxis: {
      type: "category",
      data: daily.labels.map((l) => bucketText(l, daily.bucket === "week" ? "day" : daily.bucket)),
      axisTick: { show: false },
      axisLine: AXIS_LINE,
      axisLabel: { ...TEXT, hideOverlap: true, interval: many ? "auto" : 0 },
    },
    yAxis: {
      type: "value",
      axisLabel: { ...TEXT, formatter: (v: number) => `${v}h` },
      splitLine: GRID_LINE,
      minInterval: 0.5,
    },
    series: daily.series.map((s) => ({
      type: "bar",
      name: s.label,
      stack: "total",
      barMaxWidth: 36,
      emphasis: { focus: "series" },
      data: s.seconds.map(hours),
    })),
  };
}
