/**
 * ECharts with only the parts the dashboard uses (a smaller bundle than the full build), and
 * the server-side render: the first view's charts arrive as SVG inside the HTML, so the page
 * shows its graphs before any script has run. The browser then mounts live charts (tooltips,
 * resizing) with the SVG renderer too, whose `currentColor` text follows the page's theme.
 */
import * as echarts from "echarts/core";
import { BarChart, CustomChart, PieChart } from "echarts/charts";
import { GridComponent, LegendComponent, TooltipComponent } from "echarts/components";
import { SVGRenderer } from "echarts/renderers";

echarts.use([BarChart, CustomChart, PieChart, GridComponent, LegendComponent, TooltipComponent, SVGRenderer]);

export { echarts };
export type ChartOption = echarts.EChartsCoreOption;

/** The chart as an SVG string (with a viewBox, so CSS can scale it to its box). */
export function renderSvg(option: ChartOption, width: number, height: number): string {
  const chart = echarts.init(null, null, { renderer: "svg", ssr: true, width, height });
  try {
    chart.setOption({ ...option, animation: false });
    return chart.renderToSVGString();
  } finally {
    chart.dispose();
  }
}
