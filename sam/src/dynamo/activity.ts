import {
  addDays,
  dayOf,
  daysAffectedBy,
  dedupeKeys,
  entityTotals,
  hasPlaceholders,
  mergeSettingsOf,
  pageLimit,
  resolvePlaceholders,
  startOfDay,
  type ActivityStore,
  type DayActivity,
  type Heartbeat,
  type IngestOutcome,
  type MergeSettings,
  type PlaceholderSource,
  type User,
} from "@kodo/core";
import type { Doc } from "./client.ts";
import { bumpDays, decodeDayItem, isFresh, readDayItems, type DayItem, type DayStoreOptions } from "./days.ts";
import { settingsFromKey, settingsKeyOf, touchHead, type HeadItem } from "./head.ts";
import { WRITE_CONCURRENCY } from "./limits.ts";
import { edgeHeartbeat, heartbeatCountBetween, heartbeatPageBetween, heartbeatsBetween, insertHeartbeat } from "./log.ts";
import { ensureSettings, recompute, type MergeContext } from "./merge.ts";
import { mapLimit } from "./pool.ts";
import { noteSeen, readSeen } from "./seen.ts";
import { markStandingDirty } from "./standings.ts";
import { enqueueRelay, readRelay } from "./relay.ts";
import { readProjectDays } from "./project-days.ts";

export interface DynamoActivityOptions extends DayStoreOptions {
  table: string;
  /** Epoch seconds; stored as each heartbeat's createdAt. */
  now?: () => number;
  /** Queue newly stored heartbeats for the user's relay, when one is set (relay.ts). */
  relay?: boolean;
}

/**
 * The activity port on DynamoDB. Where the Cloudflare build serialises each user's merges in
 * a Durable Object, here each local day carries an ingest counter and merges commit with a
 * conditional write on it (see days.ts), so concurrent Lambdas never lose an update and
 * never wait for a lock. As on Cloudflare, ingest stores heartbeats and marks days stale;
 * stale days are merged (with core's merge rules) when read.
 */
