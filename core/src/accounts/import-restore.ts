/**
 * Importing a Kodo export restores, besides the heartbeats (import.ts), the parts that are the
 * user's own choices: settings (time zone, keystroke timeout: the days in the file were
 * computed with them), sharing settings and goals. Not restored: the username and display name
 * (the account importing keeps its identity), API keys (only their metadata is exported),
 * sign-in identities, friends, friend requests and teams (they need the other people's consent:
 * the importing user sends requests or asks for invites again), import jobs (history of past
 * pulls) and the days (recomputed from the heartbeats).
 *
 * Every part is validated as it streams by (a bad one is a 400 naming it) and nothing is
 * written until all of them have been read: in an export they precede the heartbeats, so a
 * malformed part stores nothing at all. Applying is idempotent: equal settings and sharing are
 * not rewritten, a goal equal to one the user has (period, seconds, project, language) is not
 * added again, so importing the same file twice changes nothing.
 */
import type { Ports, SharingSettings, User } from "../ports.ts";
import type { AccountAdmin, ActivityAdmin, ProfileChange } from "./ports.ts";
import { parseProfileChange } from "./profile.ts";
import { parseSharingChange } from "../social/sharing.ts";
import { MAX_GOALS_PER_USER, parseNewGoal, type Goal } from "../social/goals.ts";
import { MAX_STRING_LENGTH } from "../heartbeat/index.ts";
import { EXPORT_FORMAT } from "./export.ts";

/** Where the restorable parts sit in a Kodo export. */
export const RESTORE_PATHS = ["format", "settings", "sharing", "goals[]"] as const;

/** A restorable part of the file is malformed (the route answers 400 with the message). */
export class RestoreError extends Error {}

type NewGoal = Omit<Goal, "id" | "createdAt">;

export interface RestorePlan {
  /** True once the file's `format` says it is a Kodo export: only then is anything restored. */
  kodo: boolean;
  settings: ProfileChange | null;
  sharing: Partial<SharingSettings> | null;
  goals: NewGoal[];
}

export interface RestoreResult {
  settings: boolean;
  sharing: boolean;
  goalsAdded: number;
  /** Goals the user already had (or that appear twice in the file). */
  goalsExisting: number;
  /** Goals not added because the user has the most goals allowed. */
  goalsSkipped: number;
}

export const emptyPlan = (): RestorePlan => ({ kodo: false, settings: null, sharing: null, goals: [] });

/** Sharing as exported (snake_case; booleans, or 1/0 in version 1 files) -> the port's fields. */
const SHARING_FIELDS: Record<string, keyof SharingSettings> = {
  public_profile: "publicProfile",
  leaderboards: "leaderboards",
  projects: "projects",
  languages: "languages",
  editors: "editors",
  operating_systems: "operatingSystems",
  machines: "machines",
  history_days: "historyDays",
};
const BOOLEAN_SHARING = new Set(["publicProfile", "leaderboards", "languages", "editors", "operatingSystems", "machines"]);

const isObject = (v: unknown): v is Record<string, unknown> => typeof v === "object" && v !== null && !Array.isArray(v);

/** Takes one restorable part of the file into the plan; throws RestoreError when it is malformed. */
export function takePart(plan: RestorePlan, path: string, value: unknown): void {
  if (path === "format") {
    plan.kodo = value === EXPORT_FORMAT;
    return;
  }
  if (!plan.kodo) return;
  if (path === "settings") {
    if (!isObject(value)) throw new RestoreError("settings: expected an object");
    const parsed = parseProfileChange({ time_zone: value.time_zone, keystroke_timeout_minutes: value.keystroke_timeout_minutes });
    if (!parsed.ok) throw new RestoreError(`settings: ${parsed.error}`);
    plan.settings = parsed.value;
  } else if (path === "sharing") {
    if (value === null) return; // never set: nothing to restore
    if (!isObject(value)) throw new RestoreError("sharing: expected an object or null");
    const change: Record<string, unknown> = {};
    // Fields Kodo does not know (a newer export) are left out rather than refused.
    for (const [key, field] of Object.entries(SHARING_FIELDS)) {
      if (value[key] === undefined) continue;
      const v = value[key];
      change[field] = BOOLEAN_SHARING.has(field) && (v === 0 || v === 1) ? v === 1 : v;
    }
    const parsed = parseSharingChange(change);
    if (typeof parsed === "string") throw new RestoreError(`sharing: ${parsed}`);
    plan.sharing = parsed;
  } else if (path === "goals[]") {
    if (plan.goals.length >= MAX_GOALS_PER_USER) throw new RestoreError(`goals: at most ${MAX_GOALS_PER_USER}`);
    if (!isObject(value)) throw new RestoreError(`goals[${plan.goals.length}]: expected an object`);
    const parsed = parseNewGoal({ period: value.period, seconds: value.seconds, project: value.project, language: value.language }, MAX_STRING_LENGTH);
    if (typeof parsed === "string") throw new RestoreError(`goals[${plan.goals.length}].${parsed}`);
    plan.goals.push(parsed);
  }
}

const sameGoal = (a: NewGoal, b: NewGoal) => a.period === b.period && a.seconds === b.seconds && a.project === b.project && a.language === b.language;

/**
 * Writes the plan for `user`; returns the user as it is afterwards (new settings: the
 * heartbeats that follow must be merged with them) and what changed.
 */
export async function applyPlan(ports: Ports, admin: { accounts: AccountAdmin; activity: ActivityAdmin }, user: User, plan: RestorePlan): Promise<{ user: User; result: RestoreResult }> {
  const result: RestoreResult = { settings: false, sharing: false, goalsAdded: 0, goalsExisting: 0, goalsSkipped: 0 };
  if (!plan.kodo) return { user, result };
  let current = user;
  const s = plan.settings;
  const differ = <T>(wanted: T | undefined, have: T) => wanted !== undefined && wanted !== have;
  if (s && (differ(s.timeZone, user.timeZone) || differ(s.keystrokeTimeoutMinutes, user.keystrokeTimeoutMinutes))) {
    const updated = await admin.accounts.updateProfile(user.id, { timeZone: s.timeZone, keystrokeTimeoutMinutes: s.keystrokeTimeoutMinutes });
    if (updated !== "username-taken") {
      current = updated;
      await admin.activity.adoptSettings(current);
      result.settings = true;
    }
  }
  const social = ports.social;
  if (social && plan.sharing) {
    const before = await social.sharingOf(user.id);
    const differs = (Object.keys(plan.sharing) as (keyof SharingSettings)[]).some((k) => plan.sharing![k] !== before[k]);
    if (differs) {
      await social.updateSharing(user.id, plan.sharing);
      result.sharing = true;
    }
  }
  if (social && plan.goals.length > 0) {
    const have: NewGoal[] = await social.listGoals(user.id);
    for (const goal of plan.goals) {
      if (have.some((g) => sameGoal(g, goal))) {
        result.goalsExisting++;
        continue;
      }
      const added = await social.addGoal(user.id, goal, MAX_GOALS_PER_USER);
      if (added) {
        have.push(added);
        result.goalsAdded++;
      } else result.goalsSkipped++;
    }
  }
  return { user: current, result };
}
