/**
 * The parts of the export beyond the user's own activity: goals, friendships and friend
 * requests, teams, import jobs, read through the ports (a platform without social features,
 * e.g. the SAM adapter, exports empty lists). What belongs to the user and what to others:
 * - friends and requests (sent and received): the other user's username and display name, the
 *   two things the user sees of them anyway, and when; never their id or their data;
 * - teams: every team the user is in with their own role, join time and which of their
 *   projects count; for teams they own, also the members' usernames, display names, roles and
 *   join times (what the owner manages), never the members' project choices or their time;
 * - import jobs: status and cursor (next day, counts, errors), the remote's base URL and
 *   id -> name lookups; the remote API key is never stored, so never exported.
 */
import type { Ports, User } from "../ports.ts";
import type { FriendLink } from "../social/ports.ts";
import type { AccountAdmin, ImportJob } from "./ports.ts";
import { cursorDay } from "./remote-cursor.ts";

/** At most this many import jobs (newest first) are exported: a job is one pull from another server. */
export const MAX_EXPORTED_IMPORT_JOBS = 1_000;

const person = (f: FriendLink) => ({ username: f.user.username, display_name: f.user.displayName, at: f.at });

export interface ExportedRelations {
  goals: { id: string; period: string; seconds: number; project: string | null; language: string | null; created_at: string }[];
  friends: { friends: ReturnType<typeof person>[]; requests_sent: ReturnType<typeof person>[]; requests_received: ReturnType<typeof person>[] };
  teams: {
    id: string;
    name: string;
    role: string;
    joined_at: string | null;
    projects: null | "all" | string[];
    members?: { username: string; display_name: string | null; role: string; joined_at: string }[];
  }[];
  import_jobs: ReturnType<typeof exportedJob>[];
}

export async function relationsOf(ports: Ports, accounts: AccountAdmin, user: User): Promise<ExportedRelations> {
  const { social, teams } = ports;
  const [goals, lists, teamList, jobs] = await Promise.all([
    social ? social.listGoals(user.id) : [],
    social ? social.friendLists(user.id) : { friends: [], incoming: [], outgoing: [] },
    teams ? teams.teamsOf(user.id) : [],
    accounts.listImportJobs(user.id, MAX_EXPORTED_IMPORT_JOBS),
  ]);
  const exportedTeams = await Promise.all(
    teamList.map(async (t) => {
      const members = await teams!.members(t.id);
      const me = members.find((m) => m.user.id === user.id);
      return {
        id: t.id,
        name: t.name,
        role: t.role,
        joined_at: me?.joinedAt ?? null,
        projects: me?.projects ?? null,
        ...(t.role === "owner"
          ? { members: members.filter((m) => m.user.id !== user.id).map((m) => ({ username: m.user.username, display_name: m.user.displayName, role: m.role, joined_at: m.joinedAt })) }
          : {}),
      };
    }),
  );
  return {
    goals: goals.map((g) => ({ id: g.id, period: g.period, seconds: g.seconds, project: g.project, language: g.language, created_at: g.createdAt })),
    friends: { friends: lists.friends.map(person), requests_sent: lists.outgoing.map(person), requests_received: lists.incoming.map(person) },
    teams: exportedTeams,
    import_jobs: jobs.map(exportedJob),
  };
}

/** An import job in snake_case, as exported (and, without lookups, as the imports API shows it). */
export function exportedJob(j: ImportJob) {
  return {
    id: j.id,
    base_url: j.baseUrl,
    status: j.status,
    first_day: j.firstDay,
    last_day: j.lastDay,
    // The day only: the in-day position is the import's own business (remote-cursor.ts).
    next_day: cursorDay(j.nextDay),
    days_done: j.daysDone,
    days_total: j.daysTotal,
    heartbeats_received: j.heartbeatsReceived,
    heartbeats_created: j.heartbeatsCreated,
    heartbeats_rejected: j.heartbeatsRejected,
    lookups: j.lookups ? { user_agents: j.lookups.userAgents, machines: j.lookups.machines } : null,
    error: j.error,
    created_at: j.createdAt,
    updated_at: j.updatedAt,
  };
}
