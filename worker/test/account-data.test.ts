import { env } from "cloudflare:workers";
import { beforeEach, describe, expect, it } from "vitest";
import { call, freshStorage, postBeats, wire } from "./helpers.ts";
import { asSession, signIn, type SignedIn } from "./sign-in-helpers.ts";

beforeEach(freshStorage);

const DAY = 86400;
const BASE = Math.floor(Date.now() / 1000 / DAY) * DAY - 10 * DAY;

async function newKey(s: SignedIn, scope = "full", label = "k") {
  const res = await call("/api/kodo/account/keys", asSession(s, { method: "POST", body: JSON.stringify({ scope, label }) }));
  return ((await res.json()) as any).key as string;
}

async function exportOf(init: RequestInit & { key?: string }) {
  const res = await call("/api/kodo/account/export", init);
  expect(res.status).toBe(200);
  expect(res.headers.get("content-disposition")).toMatch(/^attachment; filename="kodo-export-.+\.json"$/);
  return JSON.parse(await res.text());
}

function importFile(s: SignedIn, body: string) {
  return call("/api/kodo/account/import", asSession(s, { method: "POST", body }));
}

/** A WakaTime data dump as wakatime.com writes it: days[].heartbeats[] with ids for agents and machines. */
function wakatimeDump(days: { date: string; times: number[] }[]) {
  return {
    user: { username: "someone", timezone: "UTC" },
    range: { start: days[0]!.date, end: days[days.length - 1]!.date },
    days: days.map((d) => ({
      date: d.date,
      heartbeats: d.times.map((t, i) => ({
        id: crypto.randomUUID(),
        entity: `/src/file${i % 3}.py`,
        type: "file",
        category: "coding",
        time: t,
        project: "dumped",
        branch: "main",
        language: "Python",
        dependencies: [],
        is_write: i % 2 === 0,
        lineno: 3,
        lines: 40,
        cursorpos: 7,
        user_agent_id: crypto.randomUUID(),
        machine_name_id: crypto.randomUUID(),
        created_at: new Date(t * 1000).toISOString(),
      })),
    })),
  };
}

describe("export", () => {
  it("is a complete JSON document: profile, settings, keys metadata (never hashes), days, every heartbeat", async () => {
    const s = await signIn();
    const key = await newKey(s, "full", "laptop");
    const beats = Array.from({ length: 4500 }, (_, i) => wire(BASE + i * 60, { entity: `/src/f${i % 7}.ts` }));
    for (let i = 0; i < beats.length; i += 1000) expect((await postBeats(key, beats.slice(i, i + 1000))).status).toBe(201);

    const doc = await exportOf({ headers: { cookie: s.cookie } });
    expect(doc).toMatchObject({ format: "kodo-export", version: 2, user: { id: s.userId, email: s.email, username: s.username }, settings: { time_zone: "UTC", keystroke_timeout_minutes: 15 } });
    expect(doc.identities).toEqual([{ provider: "email", created_at: expect.any(String) }]);
    expect(doc.sharing).toBeNull();
    expect(doc.api_keys).toHaveLength(1);
    expect(doc.api_keys[0]).toMatchObject({ label: "laptop", scope: "full", hint: key.slice(-4) });
    const text = JSON.stringify(doc);
    expect(text).not.toContain(key);
    const hashes = await env.DB.prepare("SELECT key_hash FROM api_keys").all<{ key_hash: string }>();
    for (const h of hashes.results) expect(text).not.toContain(h.key_hash);

    // Every heartbeat, in time order, across several pages of the object's log.
    expect(doc.heartbeat_count).toBe(4500);
    expect(doc.heartbeats).toHaveLength(4500);
    expect(doc.heartbeats.map((h: any) => h.time)).toEqual(beats.map((b) => b.time));
    expect(doc.heartbeats[0]).toMatchObject({ entity: "/src/f0.ts", project: "kodo", language: "TypeScript", lineno: 10, cursorpos: 4, user_agent: expect.stringContaining("wakatime/") });
    // Days: 4500 minutes of one-minute gaps, split at midnight UTC.
    const daySum = doc.days.reduce((sum: number, d: any) => sum + d.total_seconds, 0);
    expect(daySum).toBe(4499 * 60);
    expect(doc.days[0].sessions[0]).toMatchObject({ project: "kodo", language: "TypeScript", category: "coding" });
  });

  it("is available with an API key, read-only included; without credentials it is 401", async () => {
    const s = await signIn();
    const read = await newKey(s, "read");
    await env.DB.prepare("INSERT INTO user_sharing (user_id, public_profile, projects) VALUES (?, 1, 'alias')").bind(s.userId).run();
    const doc = await exportOf({ key: read });
    expect(doc.user.id).toBe(s.userId);
    expect(doc.sharing).toMatchObject({ public_profile: true, leaderboards: false, projects: "alias", history_days: 365 });
    expect(doc.sharing).not.toHaveProperty("updated_at");
    expect((await call("/api/kodo/account/export")).status).toBe(401);
  });
});

