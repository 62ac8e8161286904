/** The teams port (issue 9); optional on `Ports` (absent -> the team routes answer 501). D1: worker/src/stores/social-teams.ts. */
import type { SocialUser } from "./ports.ts";
import type { MergeSettings } from "../types.ts";
import type { TeamProjects, TeamRole } from "./teams.ts";

export interface TeamSummary {
  id: string;
  name: string;
  role: TeamRole;
  members: number;
}

export interface TeamMember {
  user: SocialUser;
  /**
   * The member's time zone and keystroke timeout, read with the member list: a team board
   * counts each member's own local days, and their activity owner derives days with these
   * (no look-up per member). Never shown to other members.
   */
  settings: MergeSettings;
  role: TeamRole;
  projects: TeamProjects;
  /** ISO timestamp. */
  joinedAt: string;
}

/** A usable invite as admins see it (no token: only its digest is stored). */
export interface TeamInviteInfo {
  /** The public handle to revoke it by. */
  id: string;
  /** Null for a link anyone may use; else the username the admin typed. */
  inviteeUsername: string | null;
  /** Who made it (an admin or the owner: an invite dies with its creator's right to invite). */
  createdByUsername: string;
  createdAt: string;
  expiresAt: string;
}

/** A named invite as its invitee sees it (their Teams page). */
export interface TeamInvitation {
  id: string;
  team: { id: string; name: string };
  invitedByUsername: string;
  expiresAt: string;
}

/** An invite a user may redeem now. */
export interface UsableInvite {
  teamId: string;
  /** Non-null: for that user only, used up when redeemed. */
  inviteeId: string | null;
}

/** Which invite a user redeems: a link's token digest, or a named invite's id. */
export type InviteKey = { tokenHash: string } | { id: string };

/**
 * Every read of invites returns only USABLE invites (issue 13), checked in the store's query so
 * no route can forget it: unexpired at `now`, and made by someone who is still an admin or the
 * owner of the team (a demoted, removed or departed admin's and a deleted account's invites are
 * dead). Redemption also refuses an invite made before an admin removed the redeeming user.
 */
export interface TeamStore {
  createTeam(ownerId: string, name: string): Promise<{ id: string; name: string }>;
  teamsOf(userId: string): Promise<TeamSummary[]>;
  team(teamId: string): Promise<{ id: string; name: string } | null>;
  /** Members, owner first then by join time. */
  members(teamId: string): Promise<TeamMember[]>;
  /** The team's usable invites, oldest first. */
  invites(teamId: string, now: string): Promise<TeamInviteInfo[]>;
  /**
   * Stores an invite (and drops the team's dead ones) unless the team already has `max` usable
   * invites; returns its id, or null at the limit.
   */
  addInvite(
    invite: { teamId: string; tokenHash: string; inviteeId: string | null; inviteeName: string | null; createdBy: string; expiresAt: string },
    now: string,
    max: number,
  ): Promise<string | null>;
  /** The invite `userId` may redeem now, or null (unknown, expired, dead, someone else's, or made before their removal). */
  usableInvite(key: InviteKey, userId: string, now: string): Promise<UsableInvite | null>;
  /** Usable named invites for `userId` to teams they are not in, soonest to expire first. */
  invitationsFor(userId: string, now: string): Promise<TeamInvitation[]>;
  /** Deletes an invite (a named invite is used up when redeemed). */
  deleteInvite(key: InviteKey): Promise<void>;
  /** Deletes the team's invite with this id; false when there is none. */
  revokeInvite(teamId: string, inviteId: string): Promise<boolean>;
  /** Makes a named invite addressed to `userId` unusable (kept, for nobody, until it expires); false when there is none. */
  declineInvite(inviteId: string, userId: string): Promise<boolean>;
  /** Adds the member unless already in the team; false when they were. */
  addMember(teamId: string, userId: string, role: TeamRole): Promise<boolean>;
  /** Sets the role; a member who is no longer an admin loses the invites they made. */
  setRole(teamId: string, userId: string, role: TeamRole): Promise<void>;
  /**
   * Removes the member, their invites and invites addressed to them; `removed` (by an admin,
   * not leaving) records when, so invites made before it no longer admit them.
   */
  removeMember(teamId: string, userId: string, removed: boolean): Promise<void>;
  /** Makes `toId` the owner and `fromId` an admin, atomically. */
  transfer(teamId: string, fromId: string, toId: string): Promise<void>;
  deleteTeam(teamId: string): Promise<void>;
  setProjects(teamId: string, userId: string, projects: TeamProjects): Promise<void>;
}
