/**
 * The export's relations (goals, friends and requests both ways, teams, import jobs) and the
 * import of a Kodo export restoring settings, sharing, goals and external durations: what is the user's is in the
 * file, other people's private data is not; a fresh account gets the restorable parts back;
 * a second import changes nothing; friends and teams are not re-created.
 */
import { env } from "cloudflare:workers";
import { beforeEach, describe, expect, it } from "vitest";
import { call, freshStorage, postBeats, wire } from "./helpers.ts";
import { asSession, signIn, type SignedIn } from "./sign-in-helpers.ts";

beforeEach(freshStorage);

const BASE = Math.floor(Date.now() / 1000 / 86400) * 86400 - 3 * 86400;

async function exportDoc(s: SignedIn) {
  const res = await call("/api/kodo/account/export", { headers: { cookie: s.cookie } });
  expect(res.status).toBe(200);
  return { text: await res.clone().text(), doc: (await res.json()) as any };
}

async function importFile(s: SignedIn, body: string) {
  const res = await call("/api/kodo/account/import", asSession(s, { method: "POST", body }));
  return { status: res.status, body: (await res.json()) as any };
}

async function patch(s: SignedIn, path: string, body: unknown) {
  const res = await call(path, asSession(s, { method: "PATCH", body: JSON.stringify(body) }));
  expect(res.status, await res.clone().text()).toBe(200);
}

/** Alice with goals, friends and requests both ways, an owned and a joined team, an import job, heartbeats. */
async function seededAlice() {
  const [alice, friend, asked, asker, member, owner, stranger] = await Promise.all(Array.from({ length: 7 }, () => signIn()));
  const keyRes = await call("/api/kodo/account/keys", asSession(alice!, { method: "POST", body: JSON.stringify({ scope: "full" }) }));
  const key = ((await keyRes.json()) as any).key as string;
  await postBeats(key, Array.from({ length: 40 }, (_, i) => wire(BASE + i * 60, { project: "atlas" })));
  const external = await call("/api/v1/users/current/external_durations.bulk", {
    method: "POST",
    key,
    body: JSON.stringify([
      { external_id: "standup", provider: "calendar", entity: "Standup", type: "event", start_time: BASE + 7200, end_time: BASE + 8100, project: "atlas" },
      { external_id: "review", provider: "calendar", entity: "Review", start_time: BASE + 86_400, end_time: BASE + 90_000, meta: '{"room":"B"}' },
    ]),
  });
  expect(external.status).toBe(201);
  await patch(alice!, "/api/kodo/account", { time_zone: "Asia/Tokyo", keystroke_timeout_minutes: 30 });
  await patch(alice!, "/api/kodo/sharing", { publicProfile: true, projects: "alias", machines: true, historyDays: 90 });
  for (const goal of [{ period: "day", seconds: 3600 }, { period: "week", seconds: 36000, project: "atlas" }]) {
    const res = await call("/api/kodo/goals", asSession(alice!, { method: "POST", body: JSON.stringify(goal) }));
    expect(res.status).toBe(201);
  }
  const [owned, joined] = [crypto.randomUUID(), crypto.randomUUID()];
  await env.DB.batch([
    env.DB.prepare("INSERT INTO friendships (requester_id, addressee_id, status, accepted_at) VALUES (?1, ?2, 'accepted', '2026-01-02T00:00:00.000Z')").bind(alice!.userId, friend!.userId),
    env.DB.prepare("INSERT INTO friendships (requester_id, addressee_id, status) VALUES (?1, ?2, 'pending'), (?3, ?1, 'pending')").bind(alice!.userId, asked!.userId, asker!.userId),
    // A friendship between two others: not Alice's.
    env.DB.prepare("INSERT INTO friendships (requester_id, addressee_id, status) VALUES (?, ?, 'accepted')").bind(stranger!.userId, member!.userId),
    env.DB.prepare("INSERT INTO teams (id, name) VALUES (?, 'owned-team'), (?, 'joined-team')").bind(owned, joined),
    env.DB.prepare(
      `INSERT INTO team_members (team_id, user_id, role, projects) VALUES (?1, ?3, 'owner', '"all"'), (?1, ?4, 'member', '["member-secret-project"]'),
         (?2, ?5, 'owner', '["owner-secret-project"]'), (?2, ?3, 'admin', '["atlas"]'), (?2, ?6, 'member', NULL)`,
    ).bind(owned, joined, alice!.userId, member!.userId, owner!.userId, stranger!.userId),
    env.DB.prepare(
      `INSERT INTO import_jobs (id, user_id, base_url, status, first_day, last_day, next_day, days_done, days_total, heartbeats_received, lookups)
       VALUES ('job-1', ?, 'https://wakatime.example/api/v1', 'running', '2026-01-01', '2026-01-10', '2026-01-04', 3, 10, 120, '{"userAgents":{"ua1":"vim"},"machines":{}}')`,
    ).bind(alice!.userId),
  ]);
  return { alice: alice!, key, friend: friend!, asked: asked!, asker: asker!, member: member!, owner: owner!, stranger: stranger!, owned, joined };
}