export function dynamoActivity(doc: Doc, options: DynamoActivityOptions): ActivityStore {
  const { table } = options;
  const now = options.now ?? (() => Date.now() / 1000);
  const ctx: MergeContext = { doc, table, options };

  async function ingest(user: Parameters<ActivityStore["ingest"]>[0], batch: Heartbeat[]): Promise<IngestOutcome[]> {
    const settings = mergeSettingsOf(user);
    // Placeholders (<<LAST_PROJECT>>, ...) take the values of the latest heartbeat before them.
    const [edge, relay] = await Promise.all([
      batch.some(hasPlaceholders) ? edgeHeartbeat(doc, table, user.id, "last") : null,
      options.relay ? readRelay(doc, table, user.id) : null,
    ]);
    let last: (PlaceholderSource & { time: number }) | null = edge;
    const resolved = batch.map((hb) => {
      const r = resolvePlaceholders(hb, last);
      if (!last || r.time >= last.time) last = { time: r.time, project: r.project, language: r.language, branch: r.branch };
      return r;
    });
    const keys = await dedupeKeys(user.id, resolved);
    const firstIndex = new Map<string, number>();
    keys.forEach((k, i) => firstIndex.has(k) || firstIndex.set(k, i));

    // 1. The heartbeats, each a conditional put: an existing item means a duplicate.
    const storedAt = now();
    const outcomes = await mapLimit(resolved, WRITE_CONCURRENCY, async (hb, i): Promise<IngestOutcome> => {
      if (firstIndex.get(keys[i]!) !== i) return "duplicate";
      return (await insertHeartbeat(doc, table, user.id, keys[i]!, hb, storedAt)) ? "created" : "duplicate";
    });
    // 1b. Only the heartbeats stored just now go to the relay's queue, before the answer.
    if (relay) {
      const created = resolved.flatMap((hb, i) => (outcomes[i] === "created" ? [{ dedupeKey: keys[i]!, hb }] : []));
      await enqueueRelay(doc, table, user.id, relay, created, storedAt);
    }
    // 2. Learn the settings in force (and any rebuild) atomically, then 3. mark stale every day
    // these heartbeats can change under each of them. Duplicates count too: the ingest that
    // stored them may have died before step 3, and this request is acknowledging them.
    const head = await touchHead(doc, table, user.id, settingsKeyOf(settings));
    const stale = new Set<string>();
    for (const s of settingsInForce(settings, head)) {
      for (const hb of resolved) for (const day of daysAffectedBy(hb.time, s)) stale.add(day);
    }
    await Promise.all([bumpDays(doc, table, user.id, [...stale]), noteSeen(doc, table, user.id, resolved)]);
    // 4. Boards: after the days are marked stale, so the drainer that sees the mark derives them anew.
    if (options.boardTable) await markStandingDirty(doc, options.boardTable, user.id);
    return outcomes;
  }

  async function readDays(user: User, start: string, end: string, withSessions: boolean, onFresh?: (item: DayItem, activity: DayActivity) => Promise<void>): Promise<DayActivity[]> {
    const settings = mergeSettingsOf(user);
    await ensureSettings(ctx, user.id, settings);
    const key = settingsKeyOf(settings);
    const items = await readDayItems(doc, table, user.id, start, end);
    const byDay = new Map<string, DayActivity>();
    const stale: { day: string; item: DayItem }[] = [];
    await mapLimit(items, 8, async (item) => {
      const activity = isFresh(item, key) ? await decodeDayItem(doc, table, user.id, item, withSessions) : null;
      if (activity) {
        byDay.set(item.day, activity);
        await onFresh?.(item, activity);
      } else stale.push({ day: item.day, item });
    });
    for (const activity of await recompute(ctx, user.id, settings, stale)) {
      byDay.set(activity.day, withSessions ? activity : { ...activity, sessions: [] });
    }
    // As the port says: sessions only when asked for; a day without time is omitted.
    return [...byDay.values()].filter((d) => d.totalSeconds > 0).sort((a, b) => (a.day < b.day ? -1 : 1));
  }

  return {
    ingest,

    days: (user, start, end, daysOptions) => readDays(user, start, end, daysOptions?.sessions === true),

    projectDays: (user, start, end, projects) => readProjectDays(ctx, user.id, mergeSettingsOf(user), start, end, projects),

    async heartbeatsOn(user, day, page) {
      const { timeZone } = mergeSettingsOf(user);
      const from = startOfDay(day, timeZone);
      const to = startOfDay(addDays(day, 1), timeZone) - 0.001;
      const taken = await heartbeatPageBetween(doc, table, user.id, from, to, page.after, pageLimit(page.limit));
      // Only a day that fills its first page needs counting (a COUNT Query over the whole day).
      const total = page.withTotal ? (taken.more ? await heartbeatCountBetween(doc, table, user.id, from, to) : taken.heartbeats.length) : null;
      return { ...taken, total };
    },

    seen: (user, kind) => readSeen(doc, table, user.id, kind),

    async firstDay(user) {
      const first = await edgeHeartbeat(doc, table, user.id, "first");
      return first ? dayOf(first.time, user.timeZone) : null;
    },

    /** Time per file/domain/app, by core's entityTotals over the log of the range plus one timeout each side. */
    async entityTotals(user, start, end, filter) {
      const settings = mergeSettingsOf(user);
      const from = startOfDay(start, settings.timeZone);
      const to = startOfDay(addDays(end, 1), settings.timeZone);
      const margin = settings.keystrokeTimeoutMinutes * 60;
      return entityTotals(await heartbeatsBetween(doc, table, user.id, from - margin, to + margin), settings, from, to, filter);
    },
  };
}

/** The user's settings, plus those the head says day items are kept for (during a change). */
function settingsInForce(current: MergeSettings, head: HeadItem): MergeSettings[] {
  const out = new Map<string, MergeSettings>([[settingsKeyOf(current), current]]);
  for (const key of [head.settings, head.rebuild?.settings]) {
    if (key && !out.has(key)) out.set(key, settingsFromKey(key));
  }
  return [...out.values()];
}
