/** The teams port on D1 (issue 9): teams, members with roles and chosen projects, invites (token digests only). */
import type { TeamProjects, TeamRole, TeamStore } from "@kodo/core/social";

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
          `SELECT u.id, u.username, u.display_name, m.role, m.projects, m.joined_at
             FROM team_members m JOIN users u ON u.id = m.user_id WHERE m.team_id = ?
            ORDER BY m.role = 'owner' DESC, m.joined_at, u.username`,
        )
        .bind(teamId)
        .all<{ id: string; username: string; display_name: string | null; role: string; projects: string | null; joined_at: string }>();
      return results.map((r) => ({
        user: { id: r.id, username: r.username, displayName: r.display_name },
        role: roleOf(r.role),
        projects: projectsOf(r.projects),
        joinedAt: r.joined_at,
      }));
    },

    async invites(teamId) {
      const { results } = await db
        .prepare(
          `SELECT u.username, i.created_at, i.expires_at FROM team_invites i LEFT JOIN users u ON u.id = i.invitee_id
            WHERE i.team_id = ? AND i.expires_at > strftime('%Y-%m-%dT%H:%M:%fZ', 'now') ORDER BY i.created_at`,
        )
        .bind(teamId)
        .all<{ username: string | null; created_at: string; expires_at: string }>();
      return results.map((r) => ({ inviteeUsername: r.username, createdAt: r.created_at, expiresAt: r.expires_at }));
    },

    async addInvite(i) {
      await db
        .prepare("INSERT INTO team_invites (token_hash, team_id, invitee_id, created_by, expires_at) VALUES (?, ?, ?, ?, ?)")
        .bind(i.tokenHash, i.teamId, i.inviteeId, i.createdBy, i.expiresAt)
        .run();
    },

    async findInvite(tokenHash) {
      const r = await db
        .prepare("SELECT team_id, invitee_id, expires_at FROM team_invites WHERE token_hash = ?")
        .bind(tokenHash)
        .first<{ team_id: string; invitee_id: string | null; expires_at: string }>();
      return r ? { teamId: r.team_id, inviteeId: r.invitee_id, expiresAt: r.expires_at } : null;
    },

    async deleteInvite(tokenHash) {
      await db.prepare("DELETE FROM team_invites WHERE token_hash = ?").bind(tokenHash).run();
    },

    async addMember(teamId, userId, role) {
      const res = await db.prepare("INSERT OR IGNORE INTO team_members (team_id, user_id, role) VALUES (?, ?, ?)").bind(teamId, userId, role).run();
      return res.meta.changes > 0;
    },

    async setRole(teamId, userId, role) {
      await db.prepare("UPDATE team_members SET role = ? WHERE team_id = ? AND user_id = ?").bind(role, teamId, userId).run();
    },

    async removeMember(teamId, userId) {
      await db.batch([
        db.prepare("DELETE FROM team_members WHERE team_id = ? AND user_id = ?").bind(teamId, userId),
        db.prepare("DELETE FROM team_invites WHERE team_id = ? AND (created_by = ?2 OR invitee_id = ?2)").bind(teamId, userId),
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
        db.prepare("DELETE FROM team_members WHERE team_id = ?").bind(teamId),
        db.prepare("DELETE FROM teams WHERE id = ?").bind(teamId),
      ]);
    },

    async setProjects(teamId, userId, projects) {
      await db.prepare("UPDATE team_members SET projects = ? WHERE team_id = ? AND user_id = ?").bind(projects === null ? null : JSON.stringify(projects), teamId, userId).run();
    },
  };
}
