/**
 * The store-level contract of the social ports (issue 14): PublicDirectory, SocialStore and
 * TeamStore, as plain calls, so that Cloudflare's D1 stores (worker/test, inside workerd with
 * the real migrations) and AWS's DynamoDB stores (sam/test, on dynalite) are held to the same
 * behaviour. Expected figures are computed here from heartbeat times and fixed zone offsets.
 *
 * Use: inside a test file that sets up the platform,
 *   defineSocialStoreContract(() => harness)
 * where `harness` is set in a beforeAll hook.
 */
import { describe, expect, it } from "vitest";
import type { PublicDirectory, User } from "../src/ports.ts";
import type { Heartbeat } from "../src/types.ts";
import type { LeaderboardRange, SocialStore, TeamStore } from "../src/social/index.ts";
import { aRun } from "../src/testing/builders.ts";

export interface SocialStoreHarness {
  social: SocialStore;
  teams: TeamStore;
  directory: PublicDirectory;
  /** A fresh user with a unique username in `timeZone` (default UTC). */
  createUser(opts?: { timeZone?: string }): Promise<User>;
  /** Stores the heartbeats and makes the user's days visible to the social reads. */
  seed(user: User, heartbeats: Heartbeat[]): Promise<void>;
  /** The platform's account deletion, storage side (keys, activity, account rows). */
  deleteAccount(user: User): Promise<void>;
  /** Descriptions of stored rows or items that still belong to or name the user (none expected after deletion). */
  leftovers(user: User): Promise<string[]>;
}

/** Fixed-offset zones (no daylight saving), so local days are computed here. */
const OFFSET: Record<string, number> = { UTC: 0, "Asia/Tokyo": 9 * 3600 };
/** Epoch seconds of local `hour` on the day `daysAgo` before the zone's today. */
const localTime = (zone: string, daysAgo: number, hour: number) => {
  const now = Math.floor(Date.now() / 1000);
  return Math.floor((now + OFFSET[zone]!) / 86400) * 86400 - daysAgo * 86400 + hour * 3600 - OFFSET[zone]!;
};
/** `count` heartbeats a minute apart: (count - 1) minutes of one session. */
const minutes = (user: User, zone: string, daysAgo: number, hour: number, count: number, over: Partial<Heartbeat> = {}) =>
  aRun(localTime(zone, daysAgo, hour), count, 60, over);

/** Join times are milliseconds: a pause keeps "joined first" unambiguous. */
const tick = () => new Promise((r) => setTimeout(r, 5));

const PUBLIC_ALL = { publicProfile: true, leaderboards: true, projects: "public", languages: true, editors: true, operatingSystems: true, machines: true, historyDays: 365 } as const;

