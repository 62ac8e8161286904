import type { Timeline } from "@kodo/core/dashboard";
import { clockText, durationText } from "$lib/dashboard/format";
import { echarts, type ChartOption } from "./echarts";
import { AXIS_LINE, colorAt, esc, GRID_LINE, TEXT, TOOLTIP } from "./theme";

/** The lanes of the timeline: one per project, in order of first appearance that day. */
export function timelineLanes(timeline: Timeline): { project: string; label: string }[] {
  const lanes: { project: string; label: string }[] = [];
  for (const e of timeline.entries) if (!lanes.some((l) => l.project === e.project)) lanes.push({ project: e.project, label: e.label });
  return lanes;
}

/**
 * The day's sessions as bars on a 24-hour axis, one lane per project. The axis counts seconds
 * from the local midnight, so labels are the user's clock whatever the browser's zone.
 */
export function timelineOption(timeline: Timeline, colorOf: (project: string) => string): ChartOption {
  const lanes = timelineLanes(timeline);
  const laneOf = new Map(lanes.map((l, i) => [l.project, i]));
  const length = timeline.dayEnd - timeline.dayStart;
  const data = timeline.entries.map((e) => ({
    value: [laneOf.get(e.project)!, e.start - timeline.dayStart, e.end - timeline.dayStart],
    itemStyle: { color: colorOf(e.project) },
    entry: e,
  }));
  return {
    textStyle: TEXT,
    grid: { left: 8, right: 16, top: 8, bottom: 4, containLabel: true },
    tooltip: {
      ...TOOLTIP,
      formatter: (p: { dataIndex: number }) => {
        const e = data[p.dataIndex]!.entry;
        const from = clockText(e.start - timeline.dayStart);
        const to = clockText(e.end - timeline.dayStart);
        const detail = [e.languages.join(", "), e.branches.join(", ")].filter(Boolean).map(esc).join(" · ");
        return `<div class="head">${esc(e.label)}<b>${from}–${to}</b></div><div class="row">${durationText(e.end - e.start)}</div>${detail ? `<div class="row">${detail}</div>` : ""}`;
      },
    },
    xAxis: {
      type: "value",
      min: 0,
      max: length,
      interval: 3 * 3600,
      axisLine: AXIS_LINE,
      splitLine: GRID_LINE,
      axisLabel: { ...TEXT, hideOverlap: true, formatter: (v: number) => clockText(v) },
    },
    yAxis: {
      type: "category",
      data: lanes.map((l) => l.label),
      inverse: true,
      axisTick: { show: false },
      axisLine: AXIS_LINE,
      axisLabel: { ...TEXT, width: 110, overflow: "truncate" },
    },
    series: [
      {
        type: "custom",
        name: "Sessions",
        encode: { x: [1, 2], y: 0 },
        data,
        renderItem: (params: unknown, api: CustomApi) => {
          const lane = api.value(0);
          const start = api.coord([api.value(1), lane]);
          const end = api.coord([api.value(2), lane]);
          const height = (api.size([0, 1]) as number[])[1]! * 0.6;
          // Even a one-minute session stays visible: at least 2 px wide.
          const shape = echarts.graphic.clipRectByRect(
            { x: start[0]!, y: start[1]! - height / 2, width: Math.max(2, end[0]! - start[0]!), height },
            coordSysOf(params),
          );
          return shape && { type: "rect", shape, style: api.style() };
        },
      },
    ],
  };
}

interface CustomApi {
  value(dimension: number): number;
  coord(values: number[]): number[];
  size(values: number[]): number[] | number;
  style(): Record<string, unknown>;
}

function coordSysOf(params: unknown): { x: number; y: number; width: number; height: number } {
  return (params as { coordSys: { x: number; y: number; width: number; height: number } }).coordSys;
}
