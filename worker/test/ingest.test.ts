import { beforeEach, describe, expect, it } from "vitest";
import { aUser, basic, call, freshStorage, getJson, postBeats, storedCounts, UA_CLI, wire } from "./helpers.ts";

beforeEach(freshStorage);

const now = () => Math.floor(Date.now() / 1000);
const PREFIXES = ["/api/v1", "/api/compat/wakatime/v1"];

describe("heartbeat ingest", () => {
  for (const prefix of PREFIXES) {
    it(`accepts a single heartbeat and a bulk batch under ${prefix}`, async () => {
      const u = await aUser();
      const single = await postBeats(u.key, wire(now() - 100), `${prefix}/users/current/heartbeats`);
      expect(single.status).toBe(201);
      const body = await single.json<any>();
      expect(body.data.entity).toBe("/home/dev/kodo/src/app.ts");
      expect(body.data.editor).toBe("VS Code");
      expect(body.data.operating_system).toBe("Linux");

      const t = now();
      const bulk = await postBeats(u.key, [wire(t - 60.5), wire(t - 30)], `${prefix}/users/current/heartbeats.bulk`);
      expect(bulk.status).toBe(201);
      const { responses } = await bulk.json<any>();
      expect(responses.map((r: any) => r[1])).toEqual([201, 201]);
      expect(responses.map((r: any) => r[0].data.time)).toEqual([t - 60.5, t - 30]);

      const arrayOnPlainPath = await postBeats(u.key, [wire(now() - 20)], `${prefix}/users/current/heartbeats`);
      expect((await arrayOnPlainPath.json<any>()).responses[0][1]).toBe(201);
      expect((await storedCounts(u.id)).heartbeats).toBe(4);
    });
  }

  it("accepts the three forms of API key", async () => {
    const u = await aUser();
    const forms: [string, RequestInit][] = [
      ["basic", { headers: { authorization: basic(u.key) } }],
      ["bearer raw", { headers: { authorization: `Bearer ${u.key}` } }],
      ["bearer base64", { headers: { authorization: `Bearer ${btoa(u.key)}` } }],
    ];
    for (const [name, init] of forms) {
      const res = await call("/api/v1/users/current/statusbar/today", init);
      expect(res.status, name).toBe(200);
    }
    expect((await call(`/api/v1/users/current/statusbar/today?api_key=${u.key}`)).status).toBe(200);
  });

  it("refuses a wrong or missing key with 401 and stores nothing", async () => {
    const u = await aUser();
    const wrong = await postBeats(`waka_${crypto.randomUUID()}`, [wire(now())]);
    expect(wrong.status).toBe(401);
    expect((await wrong.json<any>()).error).toMatch(/API key/);
    const missing = await call("/api/v1/users/current/heartbeats.bulk", { method: "POST", body: JSON.stringify([wire(now())]) });
    expect(missing.status).toBe(401);
    const garbage = await call("/api/v1/users/current/statusbar/today", { headers: { authorization: "Basic %%%" } });
    expect(garbage.status).toBe(401);
    expect((await storedCounts(u.id)).heartbeats).toBe(0);
  });

  it("refuses heartbeats from a read-only key", async () => {
    const u = await aUser({ scope: "read" });
    expect((await postBeats(u.key, [wire(now())])).status).toBe(403);
    expect((await call("/api/v1/users/current/statusbar/today", { key: u.key })).status).toBe(200);
  });

  it("answers per item: 400 for bad items beside 201 for good ones, in order", async () => {
    const u = await aUser();
    const res = await postBeats(u.key, [wire(now() - 10), { entity: "x" }, wire(now() + 7200), wire(now() - 5, { entity: 42 })]);
    expect(res.status).toBe(201);
    const { responses } = await res.json<any>();
    expect(responses.map((r: any) => r[1])).toEqual([201, 400, 400, 400]);
    expect(responses[1][0].error).toMatch(/time/);
    expect(responses[2][0].error).toMatch(/future/);
    expect(responses[3][0].error).toMatch(/entity/);
    expect((await storedCounts(u.id)).heartbeats).toBe(1);
  });

  it("counts a duplicate once and answers it 202", async () => {
    const u = await aUser();
    const beats = [wire(now() - 300), wire(now() - 200), wire(now() - 100)];
    await postBeats(u.key, beats);
    const again = await postBeats(u.key, [...beats, beats[0]]);
    expect((await again.json<any>()).responses.map((r: any) => r[1])).toEqual([202, 202, 202, 202]);
    expect((await storedCounts(u.id)).heartbeats).toBe(3);
    const bar = await getJson("/api/v1/users/current/statusbar/today", u.key);
    // 200 s between the first and last beat, if they fall on today (UTC)
    const today = new Date().toISOString().slice(0, 10);
    const allToday = beats.every((b) => new Date(b.time * 1000).toISOString().slice(0, 10) === today);
    if (allToday) expect(bar.data.grand_total.total_seconds).toBe(200);
  });

  it("stores exactly the new heartbeats of a batch mixing new, known and repeated ones", async () => {
    const u = await aUser();
    const known = wire(now() - 500);
    await postBeats(u.key, [known]);
    const a = wire(now() - 400, { entity: "/src/a.ts" });
    const b = wire(now() - 300, { entity: "/src/b.ts" });
    const c = wire(now() - 200, { entity: "/src/c.ts" });
    const res = await postBeats(u.key, [a, known, b, a, c, b]);
    expect((await res.json<any>()).responses.map((r: any) => r[1])).toEqual([201, 202, 201, 202, 201, 202]);
    expect((await storedCounts(u.id)).heartbeats).toBe(4);
    // All new again: stored in one go, nothing left over from the mixed batch's first attempt.
    const d = wire(now() - 100, { entity: "/src/d.ts" });
    const fresh = await postBeats(u.key, [d]);
    expect((await fresh.json<any>()).responses.map((r: any) => r[1])).toEqual([201]);
    expect((await storedCounts(u.id)).heartbeats).toBe(5);
  });

  it("serves a wakatime-cli shaped session end to end", async () => {
    const u = await aUser();
    const t = now() - 600;
    const beats = Array.from({ length: 6 }, (_, i) => wire(t + i * 60, { is_write: i === 5 }));
    const res = await call("/api/v1/users/current/heartbeats.bulk", {
      method: "POST",
      body: JSON.stringify(beats),
      headers: { authorization: basic(u.key), "user-agent": UA_CLI, "x-machine-name": "devbox" },
    });
    expect(res.status).toBe(201);
    const bar = await getJson("/api/v1/users/current/statusbar/today", u.key);
    const expected = beats.filter((b) => new Date(b.time * 1000).toISOString().slice(0, 10) === new Date().toISOString().slice(0, 10));
    expect(bar.data.grand_total.total_seconds).toBe(Math.max(0, (expected.length - 1) * 60));
    if (expected.length > 1) {
      expect(bar.data.editors[0].name).toBe("VS Code");
      expect(bar.data.operating_systems[0].name).toBe("Linux");
      expect(bar.data.machines[0].name).toBe("devbox");
      expect(bar.data.projects[0].name).toBe("kodo");
      expect(bar.data.range.text).toBe("Today");
    }
    const machines = await getJson("/api/v1/users/current/machine_names", u.key);
    expect(machines.data.map((m: any) => m.name)).toEqual(["devbox"]);
    const agents = await getJson("/api/v1/users/current/user_agents", u.key);
    expect(agents.data[0]).toMatchObject({ value: UA_CLI, editor: "VS Code", os: "Linux" });
  });

  it("answers CORS preflight for browser plugins", async () => {
    const res = await call("/api/v1/users/current/heartbeats.bulk", {
      method: "OPTIONS",
      headers: { origin: "https://example.com", "access-control-request-method": "POST", "access-control-request-headers": "authorization,content-type" },
    });
    expect(res.status).toBe(204);
    expect(res.headers.get("access-control-allow-origin")).toBe("*");
    expect(res.headers.get("access-control-allow-headers")?.toLowerCase()).toContain("authorization");
  });

  it("answers a browser's cross-origin POST with the CORS header (plugins without Origin need none)", async () => {
    const u = await aUser();
    const now = Math.floor(Date.now() / 1000);
    const fromBrowser = await postBeats(u.key, [wire(now - 30)], undefined, { origin: "https://example.com" });
    expect(fromBrowser.status).toBe(201);
    expect(fromBrowser.headers.get("access-control-allow-origin")).toBe("*");
    const fromPlugin = await postBeats(u.key, [wire(now - 20)]);
    expect(fromPlugin.status).toBe(201);
    expect(fromPlugin.headers.get("access-control-allow-origin")).toBeNull();
  });
});
