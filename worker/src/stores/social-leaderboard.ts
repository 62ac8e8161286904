/**
 * Leaderboard reads on D1 (issue 9): one query sums each candidate's capped coding seconds over
 * the days of their own zone's range (the zone -> days table goes in as one JSON parameter, so
 * any number of zones costs one bound value). The primary key (user_id, day) of
 * `daily_activity` serves the per-user day range.
 *
 * Privacy (issue 13) is enforced here, in the queries, for every board and every caller:
 * - a board filtered by a dimension (a language board) lists only users who share that
 *   dimension (`FILTER_SHARING`), whoever asks (global, friends, `/api/v1/leaders`, any
 *   future board reading this store);
 * - per-user language lists (`languagesOf`) come back only for users who share languages.
 * Every user-supplied name reaches SQL as a bound value, never inside a JSON path string.
 */
import type { LeaderboardRow, SocialStore, ZoneRange } from "@kodo/core/social";

type LeaderboardReads = Pick<SocialStore, "leaderboardVersion" | "leaderboardTimeZones" | "leaderboardRows" | "languagesOf">;

/**
 * The `user_sharing` column a user must have on to appear on a board filtered by each
 * dimension (COALESCE: a user without a sharing row has the schema's defaults). A new board
 * filter adds its dimension here, so hiding it hides the user from that board.
 */
const FILTER_SHARING = { language: "COALESCE(sh.languages, 1) = 1" } as const;

/** Users on the board: opted-in users, or exactly the given ids (friends boards); `shares` narrows by sharing. */
function candidates(userIds: string[] | undefined, shares: string): { sql: string; bind: unknown[] } {
  if (userIds) {
    return {
      sql: `SELECT u.id, u.username, u.display_name, COALESCE(st.time_zone, 'UTC') AS tz, COALESCE(sh.languages, 1) AS languages
              FROM users u LEFT JOIN user_sharing sh ON sh.user_id = u.id LEFT JOIN user_settings st ON st.user_id = u.id
             WHERE u.id IN (SELECT value FROM json_each(?)) AND ${shares}`,
      bind: [JSON.stringify(userIds)],
    };
  }
  return {
    sql: `SELECT u.id, u.username, u.display_name, COALESCE(st.time_zone, 'UTC') AS tz, sh.languages AS languages
            FROM user_sharing sh JOIN users u ON u.id = sh.user_id LEFT JOIN user_settings st ON st.user_id = u.id
           WHERE sh.leaderboards = 1 AND ${shares}`,
    bind: [],
  };
}

interface Row {
  id: string;
  username: string;
  display_name: string | null;
  tz: string;
  languages: number | null;
  capped: number;
  flagged: number;
}

/**
 * The board's filter: SQL for the filtered dimension's seconds in a day's totals, its bound
 * values, and the sharing condition on candidates. The name is compared as a bound value with
 * json_each's keys: a JSON path built from it would break (500) on NUL, quotes, `$`, `[`...
 */
function boardFilter(language: string | null): { seconds: string; bind: unknown[]; shares: string } {
  if (language === null) return { seconds: "d.coding_seconds", bind: [], shares: "1" };
  return {
    // A language board counts that language's time of the day, at most the day's coding time.
    seconds: "MIN(COALESCE((SELECT value FROM json_each(d.totals, '$.language') WHERE key = ?), 0), d.coding_seconds)",
    bind: [language],
    shares: FILTER_SHARING.language,
  };
}

const zoneTable = (ranges: ZoneRange[]) =>
  JSON.stringify(ranges.flatMap((r) => r.timeZones.map((z) => ({ z, s: r.start, e: r.end }))));

const ZR = `zr AS (SELECT json_extract(value, '$.z') AS tz, json_extract(value, '$.s') AS s, json_extract(value, '$.e') AS e FROM json_each(?))`;

