/**
 * One user's coding time as Prometheus metrics, for Grafana dashboards. Names follow Wakapi's
 * `/api/metrics` (`wakatime_*`), so dashboards made for Wakapi work unchanged:
 * - `wakatime_seconds_total`: today's time; `wakatime_cumulative_seconds_total`: all time;
 * - `wakatime_{project,language,editor,operating_system,machine}_seconds_total{name}`: today,
 *   per value (Wakapi's per-dimension families are today's);
 * - `wakatime_heartbeats_total`: heartbeats stored.
 * Kodo adds the all-time split, `kodo_all_time_{dimension}_seconds{name}` (gauges: deleting
 * heartbeats can lower them), so "total by project" needs no second scrape config.
 * Time is all activity (every category), in the user's time zone's days, like the dashboard.
 */
import type { DayActivity, Dimension } from "../types.ts";
import { sumTotals, UNKNOWN } from "../sessions/rollup.ts";
import type { MetricFamily } from "./prometheus.ts";

const DIMENSIONS: [Dimension, string, string][] = [
  ["project", "project", "project"],
  ["language", "language", "language"],
  ["editor", "editor", "editor"],
  ["operatingSystem", "operating_system", "operating system"],
  ["machine", "machine", "machine"],
];

const round = (s: number) => Math.round(s * 100) / 100;

function byName(totals: Record<string, number>, dimension: Dimension) {
  return Object.entries(totals)
    .filter(([, s]) => s > 0)
    .sort((a, b) => b[1] - a[1] || (a[0] < b[0] ? -1 : 1))
    .map(([name, seconds]) => ({ labels: { name: name === UNKNOWN ? (dimension === "language" ? "Other" : "Unknown") : name }, value: round(seconds) }));
}

export function userMetrics(input: { today: readonly DayActivity[]; allTime: readonly DayActivity[]; heartbeats: number }): MetricFamily[] {
  const today = sumTotals(input.today);
  const all = sumTotals(input.allTime);
  const families: MetricFamily[] = [
    { name: "wakatime_cumulative_seconds_total", help: "Total seconds of activity, all time.", type: "counter", samples: [{ value: round(all.totalSeconds) }] },
    { name: "wakatime_seconds_total", help: "Seconds of activity today (the user's time zone).", type: "counter", samples: [{ value: round(today.totalSeconds) }] },
    { name: "wakatime_heartbeats_total", help: "Heartbeats stored.", type: "counter", samples: [{ value: input.heartbeats }] },
  ];
  for (const [dimension, wire, text] of DIMENSIONS) {
    families.push({
      name: `wakatime_${wire}_seconds_total`,
      help: `Seconds of activity today per ${text}.`,
      type: "counter",
      samples: byName(today.totals[dimension], dimension),
    });
  }
  for (const [dimension, wire, text] of DIMENSIONS) {
    families.push({
      name: `kodo_all_time_${wire}_seconds`,
      help: `Seconds of activity per ${text}, all time.`,
      type: "gauge",
      samples: byName(all.totals[dimension], dimension),
    });
  }
  return families;
}
