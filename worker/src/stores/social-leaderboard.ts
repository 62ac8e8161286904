/**
 * Leaderboard reads on D1 (issue 16): each user's standing is stored in `board_entries` (one
 * row per user and board language, written by the user's Durable Object: activity/flush.ts),
 * so a board is one page read from the range's index (language, seconds DESC, username), never a
 * sum over anyone's days. The global boards' sizes and callers' ranks come from
 * `board_histogram` (entries per seconds bucket, kept by triggers: migration 0009) plus a scan
 * of the caller's own bucket, so no cold read counts the whole board (bounded at any size).
 *
 * Privacy (issue 13) is enforced here, in the queries, for every board and every caller:
 * - the global board lists only rows marked `listed` (opted into leaderboards and, for a
 *   language board, sharing languages: kept by triggers on user_sharing); a board of given ids
 *   (friends) exactly those users;
 * - a board filtered by a dimension (a language board) lists only users who share that
 *   dimension (`FILTER_SHARING`), whoever asks (global, friends, `/api/v1/leaders`, any
 *   future board reading this store);
 * - per-user language lists (`boardLanguages`) come back only for users who share languages.
 * Every user-supplied name reaches SQL as a bound value.
 */
import { LEADERBOARD_RANGES, type BoardQuery, type LeaderboardRange, type LeaderboardRow, type SocialStore } from "@kodo/core/social";
import { bucketEnd } from "./board-buckets.ts";

type LeaderboardReads = Pick<SocialStore, "leaderboardVersion" | "friendsBoardVersion" | "leaderboardPage" | "leaderboardEntry" | "boardLanguages">;

/**
 * The `user_sharing` column a user must have on to appear on a board filtered by each
 * dimension (COALESCE: a user without a sharing row has the schema's defaults). A new board
 * filter adds its dimension here, so hiding it hides the user from that board.
 */
const FILTER_SHARING = { language: "COALESCE(sh.languages, 1) = 1" } as const;

/** The seconds column of each range (a fixed set: never built from input). */
const SECONDS: Record<LeaderboardRange, string> = { last_7_days: "b.last_7_days", last_30_days: "b.last_30_days", this_week: "b.this_week", this_month: "b.this_month" };
/** The days each range covers, per row (the last 7/30 days always have 7/30). */
const DAYS: Record<LeaderboardRange, string> = { last_7_days: "7", last_30_days: "30", this_week: "b.week_days", this_month: "b.month_days" };

/**
 * The board's rows as FROM, WHERE and bound values: entries of the board's language with time
 * in the range, joined to the sharing that lets them be listed. `global` when the board is the
 * global one (counted by board_histogram).
 */
function boardRows(q: BoardQuery): { from: string; where: string; bind: unknown[]; global: boolean } {
  const seconds = SECONDS[q.range];
  const shares = q.language === null ? "1" : FILTER_SHARING.language;
  if (q.userIds) {
    return {
      from: "board_entries b LEFT JOIN user_sharing sh ON sh.user_id = b.user_id",
      where: `b.user_id IN (SELECT value FROM json_each(?)) AND b.language = ? AND ${seconds} > 0 AND ${shares}`,
      bind: [JSON.stringify(q.userIds), q.language ?? ""],
      global: false,
    };
  }
  // The global board: `listed` (kept from user_sharing by triggers, migration 0006) holds
  // "opted in, and for a language row shares languages", so the page and a bucket's scan come
  // from the range's index alone.
  return {
    from: "board_entries b LEFT JOIN user_sharing sh ON sh.user_id = b.user_id",
    where: `b.language = ? AND b.listed = 1 AND ${seconds} > 0`,
    bind: [q.language ?? ""],
    global: true,
  };
}

/** The global board's size: the sum of its histogram (at most ~170 rows, whatever the users). */
const HISTOGRAM_TOTAL = "SELECT COALESCE(sum(n), 0) AS n FROM board_histogram WHERE language = ? AND range = ?";

interface Row {
  user_id: string;
  username: string;
  display_name: string | null;
  languages: number | null;
  seconds: number;
  flagged: number;
  days: number;
}

function columns(range: LeaderboardRange): string {
  const bit = 1 << LEADERBOARD_RANGES.indexOf(range);
  return `b.user_id, b.username, u.display_name, sh.languages, ${SECONDS[range]} AS seconds, (b.flagged & ${bit}) != 0 AS flagged, ${DAYS[range]} AS days`;
}

const toRow = (r: Row): LeaderboardRow => ({
  user: { id: r.user_id, username: r.username, displayName: r.display_name },
  cappedSeconds: r.seconds,
  flagged: r.flagged === 1,
  sharesLanguages: r.languages !== 0,
  days: r.days,
});