describe("the export's relations", () => {
  it("holds goals, friends, requests sent and received, teams and import jobs; nothing of other users' private data", async () => {
    const w = await seededAlice();
    const { doc, text } = await exportDoc(w.alice);
    expect(doc.version).toBe(2);
    expect(doc.goals.map((g: any) => [g.period, g.seconds, g.project, g.language])).toEqual([
      ["day", 3600, null, null],
      ["week", 36000, "atlas", null],
    ]);
    expect(doc.friends.friends).toEqual([{ username: w.friend.username, display_name: expect.any(String), at: "2026-01-02T00:00:00.000Z" }]);
    expect(doc.friends.requests_sent.map((f: any) => f.username)).toEqual([w.asked.username]);
    expect(doc.friends.requests_received.map((f: any) => f.username)).toEqual([w.asker.username]);
    const teams = Object.fromEntries(doc.teams.map((t: any) => [t.name, t]));
    expect(teams["owned-team"]).toMatchObject({ id: w.owned, role: "owner", projects: "all", members: [{ username: w.member.username, role: "member", joined_at: expect.any(String) }] });
    expect(teams["joined-team"]).toMatchObject({ id: w.joined, role: "admin", projects: ["atlas"], joined_at: expect.any(String) });
    expect(teams["joined-team"]).not.toHaveProperty("members");
    expect(doc.import_jobs).toEqual([
      expect.objectContaining({ id: "job-1", base_url: "https://wakatime.example/api/v1", status: "running", next_day: "2026-01-04", days_done: 3, days_total: 10, heartbeats_received: 120, lookups: { user_agents: { ua1: "vim" }, machines: {} } }),
    ]);
    // Other people: usernames only, never their ids, addresses, project choices or friendships.
    for (const other of [w.friend, w.asked, w.asker, w.member, w.owner, w.stranger]) {
      expect(text).not.toContain(other.userId);
      expect(text).not.toContain(other.email);
    }
    expect(text).not.toContain("member-secret-project");
    expect(text).not.toContain("owner-secret-project");
    expect(text).not.toContain(w.stranger.username);
    expect(text).not.toContain(w.owner.username);
    expect(text).not.toContain(w.key);
  });
});

