/**
 * Team rules (issue 9), pure:
 * - one owner; admins invite, see invites and remove plain members; only the owner changes
 *   roles (member <-> admin), removes admins, transfers ownership (the old owner becomes an
 *   admin) and deletes the team; the owner cannot leave or be removed (transfer first: 409);
 * - a member's time counts toward a team only for the projects they chose (`"all"` or a list);
 *   nothing until they choose (private by default);
 * - non-members are told the team does not exist (404), never that it is private;
 * - invites (issue 13): a link (anyone with its token) or named (one user, who accepts it on
 *   their Teams page; inviting by username answers the same whether or not the user exists).
 *   An invite lives TEAM_INVITE_DAYS days, admins list and revoke them, and it dies as soon as
 *   its creator may no longer invite (demoted, removed, left, account deleted): the store
 *   checks the creator's current role on every read. A member an admin removed comes back only
 *   through an invite made after the removal; one who left may use any usable invite.
 */
export type TeamRole = "owner" | "admin" | "member";
/** Projects a member lets count toward a team: none chosen yet, all, or these names. */
export type TeamProjects = null | "all" | string[];

export const MAX_TEAM_NAME_LENGTH = 80;
export const MAX_TEAM_MEMBERS = 200;
export const MAX_TEAM_PROJECTS = 200;
/** An invite (link or named) lasts this long, then dies. */
export const TEAM_INVITE_DAYS = 7;
/** At most this many usable invites per team (dead ones are cleaned up when one is added). */
export const MAX_TEAM_INVITES = 100;

export const isAdmin = (role: TeamRole) => role === "owner" || role === "admin";

/** Whether `actor` may remove `target` from the team (not themselves: that is leaving). */
export function canRemove(actor: TeamRole, target: TeamRole): boolean {
  if (target === "owner") return false;
  if (actor === "owner") return true;
  return actor === "admin" && target === "member";
}

/** Whether a session's project counts toward the team for a member who chose `projects`. */
export function projectCounts(projects: TeamProjects, project: string | null): boolean {
  if (projects === null) return false;
  if (projects === "all") return true;
  return project !== null && projects.includes(project);
}
