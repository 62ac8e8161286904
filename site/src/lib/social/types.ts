/** Shapes of the social API (issue 9 contract, /tmp/social-contract.md), as the site reads them. */

export type ProjectSharing = "hidden" | "alias" | "public";

export interface Sharing {
  publicProfile: boolean;
  leaderboards: boolean;
  projects: ProjectSharing;
  languages: boolean;
  editors: boolean;
  operatingSystems: boolean;
  machines: boolean;
  historyDays: number;
}

export interface NamedSeconds {
  name: string;
  totalSeconds: number;
}

export interface LeaderRow {
  rank: number;
  user: { username: string; displayName: string | null };
  totalSeconds: number;
  dailyAverageSeconds: number;
  languages?: NamedSeconds[];
  flagged: boolean;
}

export interface Leaderboard {
  range: string;
  scope: string;
  language: string | null;
  page: number;
  pages: number;
  total: number;
  me: { rank: number; totalSeconds: number } | null;
  data: LeaderRow[];
}

export interface Person {
  username: string;
  displayName: string | null;
}

export interface Friends {
  friends: (Person & { since: string })[];
  incoming: (Person & { at: string })[];
  outgoing: (Person & { at: string })[];
}

export type TeamRole = "owner" | "admin" | "member";

export interface TeamSummary {
  id: string;
  name: string;
  role: TeamRole;
  members: number;
}

/** A new invite link (POST /teams/{id}/invites without a username): its token is shown once. */
export interface TeamInvite {
  id: string;
  token: string;
  url: string;
  expiresAt: string;
}

/** A usable invite as GET /teams/{id} lists it (admins only): its link was shown once, at creation. */
export interface PendingInvite {
  id: string;
  /** Null: a link; else the username as typed (the API does not say whether it exists). */
  username: string | null;
  createdBy: string;
  createdAt: string;
  expiresAt: string;
}

/** An invitation to the signed-in user (GET /teams/invitations). */
export interface TeamInvitation {
  id: string;
  team: { id: string; name: string };
  invitedBy: string;
  expiresAt: string;
}

export interface Team {
  id: string;
  name: string;
  role: TeamRole;
  members: (Person & { role: TeamRole })[];
  invites?: PendingInvite[];
  /** The caller's choice of their projects counting toward the team (none until chosen). */
  myProjects: string[] | "all";
}

export interface TeamDashboard {
  members: (Person & { totalSeconds: number })[];
  projects: NamedSeconds[];
  languages: NamedSeconds[];
  days: { day: string; totalSeconds: number }[];
}

export interface Goal {
  id: string;
  period: "day" | "week";
  seconds: number;
  project: string | null;
  language: string | null;
  progress: { seconds: number; percent: number; met: boolean };
  streak: number;
}

/** A list item of the public stats (WakaTime's summary item shape). */
export interface StatItem {
  name: string;
  total_seconds: number;
  percent: number;
  text?: string;
}

/** GET /api/public/users/{u}/stats/{range} and /api/kodo/friends/{u}/stats: `data`. */
export interface PublicStats {
  username: string;
  display_name: string | null;
  range: { name: string; text: string; start: string; end: string; timezone: string; limited_by_history: boolean };
  total_seconds: number;
  human_readable_total: string;
  daily_average: number;
  human_readable_daily_average: string;
  projects?: StatItem[];
  languages?: StatItem[];
  editors?: StatItem[];
  operating_systems?: StatItem[];
  machines?: StatItem[];
  days?: { date: string; total_seconds: number }[];
}
