import { beforeEach, describe, expect, it } from "vitest";
import type { z } from "zod";
import { app } from "../src/index.ts";
import { endpointRoutes, undocumentedRoutes, type OpenApiDocument } from "@kodo/core/http";
import {
  allTimeSchema,
  bulkResultSchema,
  currentUserSchema,
  durationsSchema,
  heartbeatCreatedSchema,
  heartbeatListSchema,
  machineNamesSchema,
  projectsSchema,
  publicStatsSchema,
  shieldsEndpointSchema,
  statsSchema,
  statusBarSchema,
  summariesSchema,
  userAgentsSchema,
  publicWakaTimeStatsSchema,
  notPublicWakaTimeStatsSchema,
  publicWakaTimeUserSchema,
  wakaGoalsSchema,
  wakaGoalOneSchema,
  privateLeaderboardsSchema,
  privateLeadersSchema,
  leadersSchema,
  insightSchema,
  dataDumpListSchema,
  dataDumpSchema,
  externalDurationListSchema,
  externalBulkSchema,
} from "@kodo/core/http";
import { z as zod } from "zod";
import { call, freshStorage, postBeats, UA_CLI, wire } from "./helpers.ts";
import { aSharingUser, minutes, send } from "./public-fixtures.ts";

beforeEach(freshStorage);

/**
 * Routes the document cannot describe. None: Better Auth's wildcard route (worker/src/auth)
 * is described by Better Auth's own OpenAPI output, merged in (core/src/auth/openapi.ts).
 */
const KNOWN_GAPS: string[] = [];

async function servedDocument(): Promise<OpenApiDocument> {
  const res = await call("/api/openapi.json");
  expect(res.status).toBe(200);
  expect(res.headers.get("content-type")).toMatch(/^application\/json/);
  return (await res.json()) as OpenApiDocument;
}