describe("import from a file", () => {
  it("imports a WakaTime dump: validated, deduplicated, merged; the totals show; importing again adds nothing", async () => {
    const s = await signIn();
    const d1 = new Date(BASE * 1000).toISOString().slice(0, 10);
    const d2 = new Date((BASE + DAY) * 1000).toISOString().slice(0, 10);
    const dump = wakatimeDump([
      { date: d1, times: [BASE + 3600, BASE + 3660, BASE + 3720, BASE + 3780] },
      { date: d2, times: [BASE + DAY + 600, BASE + DAY + 900] },
    ]);
    const res = await importFile(s, JSON.stringify(dump));
    expect(res.status).toBe(200);
    expect(await res.json()).toEqual({
      format: "wakatime-dump",
      received: 6,
      created: 6,
      duplicates: 0,
      rejected: 0,
      errors: [],
      first_day: d1,
      last_day: d2,
      total_seconds: 180 + 300,
    });
    const again = (await (await importFile(s, JSON.stringify(dump))).json()) as any;
    expect(again).toMatchObject({ received: 6, created: 0, duplicates: 6, total_seconds: 480 });
    const summaries = (await (await call(`/api/v1/users/current/summaries?start=${d1}&end=${d2}`, { headers: { cookie: s.cookie } })).json()) as any;
    expect(summaries.cumulative_total.seconds).toBe(480);
    expect(summaries.data[0].projects[0].name).toBe("dumped");
  });

  it("reports bad heartbeats by number and stores the good ones", async () => {
    const s = await signIn();
    const body = JSON.stringify([wire(BASE + 10), { entity: "", time: BASE + 20 }, wire(BASE + 30), { entity: "x.ts", time: "soon" }]);
    const r = (await (await importFile(s, body)).json()) as any;
    expect(r).toMatchObject({ format: "array", received: 4, created: 2, rejected: 2 });
    expect(r.errors).toEqual([expect.stringMatching(/^heartbeat 2: entity: /), expect.stringMatching(/^heartbeat 4: time: /)]);
  });

  it("round-trips a Kodo export into another account: same heartbeats, same totals", async () => {
    const a = await signIn();
    const key = await newKey(a);
    const beats = Array.from({ length: 1500 }, (_, i) => wire(BASE + i * 97, { project: i % 2 ? "p1" : "p2", branch: i % 3 ? "main" : "dev" }));
    for (let i = 0; i < beats.length; i += 1000) await postBeats(key, beats.slice(i, i + 1000), undefined, { "x-machine-name": "box" });
    const exported = await (await call("/api/kodo/account/export", { headers: { cookie: a.cookie } })).text();

    const b = await signIn();
    const r = (await (await importFile(b, exported)).json()) as any;
    expect(r).toMatchObject({ format: "kodo-export", received: 1500, created: 1500, rejected: 0 });
    const again = JSON.parse(await (await call("/api/kodo/account/export", { headers: { cookie: b.cookie } })).text());
    const original = JSON.parse(exported);
    const strip = (h: any) => ({ ...h, id: undefined, created_at: undefined });
    expect(again.heartbeats.map(strip)).toEqual(original.heartbeats.map(strip));
    expect(again.days.map((d: any) => [d.date, d.total_seconds])).toEqual(original.days.map((d: any) => [d.date, d.total_seconds]));
    expect(again.heartbeats[0].machine).toBe("box");
  });

  it("refuses what is not a heartbeat file, and a file broken half-way keeps what came before", async () => {
    const s = await signIn();
    for (const body of ['{"hello": "world"}', "not json", "", "[1, 2"]) {
      const res = await importFile(s, body);
      expect(res.status, body).toBe(400);
      expect(((await res.json()) as any).error).toBeTruthy();
    }
    const many = Array.from({ length: 1200 }, (_, i) => JSON.stringify(wire(BASE + i * 30)));
    const broken = `[${many.join(",")}, {"entity": "x", "time": `;
    const res = await importFile(s, broken);
    expect(res.status).toBe(400);
    expect(((await res.json()) as any).error).toMatch(/1000 heartbeats before the error were imported/);
  });
});