export function defineSocialStoreContract(get: () => SocialStoreHarness): void {
  describe("sharing and the public directory", () => {
    it("is private by default, public only after opting in, with a new cache generation on every change", async () => {
      const h = get();
      const u = await h.createUser();
      expect(await h.social.sharingOf(u.id)).toEqual({ publicProfile: false, leaderboards: false, projects: "hidden", languages: true, editors: true, operatingSystems: true, machines: false, historyDays: 365 });
      expect(await h.directory.findPublicUser(u.username)).toBeNull();
      await h.directory.bumpCacheVersion(u.id); // no sharing settings: a no-op
      expect(await h.directory.findPublicUser(u.username)).toBeNull();

      expect(await h.social.updateSharing(u.id, { leaderboards: true })).toMatchObject({ publicProfile: false, leaderboards: true, projects: "hidden" });
      expect(await h.directory.findPublicUser(u.username)).toBeNull(); // still not a public profile
      const shared = await h.social.updateSharing(u.id, { publicProfile: true, projects: "alias", machines: true, historyDays: 0 });
      expect(shared).toEqual({ publicProfile: true, leaderboards: true, projects: "alias", languages: true, editors: true, operatingSystems: true, machines: true, historyDays: 0 });
      expect(await h.social.sharingOf(u.id)).toEqual(shared);

      const found = await h.directory.findPublicUser(u.username);
      expect(found).toMatchObject({ user: { id: u.id, username: u.username, email: null, timeZone: u.timeZone }, sharing: shared });
      const generations = new Set([found!.cacheVersion]);
      await h.directory.bumpCacheVersion(u.id);
      generations.add((await h.directory.findPublicUser(u.username))!.cacheVersion);
      await h.social.updateSharing(u.id, { editors: false });
      generations.add((await h.directory.findPublicUser(u.username))!.cacheVersion);
      await h.directory.bumpCacheVersion(u.id);
      generations.add((await h.directory.findPublicUser(u.username))!.cacheVersion);
      expect(generations.size).toBe(4);

      await h.social.updateSharing(u.id, { publicProfile: false });
      expect(await h.directory.findPublicUser(u.username)).toBeNull();
      expect(await h.directory.findPublicUser(`nobody_${crypto.randomUUID().slice(0, 8)}`)).toBeNull();
    });

    it("finds any user by exact username, without their e-mail address", async () => {
      const h = get();
      const u = await h.createUser({ timeZone: "Asia/Tokyo" });
      expect(await h.social.findUser(u.username)).toMatchObject({ id: u.id, username: u.username, email: null, timeZone: "Asia/Tokyo" });
      expect(await h.social.findUser(`${u.username}_x`)).toBeNull();
    });
  });

  describe("friends", () => {
    it("requests, accepts and removes; a mutual request makes friends; oneself is ignored", async () => {
      const h = get();
      const [a, b, c] = [await h.createUser(), await h.createUser(), await h.createUser()];
      await h.social.requestFriendByName(a.id, b.username);
      expect(await h.social.friendState(a.id, b.id)).toBe("outgoing");
      expect(await h.social.friendState(b.id, a.id)).toBe("incoming");
      expect((await h.social.friendLists(a.id)).outgoing.map((l) => l.user)).toEqual([{ id: b.id, username: b.username, displayName: b.displayName }]);
      expect((await h.social.friendLists(b.id)).incoming.map((l) => l.user.id)).toEqual([a.id]);
      await h.social.requestFriendByName(a.id, b.username); // again: still one request
      expect((await h.social.friendLists(a.id)).outgoing).toHaveLength(1);
      expect(await h.social.acceptFriend(b.id, a.id)).toBe(false); // b never asked a
      expect(await h.social.acceptFriend(a.id, b.id)).toBe(true);
      expect(await h.social.friendState(a.id, b.id)).toBe("friends");
      expect(await h.social.friendState(b.id, a.id)).toBe("friends");
      const lists = await h.social.friendLists(b.id);
      expect(lists.friends.map((l) => l.user.id)).toEqual([a.id]);
      expect(lists.incoming).toEqual([]);
      expect(lists.outgoing).toEqual([]);

      // c asks a, a asks c: they are friends.
      await h.social.requestFriendByName(c.id, a.username);
      await h.social.requestFriendByName(a.id, c.username);
      expect(await h.social.friendState(a.id, c.id)).toBe("friends");
      expect((await h.social.friendLists(a.id)).friends.map((l) => l.user.username)).toEqual([b.username, c.username].sort());

      await h.social.requestFriendByName(a.id, a.username);
      expect(await h.social.friendState(a.id, a.id)).toBe("none");
      // Accepted friendships only, whichever side asked (the limit of MAX_FRIENDS counts these).
      await h.social.requestFriendByName(b.id, c.username); // pending: not counted
      expect([await h.social.friendCount(a.id), await h.social.friendCount(b.id), await h.social.friendCount(c.id)]).toEqual([2, 1, 1]);
      expect(await h.social.removeFriendLink(b.id, a.id)).toBe(true);
      expect([await h.social.friendCount(a.id), await h.social.friendCount(b.id)]).toEqual([1, 0]);
      expect(await h.social.removeFriendLink(b.id, a.id)).toBe(false);
      expect(await h.social.friendState(a.id, b.id)).toBe("none");
    });

    it("lists requests to names that name nobody, and declined requests, like any pending request", async () => {
      const h = get();
      const [a, b] = [await h.createUser(), await h.createUser()];
      const ghost = `ghost_${crypto.randomUUID().slice(0, 8)}`;
      await h.social.requestFriendByName(a.id, ghost);
      await h.social.requestFriendByName(a.id, b.username);
      const before = (await h.social.friendLists(a.id)).outgoing;
      expect(before.map((l) => l.user.username)).toEqual([b.username, ghost].sort());
      expect(before.find((l) => l.user.username === ghost)!.user).toEqual({ id: "", username: ghost, displayName: null });

      expect(await h.social.declineFriend(a.id, b.id)).toBe(true);
      expect(await h.social.declineFriend(a.id, b.id)).toBe(false);
      // The sender still sees a pending request to the name; the decliner sees nothing.
      const after = (await h.social.friendLists(a.id)).outgoing;
      expect(after.map((l) => l.user)).toEqual(
        [{ id: "", username: b.username, displayName: null }, { id: "", username: ghost, displayName: null }].sort((x, y) => (x.username < y.username ? -1 : 1)),
      );
      expect(await h.social.friendLists(b.id)).toEqual({ friends: [], incoming: [], outgoing: [] });
      expect(await h.social.friendState(b.id, a.id)).toBe("none");

      expect(await h.social.cancelRequestByName(a.id, ghost)).toBe(true);
      expect(await h.social.cancelRequestByName(a.id, ghost)).toBe(false);
      expect(await h.social.cancelRequestByName(a.id, b.username)).toBe(true);
      expect((await h.social.friendLists(a.id)).outgoing).toEqual([]);
    });
  });

  describe("friends board version", () => {
    it("moves at once for exactly the users whose friends board changed, and not for new figures", async () => {
      const h = get();
      const version = h.social.friendsBoardVersion?.bind(h.social);
      expect(version, "the store keeps a friends board version (one key read per cached page)").toBeDefined();
      // a - b - c are a chain of friends; d is a stranger to all of them.
      const [a, b, c, d] = [await h.createUser(), await h.createUser(), await h.createUser(), await h.createUser()];
      const all = { a, b, c, d };
      const read = async () => Object.fromEntries(await Promise.all(Object.entries(all).map(async ([k, u]) => [k, await version!(u.id)] as const)));
      /** Runs `change`, then the names of the users whose version moved. */
      const moved = async (change: () => Promise<unknown>) => {
        const before = await read();
        await change();
        const after = await read();
        return Object.keys(all).filter((k) => after[k] !== before[k]);
      };
      expect(await moved(async () => {})).toEqual([]); // stable without an event

      expect(await moved(() => h.social.requestFriendByName(a.id, b.username))).toEqual([]); // a request shows on no board
      expect(await moved(() => h.social.acceptFriend(a.id, b.id))).toEqual(["a", "b"]);
      expect(await moved(async () => {
        await h.social.requestFriendByName(c.id, b.username);
        await h.social.requestFriendByName(b.id, c.username); // asking back makes friends
      })).toEqual(["b", "c"]);
      expect(await moved(async () => {
        await h.social.requestFriendByName(d.id, a.username);
        await h.social.declineFriend(a.id, d.id);
      })).toEqual([]);

      // A sharing change of b shows on b's own board and their friends' boards only.
      expect(await moved(() => h.social.updateSharing(b.id, { leaderboards: true }))).toEqual(["a", "b", "c"]);
      expect(await moved(() => h.social.updateSharing(a.id, { languages: false }))).toEqual(["a", "b"]);
      // So does a change of what is public about c (the bump every profile change makes).
      await h.social.updateSharing(c.id, { leaderboards: true });
      expect(await moved(() => h.directory.bumpCacheVersion(c.id))).toEqual(["b", "c"]);

      // New figures wait for the page cache's TTL, as on the global board.
      expect(await moved(() => h.seed(b, minutes(b, "UTC", 0, 0, 11)))).toEqual([]);

      expect(await moved(() => h.social.removeFriendLink(a.id, b.id))).toEqual(["a", "b"]);
      // b deleted: their friend c's board loses them at once (b's own version is gone with them).
      expect(await moved(() => h.deleteAccount(b))).toEqual(["b", "c"]);
      expect(await moved(async () => {})).toEqual([]);
    });
  });

  describe("goals", () => {
    it("stores up to the limit, lists oldest first, deletes only the owner's", async () => {
      const h = get();
      const [u, other] = [await h.createUser(), await h.createUser()];
      const first = await h.social.addGoal(u.id, { period: "day", seconds: 3600, project: "kodo", language: null }, 2);
      expect(first).toMatchObject({ period: "day", seconds: 3600, project: "kodo", language: null });
      const second = await h.social.addGoal(u.id, { period: "week", seconds: 7200, project: null, language: "Go" }, 2);
      expect(await h.social.addGoal(u.id, { period: "day", seconds: 60, project: null, language: null }, 2)).toBeNull();
      expect((await h.social.listGoals(u.id)).map((g) => g.id).sort()).toEqual([first!.id, second!.id].sort());
      expect(await h.social.deleteGoal(other.id, first!.id)).toBe(false);
      expect(await h.social.deleteGoal(u.id, first!.id)).toBe(true);
      expect(await h.social.listGoals(u.id)).toEqual([second]);
      // The freed place takes a new goal; two at once still stop at the limit.
      const racing = await Promise.all([1, 2, 3].map((i) => h.social.addGoal(u.id, { period: "day", seconds: 60 * i, project: null, language: null }, 3)));
      expect(racing.filter((g) => g !== null)).toHaveLength(2);
      expect(await h.social.listGoals(u.id)).toHaveLength(3);
      expect(await h.social.listGoals(other.id)).toEqual([]);
    });
  });

  describe("leaderboards", () => {
    it("ranks capped coding time over each user's own days, a page at a time; language boards only list users who share languages", async () => {
      const h = get();
      const tokyo = await h.createUser({ timeZone: "Asia/Tokyo" });
      const utc = await h.createUser();
      const quiet = await h.createUser(); // opted in, no activity in the range
      const hidden = await h.createUser(); // active, not opted in
      const heavy = await h.createUser(); // a day over the 18 h cap
      // tokyo: 30 min TypeScript yesterday, 20 min Go (coding) and 10 min of debugging two days ago (local days).
      await h.seed(tokyo, [...minutes(tokyo, "Asia/Tokyo", 1, 10, 31), ...minutes(tokyo, "Asia/Tokyo", 2, 10, 21, { language: "Go" }), ...minutes(tokyo, "Asia/Tokyo", 2, 15, 11, { category: "debugging" })]);
      // utc: 50 min yesterday; 5 min of Go ten days ago (outside a 7-day range, inside 30 days).
      await h.seed(utc, [...minutes(utc, "UTC", 1, 9, 51), ...minutes(utc, "UTC", 10, 9, 6, { language: "Go" })]);
      await h.seed(hidden, minutes(hidden, "UTC", 1, 9, 61));
      // heavy: 19 h of one day two days ago (heartbeats two minutes apart: one session).
      await h.seed(heavy, aRun(localTime("UTC", 2, 2), 19 * 30 + 1, 120));
      const v0 = await h.social.leaderboardVersion();
      for (const u of [tokyo, utc, quiet, heavy]) await h.social.updateSharing(u.id, { leaderboards: true });
      const v1 = await h.social.leaderboardVersion();
      expect(v1).not.toBe(v0);
      await h.social.updateSharing(utc.id, { languages: false });
      const v2 = await h.social.leaderboardVersion();
      expect(v2).not.toBe(v1);

      const mine = new Set([tokyo.id, utc.id, quiet.id, hidden.id, heavy.id]);
      const board = async (language: string | null, range: LeaderboardRange = "last_7_days") =>
        (await h.social.leaderboardPage({ range, language, offset: 0, limit: 1000 })).rows
          .filter((r) => mine.has(r.user.id))
          .map((r) => ({ id: r.user.id, seconds: r.cappedSeconds, flagged: r.flagged, sharesLanguages: r.sharesLanguages, days: r.days }));
      // Ties go by username; every other user of the store is filtered out.
      const [first, second] = tokyo.username < utc.username ? [tokyo, utc] : [utc, tokyo];
      expect(await board(null)).toEqual([
        { id: heavy.id, seconds: 18 * 3600, flagged: true, sharesLanguages: true, days: 7 },
        { id: first.id, seconds: 50 * 60, flagged: false, sharesLanguages: first === tokyo, days: 7 },
        { id: second.id, seconds: 50 * 60, flagged: false, sharesLanguages: second === tokyo, days: 7 },
      ]);
      expect((await board(null, "last_30_days")).map((r) => [r.id, r.seconds, r.days])).toEqual([
        [heavy.id, 18 * 3600, 30],
        [utc.id, 55 * 60, 30],
        [tokyo.id, 50 * 60, 30],
      ]);
      // utc hides languages: off the language boards; tokyo's Go time counts.
      expect((await board("Go", "last_30_days")).map((r) => [r.id, r.seconds])).toEqual([[tokyo.id, 20 * 60]]);
      // TypeScript: tokyo's 30 min yesterday, and two days ago the 10 debugging minutes (at most the day's
      // 20 coding minutes); heavy's 19 h day counts 18 h, flagged, on the language board too.
      expect((await board("TypeScript")).map((r) => [r.id, r.seconds, r.flagged])).toEqual([
        [heavy.id, 18 * 3600, true],
        [tokyo.id, 40 * 60, false],
      ]);

      // Pages are slices of one order (seconds down, then username), and `total` counts the whole board.
      const whole = await h.social.leaderboardPage({ range: "last_7_days", language: null, offset: 0, limit: 1000 });
      expect(whole.total).toBe(whole.rows.length);
      for (let i = 1; i < whole.rows.length; i++) {
        const [a, b] = [whole.rows[i - 1]!, whole.rows[i]!];
        expect(a.cappedSeconds > b.cappedSeconds || (a.cappedSeconds === b.cappedSeconds && a.user.username < b.user.username)).toBe(true);
        expect(b.cappedSeconds).toBeGreaterThan(0);
      }
      const second2 = await h.social.leaderboardPage({ range: "last_7_days", language: null, offset: 1, limit: 2 });
      expect(second2).toEqual({ total: whole.total, rows: whole.rows.slice(1, 3) });
      // Each listed user's entry is their place in that order; users not listed have none.
      for (const u of [tokyo, utc, heavy]) {
        const entry = await h.social.leaderboardEntry({ range: "last_7_days", language: null }, u.id);
        expect(entry).toEqual({ rank: whole.rows.findIndex((r) => r.user.id === u.id) + 1, row: whole.rows.find((r) => r.user.id === u.id) });
      }
      expect(await h.social.leaderboardEntry({ range: "last_7_days", language: null }, quiet.id)).toBeNull();
      expect(await h.social.leaderboardEntry({ range: "last_7_days", language: null }, hidden.id)).toBeNull();
      expect(await h.social.leaderboardEntry({ range: "last_7_days", language: "Go" }, utc.id)).toBeNull();

      const langs = await h.social.boardLanguages([tokyo.id, utc.id, quiet.id], "last_7_days");
      expect(langs.get(tokyo.id)).toEqual({ TypeScript: 40 * 60, Go: 20 * 60 });
      expect(langs.has(utc.id)).toBe(false);
      expect(langs.has(quiet.id)).toBe(false);

      // Friends boards list exactly the given users (opted in or not), still by sharing per dimension.
      const friends = await h.social.leaderboardPage({ range: "last_7_days", language: null, userIds: [hidden.id, utc.id], offset: 0, limit: 50 });
      expect({ total: friends.total, rows: friends.rows.map((r) => [r.user.id, r.cappedSeconds]) }).toEqual({ total: 2, rows: [[hidden.id, 60 * 60], [utc.id, 50 * 60]] });
      expect(await h.social.leaderboardEntry({ range: "last_7_days", language: null, userIds: [hidden.id, utc.id] }, utc.id)).toMatchObject({ rank: 2, row: { cappedSeconds: 50 * 60 } });
      expect(await h.social.leaderboardEntry({ range: "last_7_days", language: null, userIds: [hidden.id] }, utc.id)).toBeNull();
      expect((await h.social.leaderboardPage({ range: "last_30_days", language: "Go", userIds: [utc.id, tokyo.id], offset: 0, limit: 50 })).rows.map((r) => r.user.id)).toEqual([tokyo.id]);
      expect(await h.social.leaderboardPage({ range: "last_7_days", language: null, userIds: [], offset: 0, limit: 50 })).toEqual({ total: 0, rows: [] });

      // Leaving the board (and a member's generation bump) moves the version; the board follows at once.
      await h.directory.bumpCacheVersion(tokyo.id);
      expect(await h.social.leaderboardVersion()).not.toBe(v2);
      const v3 = await h.social.leaderboardVersion();
      await h.social.updateSharing(tokyo.id, { leaderboards: false });
      expect(await h.social.leaderboardVersion()).not.toBe(v3);
      expect((await board(null)).map((r) => r.id)).toEqual([heavy.id, utc.id]);
      expect(await h.social.leaderboardEntry({ range: "last_7_days", language: null }, tokyo.id)).toBeNull();
    });
  });

  describe("teams", () => {
    const inDays = (d: number) => new Date(Date.now() + d * 86400_000).toISOString();
    const now = () => new Date().toISOString();
    const token = () => crypto.randomUUID().replace(/-/g, "");

    it("creates teams with members, roles, projects, transfer and deletion", async () => {
      const h = get();
      const [owner, admin, member] = [await h.createUser(), await h.createUser(), await h.createUser()];
      const team = await h.teams.createTeam(owner.id, "Core");
      expect(await h.teams.team(team.id)).toEqual({ id: team.id, name: "Core" });
      expect(await h.teams.team("no-such-team")).toBeNull();
      await tick();
      expect(await h.teams.addMember(team.id, admin.id, "admin")).toBe(true);
      expect(await h.teams.addMember(team.id, admin.id, "member")).toBe(false);
      await tick();
      expect(await h.teams.addMember(team.id, member.id, "member")).toBe(true);
      const members = await h.teams.members(team.id);
      expect(members.map((m) => [m.user.id, m.role, m.projects])).toEqual([
        [owner.id, "owner", null],
        [admin.id, "admin", null],
        [member.id, "member", null],
      ]);
      expect(await h.teams.teamsOf(member.id)).toEqual([{ id: team.id, name: "Core", role: "member", members: 3 }]);
      await h.teams.setProjects(team.id, member.id, ["kodo", "site"]);
      await h.teams.setProjects(team.id, admin.id, "all");
      const after = await h.teams.members(team.id);
      expect(after.find((m) => m.user.id === member.id)!.projects).toEqual(["kodo", "site"]);
      expect(after.find((m) => m.user.id === admin.id)!.projects).toBe("all");

      await h.teams.transfer(team.id, owner.id, admin.id);
      expect((await h.teams.members(team.id)).map((m) => [m.user.id, m.role])).toEqual([
        [admin.id, "owner"],
        [owner.id, "admin"],
        [member.id, "member"],
      ]);
      await h.teams.removeMember(team.id, member.id, false);
      expect(await h.teams.teamsOf(member.id)).toEqual([]);
      await h.teams.deleteTeam(team.id);
      expect(await h.teams.team(team.id)).toBeNull();
      expect(await h.teams.members(team.id)).toEqual([]);
      expect(await h.teams.teamsOf(owner.id)).toEqual([]);
    });

    it("keeps only usable invites: unexpired, made by a current admin, not made before the user's removal", async () => {
      const h = get();
      const [owner, admin, joiner, named, stranger] = [await h.createUser(), await h.createUser(), await h.createUser(), await h.createUser(), await h.createUser()];
      const team = await h.teams.createTeam(owner.id, "Invites");
      await h.teams.addMember(team.id, admin.id, "admin");
      const link = { tokenHash: token() };
      const linkId = await h.teams.addInvite({ teamId: team.id, tokenHash: link.tokenHash, inviteeId: null, inviteeName: null, createdBy: admin.id, expiresAt: inDays(7) }, now(), 10);
      const namedId = await h.teams.addInvite({ teamId: team.id, tokenHash: token(), inviteeId: named.id, inviteeName: named.username, createdBy: owner.id, expiresAt: inDays(7) }, now(), 10);
      const expiredId = await h.teams.addInvite({ teamId: team.id, tokenHash: token(), inviteeId: null, inviteeName: null, createdBy: owner.id, expiresAt: inDays(-1) }, now(), 10);
      expect([linkId, namedId, expiredId].every((id) => typeof id === "string")).toBe(true);

      const listed = await h.teams.invites(team.id, now());
      expect(listed.map((i) => [i.id, i.inviteeUsername, i.createdByUsername]).sort()).toEqual(
        [[linkId, null, admin.username], [namedId, named.username, owner.username]].sort(),
      );
      // A link by its token for anyone; never by id. A named invite by id for its invitee only.
      expect(await h.teams.usableInvite(link, joiner.id, now())).toEqual({ teamId: team.id, inviteeId: null });
      expect(await h.teams.usableInvite({ id: linkId! }, joiner.id, now())).toBeNull();
      expect(await h.teams.usableInvite({ id: namedId! }, named.id, now())).toEqual({ teamId: team.id, inviteeId: named.id });
      expect(await h.teams.usableInvite({ id: namedId! }, stranger.id, now())).toBeNull();
      expect(await h.teams.usableInvite({ tokenHash: token() }, joiner.id, now())).toBeNull();
      expect(await h.teams.usableInvite(link, joiner.id, inDays(8))).toBeNull(); // expired by then

      const invitations = await h.teams.invitationsFor(named.id, now());
      expect(invitations).toEqual([{ id: namedId, team: { id: team.id, name: "Invites" }, invitedByUsername: owner.username, expiresAt: expect.any(String) }]);
      expect(await h.teams.invitationsFor(stranger.id, now())).toEqual([]);

      // The limit counts usable invites only (the expired one is cleaned up).
      expect(await h.teams.addInvite({ teamId: team.id, tokenHash: token(), inviteeId: null, inviteeName: null, createdBy: owner.id, expiresAt: inDays(7) }, now(), 2)).toBeNull();
      const third = await h.teams.addInvite({ teamId: team.id, tokenHash: token(), inviteeId: null, inviteeName: null, createdBy: owner.id, expiresAt: inDays(7) }, now(), 3);
      expect(third).not.toBeNull();
      expect(await h.teams.revokeInvite(team.id, third!)).toBe(true);
      expect(await h.teams.revokeInvite(team.id, third!)).toBe(false);

      // Demoting the admin kills their link at once.
      await h.teams.setRole(team.id, admin.id, "member");
      expect(await h.teams.usableInvite(link, joiner.id, now())).toBeNull();
      expect((await h.teams.invites(team.id, now())).map((i) => i.id)).toEqual([namedId]);

      // Declining keeps the invite, for nobody.
      expect(await h.teams.declineInvite(namedId!, stranger.id)).toBe(false);
      expect(await h.teams.declineInvite(namedId!, named.id)).toBe(true);
      expect(await h.teams.usableInvite({ id: namedId! }, named.id, now())).toBeNull();
      expect(await h.teams.invitationsFor(named.id, now())).toEqual([]);
      expect((await h.teams.invites(team.id, now())).map((i) => [i.id, i.inviteeUsername])).toEqual([[namedId, named.username]]);

      // A member an admin removed comes back only through an invite made after the removal.
      await h.teams.addMember(team.id, joiner.id, "member");
      const before = { tokenHash: token() };
      await h.teams.addInvite({ teamId: team.id, tokenHash: before.tokenHash, inviteeId: null, inviteeName: null, createdBy: owner.id, expiresAt: inDays(7) }, now(), 10);
      await tick();
      await h.teams.removeMember(team.id, joiner.id, true);
      expect(await h.teams.usableInvite(before, joiner.id, now())).toBeNull();
      expect(await h.teams.usableInvite(before, stranger.id, now())).toEqual({ teamId: team.id, inviteeId: null });
      await tick();
      const later = { tokenHash: token() };
      await h.teams.addInvite({ teamId: team.id, tokenHash: later.tokenHash, inviteeId: null, inviteeName: null, createdBy: owner.id, expiresAt: inDays(7) }, now(), 10);
      expect(await h.teams.usableInvite(later, joiner.id, now())).toEqual({ teamId: team.id, inviteeId: null });
      await h.teams.deleteInvite(later);
      expect(await h.teams.usableInvite(later, joiner.id, now())).toBeNull();
    });
  });

  describe("account deletion", () => {
    it("removes the user's social items and every item naming them; their teams pass to the longest-standing admin", async () => {
      const h = get();
      const [gone, friend, admin, asker] = [await h.createUser(), await h.createUser(), await h.createUser(), await h.createUser()];
      await h.seed(gone, minutes(gone, "UTC", 1, 9, 31));
      await h.social.updateSharing(gone.id, PUBLIC_ALL);
      await h.social.addGoal(gone.id, { period: "day", seconds: 600, project: null, language: null }, 5);
      await h.social.requestFriendByName(gone.id, friend.username);
      await h.social.acceptFriend(gone.id, friend.id);
      await h.social.requestFriendByName(gone.id, `ghost_${crypto.randomUUID().slice(0, 8)}`);
      await h.social.requestFriendByName(asker.id, gone.username);
      await h.social.declineFriend(asker.id, gone.id); // asker keeps a request by gone's name
      const owned = await h.teams.createTeam(gone.id, "Owned");
      await tick();
      await h.teams.addMember(owned.id, friend.id, "member");
      await tick();
      await h.teams.addMember(owned.id, admin.id, "admin");
      const alone = await h.teams.createTeam(gone.id, "Alone");
      const other = await h.teams.createTeam(admin.id, "Other");
      await h.teams.addInvite({ teamId: other.id, tokenHash: crypto.randomUUID(), inviteeId: gone.id, inviteeName: gone.username, createdBy: admin.id, expiresAt: new Date(Date.now() + 86400_000).toISOString() }, new Date().toISOString(), 10);
      await h.teams.addInvite({ teamId: owned.id, tokenHash: crypto.randomUUID(), inviteeId: null, inviteeName: null, createdBy: gone.id, expiresAt: new Date(Date.now() + 86400_000).toISOString() }, new Date().toISOString(), 10);
      const global = { range: "last_7_days", language: null } as const;
      expect(await h.social.leaderboardEntry(global, gone.id)).not.toBeNull();
      const version = await h.social.leaderboardVersion();

      await h.deleteAccount(gone);

      expect(await h.directory.findPublicUser(gone.username)).toBeNull();
      expect(await h.social.leaderboardVersion()).not.toBe(version);
      expect(await h.social.leaderboardEntry(global, gone.id)).toBeNull();
      expect(await h.social.friendLists(friend.id)).toEqual({ friends: [], incoming: [], outgoing: [] });
      expect((await h.social.friendLists(asker.id)).outgoing).toEqual([]);
      expect((await h.teams.members(owned.id)).map((m) => [m.user.id, m.role])).toEqual([
        [admin.id, "owner"],
        [friend.id, "member"],
      ]);
      expect(await h.teams.invites(owned.id, new Date().toISOString())).toEqual([]);
      expect(await h.teams.invites(other.id, new Date().toISOString())).toEqual([]);
      expect(await h.teams.team(alone.id)).toBeNull();
      expect(await h.social.listGoals(gone.id)).toEqual([]);
      expect(await h.social.sharingOf(gone.id)).toMatchObject({ publicProfile: false, leaderboards: false });
      expect(await h.leftovers(gone)).toEqual([]);
    });
  });
}