describe("the worker's OpenAPI document", () => {
  it("describes every route the worker serves (the entry's whole app)", async () => {
    const doc = await servedDocument();
    const undocumented = undocumentedRoutes(app.routes, doc);
    expect(undocumented.filter((r) => !KNOWN_GAPS.includes(r))).toEqual([]);
    // A gap that got described must leave the list, so the list stays the truth.
    expect(KNOWN_GAPS.filter((r) => !undocumented.includes(r))).toEqual([]);
    // Sanity: the comparison saw the real route table.
    const endpoints = endpointRoutes(app.routes).map((e) => `${e.method} ${e.path}`);
    for (const route of [
      "POST /api/v1/users/{user}/heartbeats.bulk",
      "GET /api/compat/wakatime/v1/users/{user}/stats/{range}",
      "GET /api/badge/{username}/{range}.svg",
      "GET /api/badge/{username}/{range}.json",
      "GET /api/activity/{username}.svg",
      "GET /api/public/users/{username}/stats/{range}",
      "GET /api/openapi.json",
      "GET /api/docs",
    ]) {
      expect(endpoints).toContain(route);
    }
    expect(doc.info.title).toBe("Kodo API");
    expect(doc.openapi).toBe("3.1.0");
  });

  it("matches what the routes really answer (responses parse with the documented schemas)", async () => {
    const u = await aSharingUser({ publicProfile: true, projects: "public" });
    const T = Date.UTC(2026, 9, 5, 9, 0, 0) / 1000;
    const single = await call("/api/v1/users/current/heartbeats", {
      method: "POST",
      key: u.key,
      body: JSON.stringify(wire(T - 60)),
      headers: { "user-agent": UA_CLI },
    });
    expect(single.status).toBe(201);
    heartbeatCreatedSchema.parse(await single.json());
    const bulk = await postBeats(u.key, [...minutes(T, 31, { project: "kodo" }), { entity: "" }]);
    bulkResultSchema.parse(await bulk.json());
    await send(u.key, minutes(Math.floor(Date.now() / 1000) - 600, 5));

    const checks: [string, z.ZodType][] = [
      ["/api/v1/users/current/heartbeats?date=2026-10-05", heartbeatListSchema],
      ["/api/v1/users/current/statusbar/today", statusBarSchema],
      ["/api/v1/users/current/status_bar/today", statusBarSchema],
      ["/api/v1/users/current/summaries?start=2026-10-01&end=2026-10-07", summariesSchema],
      ["/api/v1/users/current/summaries?range=last_7_days&project=kodo", summariesSchema],
      ["/api/v1/users/current/stats/2026-10", statsSchema],
      ["/api/v1/users/current/stats", statsSchema],
      ["/api/v1/users/current/all_time_since_today", allTimeSchema],
      ["/api/v1/users/current/durations?date=2026-10-05", durationsSchema],
      ["/api/v1/users/current/durations?date=2026-10-05&slice_by=language", durationsSchema],
      ["/api/v1/users/current", currentUserSchema],
      ["/api/v1/users/current/projects", projectsSchema],
      ["/api/v1/users/current/user_agents", userAgentsSchema],
      ["/api/v1/users/current/machine_names", machineNamesSchema],
      [`/api/public/users/${u.username}/stats/2026-10`, publicStatsSchema],
      [`/api/badge/${u.username}/2026-10.json`, shieldsEndpointSchema],
    ];
    for (const [path, schema] of checks) {
      const res = await call(path, { key: u.key });
      expect(res.status, path).toBe(200);
      const parsed = schema.safeParse(await res.json());
      expect(parsed.error?.issues ?? [], path).toEqual([]);
    }
    // WakaTime's public per-user routes, asked without a key as readme cards do.
    const anonymous: [string, z.ZodType][] = [
      [`/api/v1/users/${u.username}/stats?is_including_today=true`, publicWakaTimeStatsSchema],
      [`/api/v1/users/@${u.username}/stats/2026-10`, publicWakaTimeStatsSchema],
      ["/api/v1/users/nobody-by-this-name/stats", notPublicWakaTimeStatsSchema],
      [`/api/v1/users/${u.username}`, publicWakaTimeUserSchema],
    ];
    for (const [path, schema] of anonymous) {
      const res = await call(path);
      expect(res.status, path).toBe(200);
      const parsed = schema.safeParse(await res.json());
      expect(parsed.error?.issues ?? [], path).toEqual([]);
    }
  });

  it("the WakaTime v1 goals, leaderboards, insights and data dumps answer as documented", async () => {
    const u = await aSharingUser({ publicProfile: true });
    await send(u.key, minutes(Math.floor(Date.now() / 1000) - 3600, 31, { project: "kodo" }));
    const post = async (path: string, body: unknown) => {
      const res = await call(path, { method: "POST", key: u.key, body: JSON.stringify(body) });
      expect(res.status, path).toBeLessThan(300);
      return res.json() as Promise<any>;
    };
    const goal = await post("/api/kodo/goals", { period: "week", seconds: 3600, project: "kodo" });
    await post("/api/kodo/goals", { period: "day", seconds: 600 });
    const team = await post("/api/kodo/teams", { name: "Docs team" });
    const checks: [string, zod.ZodType][] = [
      ["/api/v1/users/current/goals", wakaGoalsSchema],
      [`/api/v1/users/current/goals/${goal.id}`, wakaGoalOneSchema],
      ["/api/v1/users/current/leaderboards", privateLeaderboardsSchema],
      ["/api/v1/users/current/leaderboards/friends", privateLeadersSchema],
      [`/api/v1/users/current/leaderboards/${team.id}`, privateLeadersSchema],
      ["/api/v1/leaders", leadersSchema],
      ["/api/v1/users/current/data_dumps", dataDumpListSchema],
      ...["weekdays", "days", "best_day", "daily_average", "languages", "projects", "editors", "operating_systems", "machines", "categories"].map(
        (type): [string, zod.ZodType] => [`/api/v1/users/current/insights/${type}/last_30_days`, insightSchema],
      ),
    ];
    for (const [path, schema] of checks) {
      const res = await call(path, { key: u.key });
      expect(res.status, path).toBe(200);
      const parsed = schema.safeParse(await res.json());
      expect(parsed.error?.issues ?? [], path).toEqual([]);
    }
    const t = Date.UTC(2026, 9, 5, 9, 0, 0) / 1000;
    const bulk = await post("/api/v1/users/current/external_durations.bulk", [{ external_id: "a", entity: "Standup", start_time: t, end_time: t + 900 }, { external_id: "" }]);
    expect(externalBulkSchema.safeParse(bulk).error?.issues ?? []).toEqual([]);
    const listed = await call("/api/v1/users/current/external_durations?date=2026-10-05", { key: u.key });
    const listedBody = await listed.json();
    expect(externalDurationListSchema.safeParse(listedBody).error?.issues ?? []).toEqual([]);
    expect((listedBody as { data: unknown[] }).data).toHaveLength(1);
    const dump = await post("/api/v1/users/current/data_dumps", { type: "daily" });
    expect(zod.object({ data: dataDumpSchema }).safeParse(dump).error?.issues ?? []).toEqual([]);
    // Every route above is in the document, under both prefixes.
    const paths = Object.keys((await servedDocument()).paths ?? {});
    for (const prefix of ["/api/v1", "/api/compat/wakatime/v1"]) {
      for (const p of ["goals", "goals/{goal}", "leaderboards", "leaderboards/{board}", "insights/{insight_type}/{range}", "data_dumps", "external_durations", "external_durations.bulk", "external_durations/{id}", "status_bar/today"]) {
        expect(paths).toContain(`${prefix}/users/{user}/${p}`);
      }
    }
  });

  it("serves the interactive reference page (Scalar) pointing at the document", async () => {
    const res = await call("/api/docs");
    expect(res.status).toBe(200);
    expect(res.headers.get("content-type")).toMatch(/^text\/html/);
    const html = await res.text();
    expect(html).toMatch(/^<!doctype html>/);
    expect(html).toContain("<title>Kodo API reference</title>");
    expect(html).toContain('<script src="https://cdn.jsdelivr.net/npm/@scalar/api-reference">');
    expect(html).toContain('"url": "/api/openapi.json"');
  });
});