describe("importing a Kodo export", () => {
  it("restores settings, sharing, goals and external durations into a fresh account, not friends or teams; twice changes nothing", async () => {
    const w = await seededAlice();
    const { text: file, doc: original } = await exportDoc(w.alice);
    const fresh = await signIn();

    const first = await importFile(fresh, file);
    expect(first.status).toBe(200);
    expect(first.body).toMatchObject({
      format: "kodo-export",
      created: 40,
      restored: { settings: true, sharing: true, goals_added: 2, goals_existing: 0, goals_skipped: 0, external_durations_added: 2, external_durations_existing: 0, external_durations_rejected: 0 },
    });
    const { doc: restored } = await exportDoc(fresh);
    expect(restored.settings).toEqual({ time_zone: "Asia/Tokyo", keystroke_timeout_minutes: 30 });
    expect(restored.sharing).toEqual(original.sharing);
    expect(restored.sharing).toMatchObject({ public_profile: true, projects: "alias", machines: true, history_days: 90 });
    // Restored goals are made in the same millisecond, so their order (created_at, id) is the ids'.
    const goalsOf = (d: any) => d.goals.map((g: any) => JSON.stringify([g.period, g.seconds, g.project, g.language])).sort();
    expect(goalsOf(restored)).toEqual(goalsOf(original));
    // External durations come back as they were (ids, times, fields, last update).
    expect(original.external_durations).toHaveLength(2);
    expect(restored.external_durations).toEqual(original.external_durations);
    // Days in the restored zone, from the same heartbeats and external durations: the same as the original's.
    expect(restored.days.map((d: any) => [d.date, d.total_seconds])).toEqual(original.days.map((d: any) => [d.date, d.total_seconds]));
    // Relationships with other people are not re-created without them.
    expect(restored.friends).toEqual({ friends: [], requests_sent: [], requests_received: [] });
    expect(restored.teams).toEqual([]);
    expect(restored.import_jobs).toEqual([]);
    expect(await env.DB.prepare("SELECT count(*) AS n FROM friendships WHERE requester_id = ?1 OR addressee_id = ?1").bind(fresh.userId).first("n")).toBe(0);

    const second = await importFile(fresh, file);
    expect(second.body).toMatchObject({ created: 0, duplicates: 40, restored: { settings: false, sharing: false, goals_added: 0, goals_existing: 2, external_durations_added: 0, external_durations_existing: 2 } });
    const { doc: after } = await exportDoc(fresh);
    expect({ ...after, exported_at: null }).toEqual({ ...restored, exported_at: null });
  });

  it("refuses a malformed restorable part with a 400 naming it, before storing anything", async () => {
    const w = await seededAlice();
    const { doc } = await exportDoc(w.alice);
    const fresh = await signIn();
    const bad = [
      [{ ...doc, settings: { time_zone: "Mars/Olympus", keystroke_timeout_minutes: 15 } }, /^settings: time_zone/],
      [{ ...doc, sharing: { ...doc.sharing, projects: "everyone" } }, /^sharing: projects/],
      [{ ...doc, goals: [doc.goals[0], { period: "month", seconds: 60 }] }, /^goals\[1\]\.period/],
      [{ ...doc, goals: Array.from({ length: 21 }, () => doc.goals[0]) }, /^goals: at most 20/],
    ] as const;
    for (const [file, message] of bad) {
      const res = await importFile(fresh, JSON.stringify(file));
      expect(res.status).toBe(400);
      expect(res.body.error).toMatch(message);
    }
    const { doc: untouched } = await exportDoc(fresh);
    expect(untouched).toMatchObject({ settings: { time_zone: "UTC", keystroke_timeout_minutes: 15 }, sharing: null, goals: [], heartbeat_count: 0 });
  });

  it("restores a version 1 export's sharing (1/0 columns) and leaves a WakaTime dump's fields alone", async () => {
    const fresh = await signIn();
    const v1 = { format: "kodo-export", version: 1, settings: { time_zone: "UTC", keystroke_timeout_minutes: 20 }, sharing: { public_profile: 1, leaderboards: 0, projects: "public", updated_at: "x" }, heartbeats: [wire(BASE)] };
    const res = await importFile(fresh, JSON.stringify(v1));
    expect(res.body).toMatchObject({ created: 1, restored: { settings: true, sharing: true } });
    const sharing = await (await call("/api/kodo/sharing", { headers: { cookie: fresh.cookie } })).json();
    expect(sharing).toMatchObject({ publicProfile: true, leaderboards: false, projects: "public" });

    const other = await signIn();
    const dump = { format: "something-else", settings: { time_zone: "Asia/Tokyo" }, sharing: { public_profile: true }, heartbeats: [wire(BASE)] };
    const r2 = await importFile(other, JSON.stringify(dump));
    expect(r2.body).toMatchObject({ format: "kodo-export", created: 1 });
    expect(r2.body).not.toHaveProperty("restored");
    expect(((await (await call("/api/kodo/sharing", { headers: { cookie: other.cookie } })).json()) as any).publicProfile).toBe(false);
  });
});
