/**
 * What a public read (badge, public JSON, activity map) may show of a user, decided in one
 * place from their sharing settings:
 * - unknown and private users look the same (the directory returns null for both);
 * - a filter on a dimension the user does not share (projects hidden or aliased, languages,
 *   editors, OS or machines off) makes the whole read private: otherwise time per filter
 *   value would reveal the hidden names one guess at a time;
 * - `historyDays` N > 0: only the last N local days (today included) are visible; ranges
 *   reaching further back are cut to that window. N = 0: totals of ranges only, no per-day data.
 */
import { z } from "zod";
import type { Ports, PublicUser, SharingSettings, User } from "../../ports.ts";
import type { DayActivity, Dimension } from "../../types.ts";
import { isAllTimeName, resolveRange, type DayRange } from "../../time/ranges.ts";
import { addDays, daysBetween, dayOf } from "../../time/zone.ts";
import { filterDays, isEmptyFilter, type SessionFilter } from "../../sessions/filter.ts";
import { MAX_STRING_LENGTH } from "../../heartbeat/index.ts";

/** Query parameters that narrow a public read to one project/language/editor/OS/machine. */
export const publicFilterQuery = {
  project: z.string().min(1).max(MAX_STRING_LENGTH).optional().meta({ description: "Only this project (needs projects shared by name)." }),
  language: z.string().min(1).max(MAX_STRING_LENGTH).optional().meta({ description: "Only this language (needs languages shared)." }),
  editor: z.string().min(1).max(MAX_STRING_LENGTH).optional().meta({ description: "Only this editor (needs editors shared)." }),
  os: z.string().min(1).max(MAX_STRING_LENGTH).optional().meta({ description: "Only this operating system (needs operating systems shared)." }),
  machine: z.string().min(1).max(MAX_STRING_LENGTH).optional().meta({ description: "Only this machine (needs machines shared)." }),
};
export type PublicFilterQuery = { [K in keyof typeof publicFilterQuery]?: string | undefined };

/** Longest accepted username in a public URL (longer ones cannot exist). */
export const MAX_USERNAME_LENGTH = 100;

const FILTER_DIMENSION: Record<keyof PublicFilterQuery, Dimension> = {
  project: "project",
  language: "language",
  editor: "editor",
  os: "operatingSystem",
  machine: "machine",
};

/** Whether others may see values of `dimension` by name. */
export function sharesByName(sharing: SharingSettings, dimension: Dimension): boolean {
  switch (dimension) {
    case "project":
      return sharing.projects === "public";
    case "language":
      return sharing.languages;
    case "editor":
      return sharing.editors;
    case "operatingSystem":
      return sharing.operatingSystems;
    case "machine":
      return sharing.machines;
    default:
      return false; // branches and categories are never public
  }
}

/** The session filter for the query, or null when it filters on something the user hides. */
export function allowedFilter(sharing: SharingSettings, query: PublicFilterQuery): SessionFilter | null {
  const filter: SessionFilter = {};
  for (const key of Object.keys(FILTER_DIMENSION) as (keyof PublicFilterQuery)[]) {
    const value = query[key];
    if (value === undefined) continue;
    const dimension = FILTER_DIMENSION[key];
    if (!sharesByName(sharing, dimension)) return null;
    filter[dimension as keyof SessionFilter] = value as never;
  }
  return filter;
}

/** The first filter value given, for a default label ("kodo · last 7 days"). */
export function filterValueOf(query: PublicFilterQuery): string | null {
  return query.project ?? query.language ?? query.editor ?? query.os ?? query.machine ?? null;
}

/** Whether `name` is a range the API knows ("last_7_days", "2026", "2026-03", ...). */
export function isRangeName(name: string): boolean {
  return resolveRange(name, 0, "UTC") !== null;
}

/** The first day others may see, or null for no day limit ("totals only" or unlimited). */
export function firstVisibleDay(sharing: SharingSettings, today: string): string | null {
  return sharing.historyDays > 0 ? addDays(today, -(sharing.historyDays - 1)) : null;
}

export interface PublicRange extends DayRange {
  /** True when the range was cut to the user's shared history. */
  limited: boolean;
}

/** The named range in the user's zone, cut to their shared history; null if none of it is visible. */
export async function publicRange(ports: Ports, user: User, sharing: SharingSettings, name: string): Promise<PublicRange | null> {
  const now = ports.now();
  const today = dayOf(now, user.timeZone);
  const firstDay = isAllTimeName(name) ? await ports.activity.firstDay(user) : null;
  const range = resolveRange(name, now, user.timeZone, firstDay);
  if (!range) return null;
  const visible = firstVisibleDay(sharing, today);
  if (visible === null || range.start >= visible) return { ...range, limited: false };
  if (range.end < visible) return null;
  const visibleDays = daysBetween(visible, today) + 1;
  const text = range.end !== today ? `${visible} - ${range.end}` : visibleDays === 1 ? "Today" : `Last ${visibleDays} Days`;
  return { ...range, start: visible, text, limited: true };
}

/** The user's days of the range, restricted to the filter (exact totals from sessions). */
export async function publicDays(ports: Ports, found: Pick<PublicUser, "user">, range: DayRange, filter: SessionFilter): Promise<DayActivity[]> {
  const sessions = !isEmptyFilter(filter); // a filter recomputes totals from the sessions
  return filterDays(await ports.activity.days(found.user, range.start, range.end, { sessions }), filter);
}

/** The user behind a public URL, or null for unknown and private users alike. */
export async function findPublicUser(ports: Ports, username: string): Promise<PublicUser | null> {
  return ports.publicDirectory ? ports.publicDirectory.findPublicUser(username) : null;
}
