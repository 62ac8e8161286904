/** The test-only parser's shape (the package ships no types). */
declare module "parse-prometheus-text-format" {
  interface ParsedFamily {
    name: string;
    help: string;
    type: "COUNTER" | "GAUGE" | "SUMMARY" | "HISTOGRAM" | "UNTYPED";
    metrics: { labels?: Record<string, string>; value: string }[];
  }
  export default function parsePrometheusTextFormat(text: string): ParsedFamily[];
}
