/**
 * `/api/kodo/account/export` and `/api/kodo/account/import`: everything Kodo holds about the
 * caller as one streamed JSON document, and importing heartbeats from a file (a WakaTime data
 * dump, a Kodo export, or a plain array), streamed too, so neither holds a year of heartbeats
 * in memory. Pulling from another server is in account-remote-import.ts.
 */
import { Hono } from "hono";
import { describeRoute } from "hono-openapi";
import type { AppEnv } from "../context.ts";
import { jsonError } from "../errors.ts";
import { discardRest, requestStream } from "../body.ts";
import { errorResponses, jsonResponse } from "../openapi-schemas.ts";
import { API_KEY_SECURITY } from "../openapi.ts";
import { admin, requireAccount } from "./account-auth.ts";
import { countsView, importResultSchema } from "./account-views.ts";
import { exportStream } from "../../accounts/export.ts";
import { relationsOf } from "../../accounts/export-relations.ts";
import { IMPORT_PATHS, emptyCounts, formatOfPath, importAll, note, type ImportFormat } from "../../accounts/import.ts";
import { JsonStreamError, jsonItems } from "../../accounts/json-items.ts";
import { applyPlan, emptyPlan, RESTORE_PATHS, RestoreError, takePart, type RestoreResult } from "../../accounts/import-restore.ts";
import { EXTERNAL_IMPORT_PATH, ExternalImport, type ExternalImportCounts } from "../../accounts/import-external.ts";
import { purgeUserCaches } from "../user-caches.ts";
import { addDays, dayOf } from "../../time/zone.ts";
import type { ActivityStore, StoredHeartbeat, User } from "../../ports.ts";
import type { ActivityAdmin } from "../../accounts/ports.ts";
import type { DayActivity } from "../../types.ts";
import type { ExternalDurationStore } from "../../external/external-durations.ts";
import { MAX_FUTURE_SKEW_SECONDS, MIN_HEARTBEAT_TIME } from "../../heartbeat/limits.ts";
import { toWireExternal } from "./wakatime-external-durations.ts";

export const accountDataRoutes = new Hono<AppEnv>();

const TAGS = ["Account"];
/** How much of a refused import file is still read (and dropped) so the client gets the 400. */
const MAX_DISCARD_BYTES = 256 * 1_048_576;
const AUTH_NOTE = "Authenticated by the dashboard's sign-in cookie or an API key.";
/** Heartbeats per page read from the activity store while exporting. */
export const EXPORT_PAGE_SIZE = 2000;
/** Days per read while exporting (a month of sessions at a time). */
const EXPORT_DAYS_PER_READ = 31;
/** Time window per read of external durations while exporting. */
const EXTERNAL_EXPORT_WINDOW_SECONDS = 366 * 86_400;

accountDataRoutes.get(
  "/export",
  describeRoute({
    tags: TAGS,
    summary: "Export everything as JSON",
    description:
      "One JSON document (streamed): `format`, `version`, `exported_at`, `user`, `settings`, `api_keys` (metadata only), " +
      "`identities`, `sharing`, `goals`, `friends`, `teams`, `import_jobs`, `days` (per-day totals and sessions) and `heartbeats` (the raw log, WakaTime field names). " +
      `See docs/accounts.md "Export format". ${AUTH_NOTE} Any key, read-only included.`,
    security: API_KEY_SECURITY,
    responses: {
      200: { description: "The export, as an attachment.", content: { "application/json": { schema: { type: "object" } } } },
      ...errorResponses(401),
    },
  }),
  requireAccount("read"),
  async (c) => {
    const { accounts, activity: activityAdmin } = admin(c);
    const { activity } = c.var.ports;
    const user = c.var.auth.user;
    const now = c.var.ports.now();
    const [keys, identities, sharing, relations, firstDay] = await Promise.all([
      accounts.listKeys(user.id),
      accounts.listIdentities(user.id),
      accounts.sharingOf ? accounts.sharingOf(user.id) : Promise.resolve(null),
      relationsOf(c.var.ports, accounts, user),
      activity.firstDay(user),
    ]);
    const today = dayOf(now, user.timeZone);
    const body = exportStream({
      user,
      keys,
      identities,
      sharing,
      relations,
      exportedAt: new Date(now * 1000).toISOString(),
      days: daysOf(activity, user, firstDay, today),
      heartbeats: heartbeatPages(activityAdmin, user),
      externalDurations: externalPages(c.var.ports.externalDurations, user, now),
    });
    const name = `kodo-export-${user.username}-${today}.json`;
    return c.body(body, 200, {
      "Content-Type": "application/json; charset=utf-8",
      "Content-Disposition": `attachment; filename="${name}"`,
      "Cache-Control": "private, no-store",
    });
  },
);

async function* daysOf(activity: ActivityStore, user: User, firstDay: string | null, today: string): AsyncGenerator<DayActivity[]> {
  if (firstDay === null) return;
  for (let start = firstDay; start <= today; start = addDays(start, EXPORT_DAYS_PER_READ)) {
    const end = addDays(start, EXPORT_DAYS_PER_READ - 1);
    yield await activity.days(user, start, end < today ? end : today, { sessions: true });
  }
}

/** External durations a year at a time (a year holds at most the per-user cap), by start. */
async function* externalPages(store: ExternalDurationStore | undefined, user: User, now: number): AsyncGenerator<unknown[]> {
  if (!store) return;
  const end = now + MAX_FUTURE_SKEW_SECONDS;
  for (let from = MIN_HEARTBEAT_TIME; from < end; from += EXTERNAL_EXPORT_WINDOW_SECONDS) {
    const to = Math.min(end, from + EXTERNAL_EXPORT_WINDOW_SECONDS);
    // A duration overlapping the window's start belongs to the window it starts in.
    const page = (await store.between(user, from, to)).filter((d) => d.startTime >= from);
    if (page.length > 0) yield page.map(toWireExternal);
  }
}

