import { describe, expect, it } from "vitest";
import fc from "fast-check";
import parsePrometheusTextFormat from "parse-prometheus-text-format";
import { exposition, type MetricFamily } from "./prometheus.ts";

describe("Prometheus exposition", () => {
  it("round-trips through an independent parser, any label value", () => {
    fc.assert(
      fc.property(
        fc.array(fc.tuple(fc.string({ unit: "grapheme", maxLength: 40 }), fc.double({ min: 0, max: 1e9, noNaN: true })), { maxLength: 20 }),
        (rows) => {
          // Label values are unique per family (as per-project names are).
          const unique = [...new Map(rows.map(([n, v]) => [n, v])).entries()];
          const family: MetricFamily = {
            name: "wakatime_project_seconds_total",
            help: "Seconds per project.\nSecond line \\ backslash.",
            type: "counter",
            samples: unique.map(([name, value]) => ({ labels: { name }, value })),
          };
          const parsed = parsePrometheusTextFormat(exposition([family]));
          expect(parsed).toHaveLength(1);
          const f = parsed[0]!;
          expect(f.name).toBe(family.name);
          expect(f.type).toBe("COUNTER");
          expect(f.help).toBe(family.help);
          expect(f.metrics.map((m) => [m.labels?.name, Number(m.value)])).toEqual(unique.map(([n, v]) => [n, v]));
        },
      ),
      { numRuns: 200 },
    );
  });

  it("escapes quotes, backslashes and newlines in label values", () => {
    const text = exposition([{ name: "m", help: "h", type: "gauge", samples: [{ labels: { name: 'a"b\\c\nd' }, value: 1.5 }] }]);
    expect(text).toBe('# HELP m h\n# TYPE m gauge\nm{name="a\\"b\\\\c\\nd"} 1.5\n');
  });

  it("refuses names Prometheus would not accept", () => {
    expect(() => exposition([{ name: "bad-name", help: "", type: "gauge", samples: [] }])).toThrow(/not valid/);
    expect(() => exposition([{ name: "ok", help: "", type: "gauge", samples: [{ labels: { "bad-label": "x" }, value: 1 }] }])).toThrow(/not valid/);
  });
});
