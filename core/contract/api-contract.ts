/**
 * The black-box API contract: what every Kodo platform (Cloudflare worker, AWS SAM) must do,
 * checked over plain HTTP. Expected figures are computed here from the heartbeat times the test
 * sends (expected.ts), never taken from Kodo's own code, so the same suite proves both
 * platforms right rather than merely alike.
 *
 * Use: inside a test file that starts the platform,
 *   defineApiContract(() => target)
 * where `target` is set in a beforeAll hook (the getter is read when each test runs).
 */
import { describe, expect, it } from "vitest";
import type { ContractTarget } from "./target.ts";
import { clientFor, wireBeat, UA_CLI, type AuthForm } from "./client.ts";
import { addUtcDays, dayStart, expectedByKey, expectedOnDay, total, utcDay, type TimedKey } from "./expected.ts";
import { defineHeartbeatContract } from "./heartbeats-contract.ts";
import { defineRemoteImportContract } from "./remote-import-contract.ts";
import { defineMetricsContract } from "./metrics-contract.ts";
import { defineReadmeCardsContract } from "./readme-cards-contract.ts";
import { defineRelayContract } from "./relay-contract.ts";
import { defineExternalImportContract } from "./external-import-contract.ts";
import { defineSocialApiContract } from "./social-api-contract.ts";
import { defineSignInContract } from "./sign-in-contract.ts";
import { defineWakaTimeV1Contract } from "./wakatime-v1-contract.ts";

export type { ContractTarget } from "./target.ts";

const PREFIXES = ["/api/v1", "/api/compat/wakatime/v1"] as const;
const MIN = 60;