export function d1LeaderboardReads(db: D1Database): LeaderboardReads {
  return {
    async leaderboardVersion() {
      // One row, moved by triggers on user_sharing (migration 0006): joining, leaving (opting
      // out, a deleted account's row) and any member's bump (public-directory.ts) change it.
      const row = await db.prepare("SELECT version FROM board_version WHERE id = 1").first<{ version: number }>();
      return String(row?.version ?? 0);
    },

    async friendsBoardVersion(userId) {
      // One row by key, moved by triggers (migration 0011) on friendships, user_sharing and
      // users; none on board_entries, so new figures wait for the page cache's TTL.
      const row = await db.prepare("SELECT gen FROM friends_board_versions WHERE user_id = ?").bind(userId).first<{ gen: number }>();
      return String(row?.gen ?? 0);
    },

    async leaderboardPage(q) {
      if (q.userIds?.length === 0) return { total: 0, rows: [] };
      const { from, where, bind, global } = boardRows(q);
      const seconds = SECONDS[q.range];
      // One batch: the page from the range's index, and the board's size (the histogram's sum
      // for the global board; a board of given ids is small and counted exactly).
      const [page, count] = await db.batch<Row | { n: number }>([
        db
          .prepare(`SELECT ${columns(q.range)} FROM ${from} JOIN users u ON u.id = b.user_id WHERE ${where} ORDER BY ${seconds} DESC, b.username LIMIT ? OFFSET ?`)
          .bind(...bind, Math.max(0, Math.floor(q.limit)), Math.max(0, Math.floor(q.offset))),
        global ? db.prepare(HISTOGRAM_TOTAL).bind(q.language ?? "", q.range) : db.prepare(`SELECT count(*) AS n FROM ${from} WHERE ${where}`).bind(...bind),
      ]);
      return { total: (count!.results[0] as { n: number }).n, rows: (page!.results as Row[]).map(toRow) };
    },

    async leaderboardEntry(q, userId) {
      if (q.userIds && !q.userIds.includes(userId)) return null;
      const { from, where, bind, global } = boardRows(q);
      const seconds = SECONDS[q.range];
      const mine = await db
        .prepare(`SELECT ${columns(q.range)} FROM ${from} JOIN users u ON u.id = b.user_id WHERE ${where} AND b.user_id = ?`)
        .bind(...bind, userId)
        .first<Row>();
      if (!mine) return null;
      // Listed before the user: more time, or as much and an earlier username.
      const ahead = global
        ? // Every entry of the buckets above the user's (histogram rows), and those of the
          // user's own bucket ahead of them (an index range inside the bucket: [mine, end)).
          await db
            .prepare(
              `SELECT (SELECT COALESCE(sum(n), 0) FROM board_histogram WHERE language = ?1 AND range = ?2 AND lo >= ?3)
                    + (SELECT count(*) FROM board_entries b WHERE b.language = ?1 AND b.listed = 1 AND ${seconds} < ?3 AND ${seconds} >= ?4
                          AND (${seconds} > ?4 OR b.username < ?5)) AS n`,
            )
            .bind(q.language ?? "", q.range, bucketEnd(mine.seconds), mine.seconds, mine.username)
            .first<{ n: number }>()
        : await db
            .prepare(`SELECT count(*) AS n FROM ${from} WHERE ${where} AND (${seconds} > ? OR (${seconds} = ? AND b.username < ?))`)
            .bind(...bind, mine.seconds, mine.seconds, mine.username)
            .first<{ n: number }>();
      return { rank: (ahead?.n ?? 0) + 1, row: toRow(mine) };
    },

    async boardLanguages(userIds, range) {
      const out = new Map<string, Record<string, number>>();
      if (userIds.length === 0) return out;
      const seconds = SECONDS[range];
      const { results } = await db
        .prepare(
          `SELECT b.user_id, b.language, ${seconds} AS seconds
             FROM board_entries b LEFT JOIN user_sharing sh ON sh.user_id = b.user_id
            WHERE b.user_id IN (SELECT value FROM json_each(?)) AND b.language != '' AND ${seconds} > 0 AND ${FILTER_SHARING.language}`,
        )
        .bind(JSON.stringify(userIds))
        .all<{ user_id: string; language: string; seconds: number }>();
      for (const r of results) {
        const m = out.get(r.user_id) ?? {};
        m[r.language] = r.seconds;
        out.set(r.user_id, m);
      }
      return out;
    },
  };
}
