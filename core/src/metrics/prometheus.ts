/**
 * Prometheus' text exposition format (version 0.0.4), for the per-user metrics endpoint.
 * Written here rather than taken from `prom-client`: that library is built on Node's runtime
 * (process, cluster, perf_hooks) and a global registry, while this runs in every platform's
 * request (workerd, Lambda) and only formats numbers a request just read.
 *
 * Rules (https://prometheus.io/docs/instrumenting/exposition_formats/): one `# HELP` and
 * `# TYPE` line per family, then its samples; a label value escapes `\`, `"` and newline; HELP
 * text escapes `\` and newline; values are Go floats (`NaN`, `+Inf`, `-Inf` spelled out).
 */

export type MetricType = "counter" | "gauge";

export interface MetricFamily {
  /** `[a-zA-Z_:][a-zA-Z0-9_:]*` */
  name: string;
  help: string;
  type: MetricType;
  samples: { labels?: Record<string, string>; value: number }[];
}

const NAME = /^[a-zA-Z_:][a-zA-Z0-9_:]*$/;
const LABEL = /^[a-zA-Z_][a-zA-Z0-9_]*$/;

export function escapeLabelValue(value: string): string {
  return value.replace(/\\/g, "\\\\").replace(/"/g, '\\"').replace(/\n/g, "\\n");
}

function escapeHelp(text: string): string {
  return text.replace(/\\/g, "\\\\").replace(/\n/g, "\\n");
}

export function formatValue(value: number): string {
  if (Number.isNaN(value)) return "NaN";
  if (value === Infinity) return "+Inf";
  if (value === -Infinity) return "-Inf";
  return String(value);
}

/** The families as one exposition document (ends with a newline, as scrapers expect). */
export function exposition(families: readonly MetricFamily[]): string {
  const lines: string[] = [];
  for (const f of families) {
    if (!NAME.test(f.name)) throw new Error(`metric name ${JSON.stringify(f.name)} is not valid`);
    lines.push(`# HELP ${f.name} ${escapeHelp(f.help)}`, `# TYPE ${f.name} ${f.type}`);
    for (const s of f.samples) {
      const labels = Object.entries(s.labels ?? {});
      for (const [k] of labels) if (!LABEL.test(k)) throw new Error(`label name ${JSON.stringify(k)} is not valid`);
      const text = labels.length ? `{${labels.map(([k, v]) => `${k}="${escapeLabelValue(v)}"`).join(",")}}` : "";
      lines.push(`${f.name}${text} ${formatValue(s.value)}`);
    }
  }
  return lines.join("\n") + "\n";
}

/** The content type Prometheus asks for and accepts. */
export const EXPOSITION_CONTENT_TYPE = "text/plain; version=0.0.4; charset=utf-8";
