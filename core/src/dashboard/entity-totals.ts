import { DIMENSIONS, type Heartbeat, type MergeSettings } from "../types.ts";
import { roundMs } from "../sessions/rollup.ts";
import type { SessionFilter } from "../sessions/filter.ts";
import type { EntityTotal } from "./types.ts";

/** The fields of a heartbeat that per-entity time needs. */
export type EntityInput = Pick<Heartbeat, "time" | "entity" | "type" | (typeof DIMENSIONS)[number]>;

/**
 * Time per entity (file, domain, app) between the instants `from` (inclusive) and `to`
 * (exclusive), by the session rules extended to the entity: heartbeats in time order, the gap
 * to the next one counts toward the earlier heartbeat when it is at most the keystroke timeout
 * (a longer gap counts nothing), and a gap belongs wholly to the earlier heartbeat's entity and
 * dimensions. Gaps are clipped to the window, as sessions are split at midnight.
 *
 * Because a gap goes to exactly the heartbeat that owns it in `mergeSessions`, the entities of a
 * project add up to that project's session total over the same window. Ties at one instant are
 * ordered by the session dimensions first (as `sortForMerge` does), then by entity and type, so
 * the result depends only on the set of heartbeats.
 *
 * `heartbeats` must include those up to one timeout before `from` and the first one after `to`
 * (the window the Durable Object reads); `filter` keeps the gaps whose owner matches it.
 */
export function entityTotals(
  heartbeats: readonly EntityInput[],
  settings: Pick<MergeSettings, "keystrokeTimeoutMinutes">,
  from: number,
  to: number,
  filter: SessionFilter = {},
): EntityTotal[] {
  const timeoutSeconds = settings.keystrokeTimeoutMinutes * 60;
  const sorted = [...heartbeats].sort(compareForEntities);
  const byEntity = new Map<string, { entity: string; type: string; seconds: number; languages: Map<string | null, number> }>();
  for (let i = 0; i + 1 < sorted.length; i++) {
    const hb = sorted[i]!;
    const next = sorted[i + 1]!;
    const gap = next.time - hb.time;
    if (gap <= 0 || gap > timeoutSeconds) continue;
    const start = Math.max(hb.time, from);
    const end = Math.min(next.time, to);
    if (end <= start || !ownerMatches(hb, filter)) continue;
    const key = `${hb.type}\u0000${hb.entity}`;
    let e = byEntity.get(key);
    if (!e) {
      e = { entity: hb.entity, type: hb.type, seconds: 0, languages: new Map() };
      byEntity.set(key, e);
    }
    e.seconds = roundMs(e.seconds + (end - start));
    e.languages.set(hb.language, (e.languages.get(hb.language) ?? 0) + (end - start));
  }
  return [...byEntity.values()]
    .map(({ languages, ...e }) => ({ ...e, language: mainLanguage(languages) }))
    .sort((a, b) => b.seconds - a.seconds || (a.entity < b.entity ? -1 : a.entity > b.entity ? 1 : 0));
}

function mainLanguage(languages: Map<string | null, number>): string | null {
  let best: string | null = null;
  let most = -1;
  for (const [name, seconds] of languages) if (seconds > most) [best, most] = [name, seconds];
  return best;
}

function compareForEntities(a: EntityInput, b: EntityInput): number {
  if (a.time !== b.time) return a.time - b.time;
  for (const d of DIMENSIONS) {
    const x = a[d] ?? "";
    const y = b[d] ?? "";
    if (x !== y) return x < y ? -1 : 1;
  }
  if (a.entity !== b.entity) return a.entity < b.entity ? -1 : 1;
  return a.type < b.type ? -1 : a.type > b.type ? 1 : 0;
}

function ownerMatches(hb: EntityInput, f: SessionFilter): boolean {
  if (f.project != null && hb.project !== f.project) return false;
  if (f.branches != null && f.branches.length > 0 && !f.branches.includes(hb.branch ?? "")) return false;
  if (f.language != null && hb.language !== f.language) return false;
  if (f.editor != null && hb.editor !== f.editor) return false;
  if (f.operatingSystem != null && hb.operatingSystem !== f.operatingSystem) return false;
  if (f.machine != null && hb.machine !== f.machine) return false;
  if (f.category != null && hb.category !== f.category) return false;
  return true;
}