async function* heartbeatPages(activity: ActivityAdmin, user: User): AsyncGenerator<StoredHeartbeat[]> {
  let after: { time: number; id: string } | null = null;
  for (;;) {
    const page = await activity.heartbeatPage(user, after, EXPORT_PAGE_SIZE);
    if (page.length > 0) yield page;
    if (page.length < EXPORT_PAGE_SIZE) return;
    const last = page[page.length - 1]!;
    after = { time: last.time, id: last.id };
  }
}

accountDataRoutes.post(
  "/import",
  describeRoute({
    tags: TAGS,
    summary: "Import heartbeats from a file",
    description:
      "The body is the file itself (streamed, any size): a WakaTime data dump (`days[].heartbeats[]`), a Kodo export " +
      "(`heartbeats[]`) or a JSON array of heartbeats. Each heartbeat is validated, deduplicated and merged like a live " +
      "one, so importing a file twice changes nothing. A Kodo export also restores settings, sharing, goals and external durations (idempotently; " +
      "friends and teams are not re-created; `restored` says what changed). A file that turns out malformed half-way keeps what was imported " +
      `before the error (the 400 says how much). Needs a full-access key or a session. ${AUTH_NOTE}`,
    security: API_KEY_SECURITY,
    requestBody: { required: true, description: "The JSON file.", content: { "application/json": { schema: { type: "object" } } } },
    responses: { 200: jsonResponse("What was imported.", importResultSchema), ...errorResponses(400, 401, 403) },
  }),
  requireAccount("write"),
  async (c) => {
    // Streamed (never held): its parser consumes the body item by item, whatever its size.
    const stream = requestStream(c, "Body required: the JSON file to import");
    const { ports } = c.var;
    const { activity } = ports;
    const now = ports.now();
    const counts = emptyCounts();
    let format: ImportFormat | null = null;
    // The heartbeats are ingested for `user`, which the restored settings replace (below).
    let user = c.var.auth.user;
    const plan = emptyPlan();
    let restored: RestoreResult | null = null;
    // Settings, sharing and goals precede the heartbeats in an export: they are all read (and
    // validated) before the first heartbeat, and written then, so the heartbeats merge with the
    // restored settings, and a malformed part is refused before anything is stored.
    const restore = async () => {
      if (restored) return;
      const applied = await applyPlan(ports, admin(c), user, plan);
      restored = applied.result;
      if (restored.settings || restored.sharing) await purgeUserCaches(ports, user.id);
      user = applied.user;
    };
    // External durations (after the settings, before the heartbeats in an export) are stored
    // in batches as they stream by, once the settings are restored.
    const external = new ExternalImport(ports.externalDurations, now, (error) => note(counts, error));
    const items = (async function* () {
      for await (const item of jsonItems(stream.values({ preventCancel: true }), IMPORT_TARGETS)) {
        if (HEARTBEAT_PATHS.has(item.path)) {
          format ??= formatOfPath(item.path);
          await restore();
          await external.flush(user);
          yield item.value;
        } else if (item.path === EXTERNAL_IMPORT_PATH) {
          if (!plan.kodo) continue;
          await restore();
          await external.add(user, item.value);
        } else takePart(plan, item.path, item.value);
      }
      await restore();
      await external.flush(user);
    })();
    try {
      await importAll(activity, () => user, items, now, null, counts);
    } catch (err) {
      if (err instanceof RestoreError) return jsonError(c, 400, `${err.message}. Nothing was imported.`);
      if (!(err instanceof JsonStreamError)) throw err;
      await discardRest(stream, MAX_DISCARD_BYTES);
      const kept = counts.created + counts.duplicates;
      return jsonError(c, 400, `${err.message}. ${kept} heartbeats before the error were imported (${counts.created} new); importing again is safe.`);
    }
    if (plan.kodo) format ??= "kodo-export";
    if (format === null && counts.received === 0) {
      return jsonError(c, 400, "No heartbeats found: expected a WakaTime data dump (days[].heartbeats[]), a Kodo export (heartbeats[]) or an array of heartbeats");
    }
    const firstDay = counts.firstTime === null ? null : dayOf(counts.firstTime, user.timeZone);
    const lastDay = counts.lastTime === null ? null : dayOf(counts.lastTime, user.timeZone);
    const days = firstDay && lastDay ? await activity.days(user, firstDay, lastDay) : [];
    const totalSeconds = days.reduce((sum, d) => sum + d.totalSeconds, 0);
    return c.json({
      format,
      ...countsView(counts),
      first_day: firstDay,
      last_day: lastDay,
      total_seconds: Math.round(totalSeconds * 1000) / 1000,
      ...(plan.kodo ? { restored: restoredView(restored, external.counts) } : {}),
    });
  },
);

const HEARTBEAT_PATHS = new Set<string>(Object.values(IMPORT_PATHS));
const IMPORT_TARGETS = [...HEARTBEAT_PATHS, ...RESTORE_PATHS, EXTERNAL_IMPORT_PATH];

function restoredView(r: RestoreResult | null, external: ExternalImportCounts) {
  return {
    settings: r?.settings ?? false,
    sharing: r?.sharing ?? false,
    goals_added: r?.goalsAdded ?? 0,
    goals_existing: r?.goalsExisting ?? 0,
    goals_skipped: r?.goalsSkipped ?? 0,
    external_durations_added: external.added,
    external_durations_existing: external.existing,
    external_durations_rejected: external.rejected,
    external_durations_skipped: external.skipped,
  };
}