export function defineApiContract(getTarget: () => ContractTarget): void {
  const newUser = async () => {
    const target = getTarget();
    const { key } = await target.createUser();
    return { key, ...clientFor(target, key) };
  };
  const now = () => Math.floor(Date.now() / 1000);
  /** A whole UTC day `n` days back, so tests never straddle the current time. */
  const daysAgo = (n: number) => addUtcDays(utcDay(now()), -n);
  const keyed = (beats: { time: number; project: string }[]): TimedKey[] => beats.map((b) => ({ time: b.time, key: b.project }));
  defineRemoteImportContract(getTarget);
  defineMetricsContract(getTarget);
  defineReadmeCardsContract(getTarget);
  defineRelayContract(getTarget);
  defineExternalImportContract(getTarget);
  defineSocialApiContract(getTarget);
  defineSignInContract(getTarget);
  defineWakaTimeV1Contract(getTarget);

  describe("ingest", () => {
    for (const prefix of PREFIXES) {
      it(`stores a single heartbeat (201) on ${prefix}`, async () => {
        const u = await newUser();
        const day = daysAgo(1);
        const t = dayStart(day) + 9 * 3600;
        const res = await u.post(`${prefix}/users/current/heartbeats`, wireBeat(t));
        expect(res.status).toBe(201);
        expect(res.json.data).toMatchObject({ entity: "/home/dev/kodo/src/app.ts", time: t, project: "kodo", editor: "VS Code", operating_system: "Linux" });
        const listed = await u.getJson(`${prefix}/users/current/heartbeats?date=${day}`);
        expect(listed.data.map((h: { time: number }) => h.time)).toEqual([t]);
      });

      it(`stores a bulk batch with per-item answers on ${prefix} (.bulk and an array to heartbeats)`, async () => {
        const u = await newUser();
        const day = daysAgo(1);
        const t = dayStart(day) + 10 * 3600;
        const bulk = await u.post(`${prefix}/users/current/heartbeats.bulk`, [wireBeat(t), wireBeat(t + 60), wireBeat(t + 120)]);
        expect(bulk.status).toBe(201);
        expect(bulk.json.responses.map((r: [unknown, number]) => r[1])).toEqual([201, 201, 201]);
        expect(bulk.json.responses[1][0].data.time).toBe(t + 60);
        const array = await u.post(`${prefix}/users/current/heartbeats`, [wireBeat(t + 180), wireBeat(t + 240)]);
        expect(array.status).toBe(201);
        expect(array.json.responses.map((r: [unknown, number]) => r[1])).toEqual([201, 201]);
        const listed = await u.getJson(`${prefix}/users/current/heartbeats?date=${day}`);
        expect(listed.data.map((h: { time: number }) => h.time)).toEqual([t, t + 60, t + 120, t + 180, t + 240]);
        const summary = await u.getJson(`${prefix}/users/current/summaries?start=${day}&end=${day}`);
        expect(summary.data[0].grand_total.total_seconds).toBe(240);
      });
    }
  });

  describe("authentication", () => {
    const forms: AuthForm[] = ["basic", "bearer", "bearer-base64", "query"];
    for (const auth of forms) {
      it(`accepts the key as ${auth}`, async () => {
        const u = await newUser();
        const me = await u.call("/api/v1/users/current", { auth });
        expect(me.status).toBe(200);
        expect(typeof (await me.json()).data.id).toBe("string");
        const t = dayStart(daysAgo(1)) + 3600;
        const res = await u.call("/api/v1/users/current/heartbeats", { auth, method: "POST", body: JSON.stringify(wireBeat(t)) });
        expect(res.status).toBe(201);
      });
    }

    it("refuses a wrong or missing key with 401 and a JSON error, storing nothing", async () => {
      const u = await newUser();
      const wrongKey = `waka_${crypto.randomUUID()}`;
      const day = daysAgo(1);
      for (const auth of ["basic", "bearer", "query"] as const) {
        const res = await u.call("/api/v1/users/current/heartbeats", { auth, as: wrongKey, method: "POST", body: JSON.stringify(wireBeat(dayStart(day) + 60)) });
        expect(res.status).toBe(401);
        expect(typeof (await res.json()).error).toBe("string");
      }
      const missing = await u.call("/api/v1/users/current/statusbar/today", { auth: "none" });
      expect(missing.status).toBe(401);
      expect(typeof (await missing.json()).error).toBe("string");
      const garbage = await u.call("/api/v1/users/current", { auth: "none", headers: { authorization: "Basic !!!not-base64!!!" } });
      expect(garbage.status).toBe(401);
      // The real key still sees an empty day: the refused writes went nowhere.
      expect((await u.getJson(`/api/v1/users/current/heartbeats?date=${day}`)).data).toEqual([]);
    });
  });

  describe("bad input", () => {
    it("answers a bad item with 400 beside the 201s and stores only the good ones", async () => {
      const u = await newUser();
      const day = daysAgo(1);
      const t = dayStart(day) + 8 * 3600;
      const res = await u.post("/api/v1/users/current/heartbeats.bulk", [
        wireBeat(t),
        { type: "file", time: t + 30 }, // no entity
        wireBeat(now() + 2 * 3600), // too far in the future
        wireBeat(t + 60),
      ]);
      expect(res.status).toBe(201);
      const statuses = res.json.responses.map((r: [unknown, number]) => r[1]);
      expect(statuses).toEqual([201, 400, 400, 201]);
      expect(typeof res.json.responses[1][0].error).toBe("string");
      expect(typeof res.json.responses[2][0].error).toBe("string");
      const listed = await u.getJson(`/api/v1/users/current/heartbeats?date=${day}`);
      expect(listed.data.map((h: { time: number }) => h.time)).toEqual([t, t + 60]);
    });

    it("refuses malformed JSON and non-heartbeat bodies with 400, storing nothing", async () => {
      const u = await newUser();
      const day = daysAgo(1);
      for (const body of [`[{"entity": "/a.ts", "time": ${dayStart(day) + 10},`, "42", "", "null"]) {
        const res = await u.post("/api/v1/users/current/heartbeats.bulk", body);
        expect(res.status, `body ${JSON.stringify(body)}`).toBe(400);
        expect(res.contentType).toContain("application/json");
        expect(typeof res.json.error).toBe("string");
      }
      expect((await u.getJson(`/api/v1/users/current/heartbeats?date=${day}`)).data).toEqual([]);
    });

    it("refuses a body over 1 MiB with 413, storing nothing", async () => {
      const u = await newUser();
      const day = daysAgo(1);
      const t = dayStart(day) + 3600;
      // 1000 heartbeats (the batch limit) with long entities: about 1.2 MB of valid JSON.
      const beats = Array.from({ length: 1000 }, (_, i) => wireBeat(t + i, { entity: `/${"x".repeat(1000)}/${i}.ts` }));
      const body = JSON.stringify(beats);
      expect(body.length).toBeGreaterThan(1_048_576);
      const res = await u.post("/api/v1/users/current/heartbeats.bulk", body);
      expect(res.status).toBe(413);
      expect(typeof res.json.error).toBe("string");
      expect((await u.getJson(`/api/v1/users/current/heartbeats?date=${day}`)).data).toEqual([]);
    });
  });

  describe("dedupe and late data", () => {
    it("answers a duplicate with 202 and counts it once", async () => {
      const u = await newUser();
      const day = daysAgo(2);
      const t = dayStart(day) + 9 * 3600;
      const batch = [wireBeat(t), wireBeat(t + 5 * MIN), wireBeat(t + 9 * MIN)];
      const first = await u.post("/api/v1/users/current/heartbeats.bulk", batch);
      expect(first.json.responses.map((r: [unknown, number]) => r[1])).toEqual([201, 201, 201]);
      const again = await u.post("/api/v1/users/current/heartbeats.bulk", batch);
      expect(again.json.responses.map((r: [unknown, number]) => r[1])).toEqual([202, 202, 202]);
      const mixed = await u.post("/api/compat/wakatime/v1/users/current/heartbeats.bulk", [batch[1], wireBeat(t + 12 * MIN), wireBeat(t + 12 * MIN)]);
      expect(mixed.json.responses.map((r: [unknown, number]) => r[1])).toEqual([202, 201, 202]);
      const single = await u.post("/api/v1/users/current/heartbeats", batch[0]);
      expect(single.status).toBe(202);

      const sent = [...batch, wireBeat(t + 12 * MIN)];
      const expected = total(expectedOnDay(keyed(sent), day));
      expect(expected).toBe(12 * MIN);
      const summary = await u.getJson(`/api/v1/users/current/summaries?start=${day}&end=${day}`);
      expect(summary.data[0].grand_total.total_seconds).toBe(expected);
      const listed = await u.getJson(`/api/v1/users/current/heartbeats?date=${day}`);
      expect(listed.data).toHaveLength(4);
    });

    it("re-merges a day when late, out-of-order batches arrive after it was read", async () => {
      const u = await newUser();
      const day = daysAgo(5);
      const previous = addUtcDays(day, -1);
      const base = dayStart(day) + 9 * 3600;
      const sent: { time: number; project: string }[] = [];
      const send = async (beats: { time: number; project: string }[]) => {
        const res = await u.post("/api/v1/users/current/heartbeats.bulk", beats.map((b) => wireBeat(b.time, { project: b.project })));
        expect(res.json.responses.every((r: [unknown, number]) => r[1] === 201)).toBe(true);
        sent.push(...beats);
      };
      const check = async () => {
        const summary = await u.getJson(`/api/v1/users/current/summaries?start=${previous}&end=${day}`);
        const got = Object.fromEntries(summary.data.map((d: any) => [d.range.date, d.grand_total.total_seconds]));
        expect(got).toEqual({ [previous]: total(expectedOnDay(keyed(sent), previous)), [day]: total(expectedOnDay(keyed(sent), day)) });
        const durations = await u.getJson(`/api/v1/users/current/durations?date=${day}`);
        const durationSum = durations.data.reduce((s: number, d: { duration: number }) => s + d.duration, 0);
        expect(durationSum).toBeCloseTo(total(expectedOnDay(keyed(sent), day)), 6);
        return got;
      };

      await send([
        { time: base, project: "kodo" },
        { time: base + 1 * MIN, project: "kodo" },
        { time: base + 10 * MIN, project: "kodo" },
        { time: base + 30 * MIN, project: "kodo" },
      ]);
      expect((await check())[day]).toBe(10 * MIN); // the 20-minute gap is longer than the timeout
      // A late batch fills the gap: the day must be merged again, not appended to.
      await send([{ time: base + 20 * MIN, project: "kodo" }]);
      expect((await check())[day]).toBe(30 * MIN);
      // An older batch, out of order, reaching across midnight into the previous day.
      await send([
        { time: dayStart(day) - 4 * MIN, project: "night" },
        { time: dayStart(day) + 3 * MIN, project: "night" },
        { time: dayStart(day) - 10 * MIN, project: "night" },
      ]);
      const got = await check();
      expect(got[previous]).toBe(10 * MIN);
      expect(got[day]).toBe(30 * MIN + 3 * MIN);
    });
  });

  describe("account data (export, import, settings, deletion)", () => {
    /** Two days of activity for one user; returns what was sent. */
    const seed = async (u: Awaited<ReturnType<typeof newUser>>) => {
      const d2 = daysAgo(2);
      const beats = [
        ...[0, 4, 9, 13].map((m) => ({ time: dayStart(d2) + 9 * 3600 + m * MIN, project: "alpha" })),
        ...[0, 6, 11].map((m) => ({ time: dayStart(d2) + 86_400 - 3 * MIN + m * MIN, project: "beta" })), // across midnight
      ];
      const res = await u.post("/api/v1/users/current/heartbeats.bulk", beats.map((b) => wireBeat(b.time, { project: b.project })));
      expect(res.status).toBe(201);
      return { beats, days: [d2, addUtcDays(d2, 1)] };
    };

    it("exports the account with any key: profile, settings, key metadata (never the key), days and every heartbeat", async () => {
      const u = await newUser();
      const { beats, days } = await seed(u);
      const res = await u.call("/api/kodo/account/export");
      expect(res.status).toBe(200);
      expect(res.headers.get("content-disposition")).toMatch(/^attachment; filename="kodo-export-.+\.json"$/);
      const text = await res.text();
      expect(text).not.toContain(u.key);
      const doc = JSON.parse(text);
      expect(doc).toMatchObject({ format: "kodo-export", version: 2, settings: { time_zone: "UTC", keystroke_timeout_minutes: 15 } });
      // A user without goals, friends, teams or import jobs (and a platform without them: AWS) has empty lists.
      expect(doc).toMatchObject({ goals: [], friends: { friends: [], requests_sent: [], requests_received: [] }, teams: [], import_jobs: [] });
      expect(doc.api_keys.length).toBeGreaterThanOrEqual(1);
      expect(doc.heartbeat_count).toBe(beats.length);
      expect(doc.heartbeats.map((h: { time: number; project: string }) => [h.time, h.project])).toEqual(beats.map((b) => [b.time, b.project]));
      const timed = keyed(beats);
      expect(Object.fromEntries(doc.days.map((d: any) => [d.date, d.total_seconds]))).toEqual(
        Object.fromEntries(days.map((d) => [d, total(expectedOnDay(timed, d))])),
      );
    });

    it("imports an export into another account, which then reads the same totals; importing again adds nothing", async () => {
      const from = await newUser();
      const { beats, days } = await seed(from);
      const file = await (await from.call("/api/kodo/account/export")).text();
      const to = await newUser();
      const imported = await to.post("/api/kodo/account/import", file);
      expect(imported.status).toBe(200);
      expect(imported.json).toMatchObject({ format: "kodo-export", received: beats.length, created: beats.length, duplicates: 0, rejected: 0 });
      const again = await to.post("/api/kodo/account/import", file);
      expect(again.json).toMatchObject({ created: 0, duplicates: beats.length });
      const summary = await to.getJson(`/api/v1/users/current/summaries?start=${days[0]}&end=${days[1]}`);
      const timed = keyed(beats);
      expect(summary.data.map((d: any) => d.grand_total.total_seconds)).toEqual(days.map((d) => total(expectedOnDay(timed, d))));
    });

    it("recomputes history for a new time zone and keystroke timeout", async () => {
      const u = await newUser();
      const { beats, days } = await seed(u);
      // UTC-5 all year (no DST): local days start at 05:00 UTC.
      const patched = await u.call("/api/kodo/account", {
        method: "PATCH",
        body: JSON.stringify({ time_zone: "Etc/GMT+5", keystroke_timeout_minutes: 5 }),
      });
      expect(patched.status).toBe(200);
      expect((await patched.json()).user).toMatchObject({ time_zone: "Etc/GMT+5", keystroke_timeout_minutes: 5 });
      const timed = keyed(beats);
      const local = (day: string) => {
        const from = dayStart(day) + 5 * 3600;
        return total(expectedByKey(timed, { timeoutMinutes: 5, from, to: from + 86_400 }));
      };
      const start = addUtcDays(days[0]!, -1);
      const summary = await u.getJson(`/api/v1/users/current/summaries?start=${start}&end=${days[1]}`);
      const got = Object.fromEntries(summary.data.map((d: any) => [d.range.date, d.grand_total.total_seconds]));
      expect(got).toEqual(Object.fromEntries([start, ...days].map((d) => [d, local(d)])));
      // Both runs now lie in one local day: alpha's gaps of 4, 5 and 4 minutes count; of beta's
      // 6 and 5 only the 5 does under the 5-minute timeout (the 6 did under the old 15).
      expect(got[days[0]!]).toBe(13 * MIN + 5 * MIN);
      expect(got[days[1]!]).toBe(0);
    });

    it("refuses account deletion with an API key (403: it needs a signed-in session), deleting nothing", async () => {
      const u = await newUser();
      await seed(u);
      const me = await u.getJson("/api/v1/users/current");
      const res = await u.call("/api/kodo/account", { method: "DELETE", body: JSON.stringify({ confirm: me.data.username }) });
      expect(res.status).toBe(403);
      expect(typeof (await res.json()).error).toBe("string");
      expect((await u.call("/api/v1/users/current")).status).toBe(200);
      expect((await u.getJson("/api/kodo/account/export")).heartbeat_count).toBe(7);
    });
  });

  describe("reads agree with totals computed from heartbeat times", () => {
    it("summaries, statusbar, stats, durations and all_time_since_today", async () => {
      const u = await newUser();
      const d3 = daysAgo(3);
      const d2 = daysAgo(2);
      const s3 = dayStart(d3);
      const s2 = dayStart(d2);
      const n = now();
      const beats: { time: number; project: string; branch?: string }[] = [
        { time: s3 + 10 * 3600, project: "alpha" },
        { time: s3 + 10 * 3600 + 5 * MIN, project: "alpha" },
        { time: s3 + 10 * 3600 + 12 * MIN, project: "alpha" },
        { time: s3 + 10 * 3600 + 20 * MIN, project: "beta" },
        { time: s3 + 10 * 3600 + 30 * MIN, project: "beta" },
        { time: s3 + 11 * 3600, project: "alpha" }, // 30 minutes after: not counted
        { time: s3 + 11 * 3600 + 14 * MIN, project: "alpha" },
        { time: s2 - 5 * MIN, project: "beta" }, // crosses midnight into d2
        { time: s2 + 5 * MIN, project: "beta" },
        { time: s2 + 10 * MIN, project: "beta" },
        { time: s2 + 14 * 3600, project: "gamma", branch: "dev" },
        { time: s2 + 14 * 3600 + 10 * MIN, project: "gamma", branch: "dev" },
        { time: s2 + 14 * 3600 + 20 * MIN, project: "gamma", branch: "dev" },
        { time: n - 40 * MIN, project: "alpha" }, // today (or late yesterday, right after midnight)
        { time: n - 31 * MIN, project: "alpha" },
        { time: n - 25 * MIN, project: "alpha" },
      ];
      const res = await u.post(
        "/api/v1/users/current/heartbeats.bulk",
        beats.map((b) => wireBeat(b.time, { project: b.project, branch: b.branch ?? "main" })),
      );
      expect(res.json.responses.map((r: [unknown, number]) => r[1])).toEqual(beats.map(() => 201));
      const timed = keyed(beats);
      const today = utcDay(now());
      const onDay = (day: string) => expectedOnDay(timed, day);
      const all = expectedByKey(timed);

      // Summaries: every day of the range, with per-project figures.
      const summaries = await u.getJson(`/api/v1/users/current/summaries?start=${d3}&end=${today}`);
      expect(summaries.data.map((d: any) => d.range.date)).toEqual(Array.from({ length: 4 }, (_, i) => addUtcDays(d3, i)));
      for (const d of summaries.data) {
        const expected = onDay(d.range.date);
        expect(d.grand_total.total_seconds, d.range.date).toBe(total(expected));
        expect(Object.fromEntries(d.projects.map((p: any) => [p.name, p.total_seconds]))).toEqual(Object.fromEntries(expected));
      }
      expect(summaries.cumulative_total.seconds).toBe(total(all));

      // The status bar: today only.
      const statusbar = await u.getJson("/api/v1/users/current/statusbar/today");
      expect(statusbar.data.grand_total.total_seconds).toBe(total(onDay(today)));

      // Stats over the last 7 days: everything sent.
      const stats = await u.getJson("/api/v1/users/current/stats/last_7_days");
      expect(stats.data.total_seconds).toBe(total(all));
      expect(Object.fromEntries(stats.data.projects.map((p: any) => [p.name, p.total_seconds]))).toEqual(Object.fromEntries(all));

      // Durations of d3: the day's stretches, per project.
      const durations = await u.getJson(`/api/v1/users/current/durations?date=${d3}`);
      const byProject = new Map<string, number>();
      for (const d of durations.data) byProject.set(d.project, (byProject.get(d.project) ?? 0) + d.duration);
      expect(Object.fromEntries(byProject)).toEqual(Object.fromEntries(onDay(d3)));

      // All time.
      const allTime = await u.getJson("/api/v1/users/current/all_time_since_today");
      expect(allTime.data.total_seconds).toBe(total(all));

      // A project filter and a branch filter narrow the summaries the same way.
      const gamma = await u.getJson(`/api/v1/users/current/summaries?start=${d2}&end=${d2}&project=gamma&branches=dev`);
      expect(gamma.data[0].grand_total.total_seconds).toBe(onDay(d2).get("gamma"));
    });

    it("lists the projects, machines and user agents seen", async () => {
      const u = await newUser();
      const day = daysAgo(1);
      const t = dayStart(day) + 7 * 3600;
      const res = await u.post(
        "/api/v1/users/current/heartbeats.bulk",
        [wireBeat(t, { project: "alpha" }), wireBeat(t + 60, { project: "beta" }), wireBeat(t + 120, { project: "alpha" })],
        { headers: { "x-machine-name": "ci-box" } },
      );
      expect(res.status).toBe(201);
      const projects = await u.getJson("/api/v1/users/current/projects");
      expect(projects.data.map((p: { name: string }) => p.name).sort()).toEqual(["alpha", "beta"]);
      const alpha = projects.data.find((p: { name: string }) => p.name === "alpha");
      expect(alpha.first_heartbeat_at).toBe(new Date(t * 1000).toISOString());
      expect(alpha.last_heartbeat_at).toBe(new Date((t + 120) * 1000).toISOString());
      const machines = await u.getJson("/api/v1/users/current/machine_names");
      expect(machines.data.map((m: { name: string }) => m.name)).toEqual(["ci-box"]);
      const agents = await u.getJson("/api/compat/wakatime/v1/users/current/user_agents");
      expect(agents.data.map((a: { value: string }) => a.value)).toEqual([UA_CLI]);
      expect(agents.data[0].editor).toBe("VS Code");
    });
  });

  defineHeartbeatContract(newUser, daysAgo);
}
