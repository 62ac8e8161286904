/// <reference path="../src/metrics/parse-prometheus-text-format.d.ts" />
/**
 * The Prometheus metrics endpoint (issue 15): what a Grafana user's scrape config reads, checked
 * with an independent parser and figures computed here from the heartbeat times.
 */
import { describe, expect, it } from "vitest";
import parsePrometheusTextFormat from "parse-prometheus-text-format";
import type { ContractTarget } from "./target.ts";
import { clientFor, wireBeat } from "./client.ts";
import { addUtcDays, dayStart, expectedByKey, expectedOnDay, total, utcDay } from "./expected.ts";

function samples(text: string, family: string): Map<string, number> {
  const found = parsePrometheusTextFormat(text).find((f) => f.name === family);
  if (!found) throw new Error(`no ${family} in the scrape`);
  return new Map(found.metrics.map((m) => [m.labels?.name ?? "", Number(m.value)]));
}

export function defineMetricsContract(getTarget: () => ContractTarget): void {
  describe("Prometheus metrics", () => {
    it("exposes today's and all-time seconds per project, language and more, and the heartbeat count, to any form of the key", async () => {
      const target = getTarget();
      const { key } = await target.createUser();
      const u = clientFor(target, key);
      const now = Math.floor(Date.now() / 1000);
      const past = dayStart(addUtcDays(utcDay(now), -3)) + 9 * 3600;
      // A project name that needs escaping in the exposition format.
      const odd = 'say "hi" \\ there';
      const beats = [
        ...Array.from({ length: 11 }, (_, i) => wireBeat(past + i * 60, { project: "kodo", language: "TypeScript" })),
        ...Array.from({ length: 6 }, (_, i) => wireBeat(past + 1200 + i * 60, { project: odd, language: "Go" })),
        ...Array.from({ length: 4 }, (_, i) => wireBeat(now - 400 + i * 60, { project: "kodo", language: "Go" })),
      ];
      const stored = await u.post("/api/v1/users/current/heartbeats.bulk", beats);
      expect(stored.status).toBe(201);

      const res = await u.call("/api/kodo/metrics", { auth: "bearer" });
      expect(res.status).toBe(200);
      expect(res.headers.get("content-type")).toMatch(/^text\/plain; version=0\.0\.4/);
      const text = await res.text();
      const today = utcDay(Math.floor(Date.now() / 1000));

      const byProject = expectedByKey(beats.map((b) => ({ time: b.time, key: String(b.project) })));
      const byLanguage = expectedByKey(beats.map((b) => ({ time: b.time, key: String(b.language) })));
      const todayByProject = expectedOnDay(beats.map((b) => ({ time: b.time, key: String(b.project) })), today);
      expect(samples(text, "wakatime_cumulative_seconds_total").get("")).toBe(total(byProject));
      expect(samples(text, "wakatime_seconds_total").get("")).toBe(total(todayByProject));
      expect(samples(text, "wakatime_heartbeats_total").get("")).toBe(beats.length);
      expect(samples(text, "kodo_all_time_project_seconds")).toEqual(byProject);
      expect(samples(text, "kodo_all_time_language_seconds")).toEqual(byLanguage);
      expect(samples(text, "wakatime_project_seconds_total")).toEqual(new Map([...todayByProject].filter(([, s]) => s > 0)));
      expect(samples(text, "wakatime_editor_seconds_total").get("VS Code")).toBe(total(todayByProject) || undefined);

      // Wakapi's path and the other key forms answer the same scrape.
      for (const [path, auth] of [["/api/metrics", "basic"], ["/api/kodo/metrics", "query"], ["/api/kodo/metrics", "bearer-base64"]] as const) {
        const again = await u.call(path, { auth });
        expect(again.status, `${path} ${auth}`).toBe(200);
        expect(samples(await again.text(), "kodo_all_time_project_seconds"), path).toEqual(byProject);
      }
    });

    it("refuses a scrape without a valid key, and shows nobody else's time", async () => {
      const target = getTarget();
      const a = clientFor(target, (await target.createUser()).key);
      const b = clientFor(target, (await target.createUser()).key);
      const t = dayStart(addUtcDays(utcDay(Math.floor(Date.now() / 1000)), -2)) + 3600;
      await a.post("/api/v1/users/current/heartbeats.bulk", [wireBeat(t, { project: "a-secret" }), wireBeat(t + 60, { project: "a-secret" })]);
      expect((await a.call("/api/kodo/metrics", { auth: "none" })).status).toBe(401);
      const bad = clientFor(target, "waka_00000000-0000-4000-8000-000000000000");
      expect((await bad.call("/api/kodo/metrics")).status).toBe(401);
      const other = await (await b.call("/api/kodo/metrics")).text();
      expect(other).not.toContain("a-secret");
      expect(samples(other, "wakatime_cumulative_seconds_total").get("")).toBe(0);
    });
  });
}
