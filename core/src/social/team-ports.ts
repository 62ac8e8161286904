/** The teams port (issue 9); optional on `Ports` (absent -> the team routes answer 501). D1: worker/src/stores/social-teams.ts. */
import type { SocialUser } from "./ports.ts";
import type { TeamProjects, TeamRole } from "./teams.ts";

export interface TeamSummary {
  id: string;
  name: string;
  role: TeamRole;
  members: number;
}

export interface TeamMember {
  user: SocialUser;
  role: TeamRole;
  projects: TeamProjects;
  /** ISO timestamp. */
  joinedAt: string;
}

export interface TeamInviteInfo {
  inviteeUsername: string | null;
  createdAt: string;
  expiresAt: string;
}

export interface TeamStore {
  createTeam(ownerId: string, name: string): Promise<{ id: string; name: string }>;
  teamsOf(userId: string): Promise<TeamSummary[]>;
  team(teamId: string): Promise<{ id: string; name: string } | null>;
  /** Members, owner first then by join time. */
  members(teamId: string): Promise<TeamMember[]>;
  invites(teamId: string): Promise<TeamInviteInfo[]>;
  addInvite(invite: { teamId: string; tokenHash: string; inviteeId: string | null; createdBy: string; expiresAt: string }): Promise<void>;
  findInvite(tokenHash: string): Promise<{ teamId: string; inviteeId: string | null; expiresAt: string } | null>;
  deleteInvite(tokenHash: string): Promise<void>;
  /** Adds the member unless already in the team; false when they were. */
  addMember(teamId: string, userId: string, role: TeamRole): Promise<boolean>;
  setRole(teamId: string, userId: string, role: TeamRole): Promise<void>;
  removeMember(teamId: string, userId: string): Promise<void>;
  /** Makes `toId` the owner and `fromId` an admin, atomically. */
  transfer(teamId: string, fromId: string, toId: string): Promise<void>;
  deleteTeam(teamId: string): Promise<void>;
  setProjects(teamId: string, userId: string, projects: TeamProjects): Promise<void>;
}
