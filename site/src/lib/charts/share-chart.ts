import type { ShareItem } from "@kodo/core/dashboard";
import { percentText, shortDuration } from "$lib/dashboard/format";
import type { ChartOption } from "./echarts";
import { colorAt, esc, OTHER_COLOR, TEXT, TOOLTIP } from "./theme";

/** Slices drawn in a donut; the rest are one "Other" slice (the table beside lists them all). */
export const DONUT_SLICES = 7;

/** The donut's slices: the largest items, then the rest summed. */
export function donutSlices(items: readonly ShareItem[]): { label: string; seconds: number; percent: number; color: string }[] {
  const head = items.slice(0, DONUT_SLICES).map((it, i) => ({ label: it.label, seconds: it.seconds, percent: it.percent, color: colorAt(i) }));
  const rest = items.slice(DONUT_SLICES);
  if (rest.length > 0) {
    head.push({
      label: `${rest.length} more`,
      seconds: rest.reduce((a, it) => a + it.seconds, 0),
      percent: Math.round(rest.reduce((a, it) => a + it.percent, 0) * 100) / 100,
      color: OTHER_COLOR,
    });
  }
  return head;
}

/** Share of time by one dimension, as a donut. */
export function donutOption(items: readonly ShareItem[], name: string): ChartOption {
  const slices = donutSlices(items);
  return {
    textStyle: TEXT,
    tooltip: {
      ...TOOLTIP,
      trigger: "item",
      formatter: (p: { dataIndex: number }) => {
        const s = slices[p.dataIndex]!;
        return `<div class="head">${esc(s.label)}</div><div class="row">${shortDuration(s.seconds)}<b>${percentText(s.percent)}</b></div>`;
      },
    },
    series: [
      {
        type: "pie",
        name,
        radius: ["52%", "82%"],
        center: ["50%", "50%"],
        avoidLabelOverlap: true,
        label: { show: false },
        labelLine: { show: false },
        itemStyle: { borderColor: "rgba(128,128,128,0.35)", borderWidth: 1 },
        data: slices.map((s) => ({ name: s.label, value: Math.round(s.seconds), itemStyle: { color: s.color } })),
      },
    ],
  };
}
