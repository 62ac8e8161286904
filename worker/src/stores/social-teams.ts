/** The teams port on D1 (issue 9): teams, members with roles and chosen projects, invites (token digests only). */
import type { TeamProjects, TeamRole, TeamStore } from "@kodo/core/social";

/**
 * The one test of a usable invite `i` (issue 13), part of every query that reads invites:
 * unexpired at ?now, and its creator still an admin or the owner of its team. Demoting,
 * removing or deleting an admin thus kills their invites at once; clean-up deletes the rows.
 */
const USABLE = (now: string) => `i.expires_at > ${now}
  AND EXISTS (SELECT 1 FROM team_members c WHERE c.team_id = i.team_id AND c.user_id = i.created_by AND c.role IN ('owner', 'admin'))`;

/** ...and for redemption by ?user: not made before an admin removed them from the team. */
const NOT_BEFORE_REMOVAL = (user: string) =>
  `NOT EXISTS (SELECT 1 FROM team_removals r WHERE r.team_id = i.team_id AND r.user_id = ${user} AND r.removed_at >= i.created_at)`;

const newId = () => crypto.randomUUID().replace(/-/g, "");

const roleOf = (r: string): TeamRole => (r === "owner" || r === "admin" ? r : "member");

function projectsOf(json: string | null): TeamProjects {
  if (json === null) return null;
  try {
    const v = JSON.parse(json) as unknown;
    if (v === "all") return "all";
    if (Array.isArray(v)) return v.filter((p): p is string => typeof p === "string");
  } catch {
    // A damaged value counts as "none chosen": the most private reading.
  }
  return null;
}

