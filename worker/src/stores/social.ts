/**
 * The social port on D1 (issue 9): sharing settings, users by username and friendships. The
 * leaderboard read is in social-leaderboard.ts, goals in social-goals.ts.
 */
import { PRIVATE_SHARING, type SharingSettings, type User } from "@kodo/core";
import type { FriendLink, FriendState, SocialStore } from "@kodo/core/social";
import { d1LeaderboardReads } from "./social-leaderboard.ts";
import { d1Goals } from "./social-goals.ts";
import { NEXT_GENERATION } from "./public-directory.ts";

/** Requests to names that name nobody (or that were declined) kept per user; more are not listed. */
const MAX_REQUESTS_BY_NAME = 200;

export function d1Social(db: D1Database): SocialStore {
  return {
    ...d1LeaderboardReads(db),
    ...d1Goals(db),

    async sharingOf(userId) {
      const row = await db.prepare("SELECT * FROM user_sharing WHERE user_id = ?").bind(userId).first<SharingRow>();
      return row ? sharingOfRow(row) : { ...PRIVATE_SHARING };
    },

    async updateSharing(userId, change) {
      const next = { ...(await this.sharingOf(userId)), ...change };
      await db
        .prepare(
          `INSERT INTO user_sharing (user_id, public_profile, leaderboards, projects, languages, editors, operating_systems, machines, history_days, updated_at)
           VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, strftime('%Y-%m-%dT%H:%M:%fZ', 'now'))
           ON CONFLICT (user_id) DO UPDATE SET public_profile = excluded.public_profile, leaderboards = excluded.leaderboards,
             projects = excluded.projects, languages = excluded.languages, editors = excluded.editors,
             operating_systems = excluded.operating_systems, machines = excluded.machines,
             history_days = excluded.history_days, updated_at = ${NEXT_GENERATION}`,
        )
        .bind(userId, +next.publicProfile, +next.leaderboards, next.projects, +next.languages, +next.editors, +next.operatingSystems, +next.machines, next.historyDays)
        .run();
      return next;
    },

    async findUser(username) {
      const row = await db
        .prepare(
          `SELECT u.id, u.username, u.display_name, u.created_at, s.time_zone, s.keystroke_timeout_minutes
             FROM users u LEFT JOIN user_settings s ON s.user_id = u.id WHERE u.username = ?`,
        )
        .bind(username)
        .first<{ id: string; username: string; display_name: string | null; created_at: string; time_zone: string | null; keystroke_timeout_minutes: number | null }>();
      if (!row) return null;
      const user: User = {
        id: row.id,
        username: row.username,
        displayName: row.display_name,
        email: null, // never shown to others
        timeZone: row.time_zone ?? "UTC",
        keystrokeTimeoutMinutes: row.keystroke_timeout_minutes ?? 15,
        createdAt: row.created_at,
      };
      return user;
    },

    async friendLists(userId) {
      const [linked, byName] = await db.batch<Record<string, unknown>>([
        db
          .prepare(
            `SELECT f.requester_id, f.status, f.created_at, f.accepted_at, u.id, u.username, u.display_name
               FROM friendships f JOIN users u ON u.id = CASE WHEN f.requester_id = ?1 THEN f.addressee_id ELSE f.requester_id END
              WHERE f.requester_id = ?1 OR f.addressee_id = ?1
              ORDER BY u.username`,
          )
          .bind(userId),
        db.prepare("SELECT username, created_at FROM friend_requests_by_name WHERE requester_id = ? ORDER BY username").bind(userId),
      ]);
      const lists = { friends: [] as FriendLink[], incoming: [] as FriendLink[], outgoing: [] as FriendLink[] };
      for (const r of linked!.results as { requester_id: string; status: string; created_at: string; accepted_at: string | null; id: string; username: string; display_name: string | null }[]) {
        const user = { id: r.id, username: r.username, displayName: r.display_name };
        if (r.status === "accepted") lists.friends.push({ user, at: r.accepted_at ?? r.created_at });
        else if (r.requester_id === userId) lists.outgoing.push({ user, at: r.created_at });
        else lists.incoming.push({ user, at: r.created_at });
      }
      // Requests by name look like any pending request (no id, no display name: as if the
      // user had none); a name also linked for real (asked again after a decline) shows once.
      const linkedNames = new Set([...lists.friends, ...lists.incoming, ...lists.outgoing].map((l) => l.user.username));
      for (const r of byName!.results as { username: string; created_at: string }[]) {
        if (!linkedNames.has(r.username)) lists.outgoing.push({ user: { id: "", username: r.username, displayName: null }, at: r.created_at });
      }
      lists.outgoing.sort((a, b) => (a.user.username < b.user.username ? -1 : a.user.username > b.user.username ? 1 : 0));
      return lists;
    },

    async friendState(userId, otherId) {
      const row = await db
        .prepare(
          `SELECT requester_id, status FROM friendships
            WHERE (requester_id = ?1 AND addressee_id = ?2) OR (requester_id = ?2 AND addressee_id = ?1) LIMIT 1`,
        )
        .bind(userId, otherId)
        .first<{ requester_id: string; status: string }>();
      if (!row) return "none";
      const state: FriendState = row.status === "accepted" ? "friends" : row.requester_id === userId ? "outgoing" : "incoming";
      return state;
    },

    async requestFriendByName(fromId, username) {
      // The same three statements run whatever the name names, in one transaction: their
      // pending request to me becomes a friendship; else a request is stored unless a link
      // exists either way (INSERT OR IGNORE: two identical requests racing store one row); a
      // name that names nobody is kept as typed for my outgoing list (at most
      // MAX_REQUESTS_BY_NAME), so that list looks the same as for a real user.
      await db.batch([
        db
          .prepare(
            `UPDATE friendships SET status = 'accepted', accepted_at = strftime('%Y-%m-%dT%H:%M:%fZ', 'now')
              WHERE addressee_id = ?1 AND status = 'pending' AND requester_id = (SELECT id FROM users WHERE username = ?2 AND id <> ?1)`,
          )
          .bind(fromId, username),
        db
          .prepare(
            `INSERT OR IGNORE INTO friendships (requester_id, addressee_id)
             SELECT ?1, u.id FROM users u WHERE u.username = ?2 AND u.id <> ?1
                AND NOT EXISTS (SELECT 1 FROM friendships f WHERE f.requester_id = u.id AND f.addressee_id = ?1)`,
          )
          .bind(fromId, username),
        db
          .prepare(
            `INSERT OR IGNORE INTO friend_requests_by_name (requester_id, username)
             SELECT ?1, ?2 WHERE NOT EXISTS (SELECT 1 FROM users WHERE username = ?2)
                AND (SELECT count(*) FROM friend_requests_by_name WHERE requester_id = ?1) < ?3`,
          )
          .bind(fromId, username, MAX_REQUESTS_BY_NAME),
      ]);
    },

    async declineFriend(fromId, toId) {
      // The sender keeps seeing a pending request to the name, as for a name that names nobody.
      const [, removed] = await db.batch([
        db
          .prepare(
            `INSERT OR IGNORE INTO friend_requests_by_name (requester_id, username)
             SELECT ?1, u.username FROM users u WHERE u.id = ?2
                AND EXISTS (SELECT 1 FROM friendships WHERE requester_id = ?1 AND addressee_id = ?2 AND status = 'pending')`,
          )
          .bind(fromId, toId),
        db.prepare("DELETE FROM friendships WHERE requester_id = ? AND addressee_id = ? AND status = 'pending'").bind(fromId, toId),
      ]);
      return removed!.meta.changes > 0;
    },

    async cancelRequestByName(fromId, username) {
      const res = await db.prepare("DELETE FROM friend_requests_by_name WHERE requester_id = ? AND username = ?").bind(fromId, username).run();
      return res.meta.changes > 0;
    },

    async friendCount(userId) {
      // Each side of the friendship by its own index (the key, the addressee index).
      const row = await db
        .prepare(
          `SELECT (SELECT count(*) FROM friendships WHERE requester_id = ?1 AND status = 'accepted')
                + (SELECT count(*) FROM friendships WHERE addressee_id = ?1 AND status = 'accepted') AS n`,
        )
        .bind(userId)
        .first<{ n: number }>();
      return row?.n ?? 0;
    },

    async acceptFriend(fromId, toId) {
      const res = await db
        .prepare(
          `UPDATE friendships SET status = 'accepted', accepted_at = strftime('%Y-%m-%dT%H:%M:%fZ', 'now')
            WHERE requester_id = ? AND addressee_id = ? AND status = 'pending'`,
        )
        .bind(fromId, toId)
        .run();
      return res.meta.changes > 0;
    },

    async removeFriendLink(a, b) {
      const res = await db
        .prepare("DELETE FROM friendships WHERE (requester_id = ?1 AND addressee_id = ?2) OR (requester_id = ?2 AND addressee_id = ?1)")
        .bind(a, b)
        .run();
      return res.meta.changes > 0;
    },
  };
}

export interface SharingRow {
  public_profile: number;
  leaderboards: number;
  projects: string;
  languages: number;
  editors: number;
  operating_systems: number;
  machines: number;
  history_days: number;
}

export function sharingOfRow(row: SharingRow): SharingSettings {
  return {
    publicProfile: row.public_profile === 1,
    leaderboards: row.leaderboards === 1,
    // An unexpected value is treated as the most private one.
    projects: row.projects === "public" || row.projects === "alias" ? row.projects : "hidden",
    languages: row.languages === 1,
    editors: row.editors === 1,
    operatingSystems: row.operating_systems === 1,
    machines: row.machines === 1,
    historyDays: Math.max(0, Math.trunc(row.history_days)),
  };
}