export function d1LeaderboardReads(db: D1Database): LeaderboardReads {
  return {
    async leaderboardVersion() {
      // Members and the newest generation among them: joining, leaving (opting out: one fewer;
      // a deleted account's row goes with it) and any member's bump (public-directory.ts) change it.
      const row = await db
        .prepare("SELECT count(*) AS n, max(updated_at) AS latest FROM user_sharing WHERE leaderboards = 1")
        .first<{ n: number; latest: string | null }>();
      return `${row?.n ?? 0}@${row?.latest ?? ""}`;
    },

    async leaderboardTimeZones(userIds) {
      // Time zones only pick the days: every candidate's zone, whatever the filter.
      const c = candidates(userIds, "1");
      const { results } = await db.prepare(`SELECT DISTINCT tz FROM (${c.sql})`).bind(...c.bind).all<{ tz: string }>();
      return results.map((r) => r.tz);
    },

    async leaderboardRows(query) {
      const cap = query.capSecondsPerDay;
      const zones = zoneTable(query.ranges);
      const filter = boardFilter(query.language);
      const x = filter.seconds;
      const xBind = filter.bind;
      let results: Row[];
      if (query.userIds) {
        // A friends board: few users, read through the primary key (user, day).
        const c = candidates(query.userIds, filter.shares);
        ({ results } = await db
          .prepare(
            `WITH ${ZR}, cand AS (${c.sql})
             SELECT cand.id, cand.username, cand.display_name, cand.tz, cand.languages, SUM(MIN(${x}, ?)) AS capped, MAX(${x}) > ? AS flagged
               FROM cand JOIN zr ON zr.tz = cand.tz
               JOIN daily_activity d ON d.user_id = cand.id AND d.day BETWEEN zr.s AND zr.e
              GROUP BY cand.id`,
          )
          .bind(zones, ...c.bind, ...xBind, cap, ...xBind, cap)
          .all<Row>());
      } else {
        // The global board: every user's days in the union of the zones' ranges straight from the
        // covering day index, each row kept only inside its own zone's range; sharing and names
        // are joined once per user after summing.
        const first = query.ranges.reduce((m, r) => (r.start < m ? r.start : m), query.ranges[0]!.start);
        const last = query.ranges.reduce((m, r) => (r.end > m ? r.end : m), query.ranges[0]!.end);
        ({ results } = await db
          .prepare(
            `WITH ${ZR},
             agg AS (SELECT d.user_id, zr.tz, SUM(MIN(${x}, ?)) AS capped, MAX(${x}) > ? AS flagged
                       FROM daily_activity d INDEXED BY daily_activity_day_coding_idx
                       LEFT JOIN user_settings st ON st.user_id = d.user_id
                       JOIN zr ON zr.tz = COALESCE(st.time_zone, 'UTC')
                      WHERE d.day BETWEEN ? AND ? AND d.day BETWEEN zr.s AND zr.e
                      GROUP BY d.user_id)
             SELECT u.id, u.username, u.display_name, agg.tz, sh.languages, agg.capped, agg.flagged
               FROM agg JOIN user_sharing sh ON sh.user_id = agg.user_id AND sh.leaderboards = 1 AND ${filter.shares}
               JOIN users u ON u.id = agg.user_id`,
          )
          .bind(zones, ...xBind, cap, ...xBind, cap, first, last)
          .all<Row>());
      }
      return results.map(
        (r): LeaderboardRow => ({
          user: { id: r.id, username: r.username, displayName: r.display_name },
          cappedSeconds: r.capped,
          flagged: r.flagged === 1,
          sharesLanguages: r.languages !== 0,
          timeZone: r.tz,
        }),
      );
    },

    async languagesOf(userIds, ranges) {
      const out = new Map<string, Record<string, number>>();
      if (userIds.length === 0) return out;
      const { results } = await db
        .prepare(
          `WITH ${ZR}
           SELECT d.user_id, j.key AS name, SUM(j.value) AS seconds
             FROM users u LEFT JOIN user_settings st ON st.user_id = u.id LEFT JOIN user_sharing sh ON sh.user_id = u.id
             JOIN zr ON zr.tz = COALESCE(st.time_zone, 'UTC')
             JOIN daily_activity d ON d.user_id = u.id AND d.day BETWEEN zr.s AND zr.e
             JOIN json_each(d.totals, '$.language') j
            WHERE u.id IN (SELECT value FROM json_each(?)) AND ${FILTER_SHARING.language}
            GROUP BY d.user_id, j.key`,
        )
        .bind(zoneTable(ranges), JSON.stringify(userIds))
        .all<{ user_id: string; name: string; seconds: number }>();
      for (const r of results) {
        const m = out.get(r.user_id) ?? {};
        m[r.name] = r.seconds;
        out.set(r.user_id, m);
      }
      return out;
    },
  };
}