export function d1Teams(db: D1Database): TeamStore {
  return {
    async createTeam(ownerId, name) {
      const id = crypto.randomUUID();
      await db.batch([
        db.prepare("INSERT INTO teams (id, name) VALUES (?, ?)").bind(id, name),
        db.prepare("INSERT INTO team_members (team_id, user_id, role) VALUES (?, ?, 'owner')").bind(id, ownerId),
      ]);
      return { id, name };
    },

    async teamsOf(userId) {
      const { results } = await db
        .prepare(
          `SELECT t.id, t.name, m.role, (SELECT count(*) FROM team_members x WHERE x.team_id = t.id) AS members
             FROM team_members m JOIN teams t ON t.id = m.team_id WHERE m.user_id = ? ORDER BY t.name, t.id`,
        )
        .bind(userId)
        .all<{ id: string; name: string; role: string; members: number }>();
      return results.map((r) => ({ id: r.id, name: r.name, role: roleOf(r.role), members: r.members }));
    },

    async team(teamId) {
      return db.prepare("SELECT id, name FROM teams WHERE id = ?").bind(teamId).first<{ id: string; name: string }>();
    },

    async members(teamId) {
      const { results } = await db
        .prepare(
          `SELECT u.id, u.username, u.display_name, s.time_zone, s.keystroke_timeout_minutes, m.role, m.projects, m.joined_at
             FROM team_members m JOIN users u ON u.id = m.user_id LEFT JOIN user_settings s ON s.user_id = u.id WHERE m.team_id = ?
            ORDER BY m.role = 'owner' DESC, m.joined_at, u.username`,
        )
        .bind(teamId)
        .all<{ id: string; username: string; display_name: string | null; time_zone: string | null; keystroke_timeout_minutes: number | null; role: string; projects: string | null; joined_at: string }>();
      return results.map((r) => ({
        user: { id: r.id, username: r.username, displayName: r.display_name },
        settings: { timeZone: r.time_zone ?? "UTC", keystrokeTimeoutMinutes: r.keystroke_timeout_minutes ?? 15 }, // user_settings' defaults
        role: roleOf(r.role),
        projects: projectsOf(r.projects),
        joinedAt: r.joined_at,
      }));
    },

    async invites(teamId, now) {
      // Invites made before they had ids get one here (SQLite cannot add a column with a
      // random default to existing rows); D1 runs a batch as one transaction.
      const [, listed] = await db.batch<{ id: string; invitee: string | null; creator: string; created_at: string; expires_at: string }>([
        db.prepare("UPDATE team_invites SET id = lower(hex(randomblob(16))) WHERE team_id = ? AND id IS NULL").bind(teamId),
        db
          .prepare(
            `SELECT i.id, COALESCE(i.invitee_name, u.username) AS invitee, c.username AS creator, i.created_at, i.expires_at
               FROM team_invites i LEFT JOIN users u ON u.id = i.invitee_id JOIN users c ON c.id = i.created_by
              WHERE i.team_id = ?1 AND ${USABLE("?2")} ORDER BY i.created_at, i.rowid`,
          )
          .bind(teamId, now),
      ]);
      return listed!.results.map((r) => ({ id: r.id, inviteeUsername: r.invitee, createdByUsername: r.creator, createdAt: r.created_at, expiresAt: r.expires_at }));
    },

    async addInvite(i, now, max) {
      const id = newId();
      const [, inserted] = await db.batch([
        // Clean-up: the team's dead invites (expired, or their creator may no longer invite).
        db.prepare(`DELETE FROM team_invites AS i WHERE i.team_id = ?1 AND NOT (${USABLE("?2")})`).bind(i.teamId, now),
        db
          .prepare(
            `INSERT INTO team_invites (id, token_hash, team_id, invitee_id, invitee_name, created_by, expires_at)
             SELECT ?, ?, ?, ?, ?, ?, ? WHERE (SELECT count(*) FROM team_invites WHERE team_id = ?3) < ?`,
          )
          .bind(id, i.tokenHash, i.teamId, i.inviteeId, i.inviteeName, i.createdBy, i.expiresAt, max),
      ]);
      return inserted!.meta.changes > 0 ? id : null;
    },

    async usableInvite(key, userId, now) {
      const by = "tokenHash" in key ? "i.token_hash = ?1" : "i.id = ?1";
      const r = await db
        .prepare(`SELECT i.team_id, i.invitee_id, i.invitee_name FROM team_invites i WHERE ${by} AND ${USABLE("?3")} AND ${NOT_BEFORE_REMOVAL("?2")}`)
        .bind("tokenHash" in key ? key.tokenHash : key.id, userId, now)
        .first<{ team_id: string; invitee_id: string | null; invitee_name: string | null }>();
      if (!r) return null;
      // A named invite is for its invitee only (none, when the name named nobody or they
      // declined); a link is redeemed by its token, never by id.
      const named = r.invitee_id !== null || r.invitee_name !== null;
      if (named && r.invitee_id !== userId) return null;
      if ("id" in key && !named) return null;
      return { teamId: r.team_id, inviteeId: r.invitee_id };
    },

    async invitationsFor(userId, now) {
      const { results } = await db
        .prepare(
          `SELECT i.id, t.id AS team_id, t.name, c.username AS creator, i.expires_at
             FROM team_invites i JOIN teams t ON t.id = i.team_id JOIN users c ON c.id = i.created_by
            WHERE i.invitee_id = ?1 AND i.id IS NOT NULL AND ${USABLE("?2")} AND ${NOT_BEFORE_REMOVAL("?1")}
              AND NOT EXISTS (SELECT 1 FROM team_members m WHERE m.team_id = i.team_id AND m.user_id = ?1)
            ORDER BY i.expires_at, i.id LIMIT 100`,
        )
        .bind(userId, now)
        .all<{ id: string; team_id: string; name: string; creator: string; expires_at: string }>();
      return results.map((r) => ({ id: r.id, team: { id: r.team_id, name: r.name }, invitedByUsername: r.creator, expiresAt: r.expires_at }));
    },

    async deleteInvite(key) {
      if ("tokenHash" in key) await db.prepare("DELETE FROM team_invites WHERE token_hash = ?").bind(key.tokenHash).run();
      else await db.prepare("DELETE FROM team_invites WHERE id = ?").bind(key.id).run();
    },

    async revokeInvite(teamId, inviteId) {
      const res = await db.prepare("DELETE FROM team_invites WHERE team_id = ? AND id = ?").bind(teamId, inviteId).run();
      return res.meta.changes > 0;
    },

    async declineInvite(inviteId, userId) {
      // The invite is kept, addressed to nobody, until it expires: to the admins it then looks
      // exactly like an invite for a name that named nobody (deleting it would tell them the
      // user exists).
      const res = await db.prepare("UPDATE team_invites SET invitee_id = NULL WHERE id = ? AND invitee_id = ?").bind(inviteId, userId).run();
      return res.meta.changes > 0;
    },

    async addMember(teamId, userId, role) {
      const res = await db.prepare("INSERT OR IGNORE INTO team_members (team_id, user_id, role) VALUES (?, ?, ?)").bind(teamId, userId, role).run();
      return res.meta.changes > 0;
    },

    async setRole(teamId, userId, role) {
      await db.batch([
        db.prepare("UPDATE team_members SET role = ? WHERE team_id = ? AND user_id = ?").bind(role, teamId, userId),
        // Clean-up: a member who may no longer invite loses the invites they made (the usable
        // test already ignores them).
        db.prepare("DELETE FROM team_invites WHERE team_id = ? AND created_by = ? AND ? = 'member'").bind(teamId, userId, role),
      ]);
    },

    async removeMember(teamId, userId, removed) {
      await db.batch([
        db.prepare("DELETE FROM team_members WHERE team_id = ?1 AND user_id = ?2").bind(teamId, userId),
        db.prepare("DELETE FROM team_invites WHERE team_id = ?1 AND (created_by = ?2 OR invitee_id = ?2)").bind(teamId, userId),
        db
          .prepare(
            `INSERT INTO team_removals (team_id, user_id) SELECT ?1, ?2 WHERE ?3
             ON CONFLICT (team_id, user_id) DO UPDATE SET removed_at = excluded.removed_at`,
          )
          .bind(teamId, userId, removed ? 1 : 0),
      ]);
    },

    async transfer(teamId, fromId, toId) {
      await db.batch([
        db.prepare("UPDATE team_members SET role = 'admin' WHERE team_id = ? AND user_id = ?").bind(teamId, fromId),
        db.prepare("UPDATE team_members SET role = 'owner' WHERE team_id = ? AND user_id = ?").bind(teamId, toId),
      ]);
    },

    async deleteTeam(teamId) {
      await db.batch([
        db.prepare("DELETE FROM team_invites WHERE team_id = ?").bind(teamId),
        db.prepare("DELETE FROM team_removals WHERE team_id = ?").bind(teamId),
        db.prepare("DELETE FROM team_members WHERE team_id = ?").bind(teamId),
        db.prepare("DELETE FROM teams WHERE id = ?").bind(teamId),
      ]);
    },

    async setProjects(teamId, userId, projects) {
      await db.prepare("UPDATE team_members SET projects = ? WHERE team_id = ? AND user_id = ?").bind(projects === null ? null : JSON.stringify(projects), teamId, userId).run();
    },
  };
}
