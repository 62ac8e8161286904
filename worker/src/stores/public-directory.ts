import type { PublicDirectory, PublicUser } from "@kodo/core";
import { sharingOfRow, type SharingRow } from "./social.ts";

/**
 * Public reads by username from D1: the user, their settings and their sharing row in one
 * query. Only users with `public_profile` on are returned; a user without a sharing row is
 * private (the defaults of `user_sharing`), so unknown and private users look the same.
 *
 * The cache generation is the sharing row's `updated_at` (no column of its own: the schema is
 * not this module's to change). Every sharing change sets it and the cache fan-out bumps it, to
 * a strictly later millisecond each time (NEXT_GENERATION), so two changes never share one.
 */
export const NEXT_GENERATION = `CASE WHEN strftime('%Y-%m-%dT%H:%M:%fZ', 'now') > user_sharing.updated_at
  THEN strftime('%Y-%m-%dT%H:%M:%fZ', 'now') ELSE strftime('%Y-%m-%dT%H:%M:%fZ', user_sharing.updated_at, '+0.001 seconds') END`;

export function d1PublicDirectory(db: D1Database): PublicDirectory {
  return {
    async findPublicUser(username) {
      const row = await db
        .prepare(
          `SELECT u.id, u.username, u.display_name, u.created_at, s.time_zone, s.keystroke_timeout_minutes,
                  sh.public_profile, sh.leaderboards, sh.projects, sh.languages, sh.editors,
                  sh.operating_systems, sh.machines, sh.history_days, sh.updated_at AS generation
             FROM users u
             JOIN user_sharing sh ON sh.user_id = u.id
             LEFT JOIN user_settings s ON s.user_id = u.id
            WHERE u.username = ? AND sh.public_profile = 1`,
        )
        .bind(username)
        .first<PublicUserRow>();
      return row ? toPublicUser(row) : null;
    },
    async bumpCacheVersion(userId) {
      await db.prepare(`UPDATE user_sharing SET updated_at = ${NEXT_GENERATION} WHERE user_id = ?`).bind(userId).run();
    },
  };
}

/** A user row joined with its sharing columns. */
interface PublicUserRow extends SharingRow {
  id: string;
  username: string;
  display_name: string | null;
  created_at: string;
  time_zone: string | null;
  keystroke_timeout_minutes: number | null;
  generation: string;
}

function toPublicUser(row: PublicUserRow): PublicUser {
  const sharing = sharingOfRow(row);
  return {
    user: {
      id: row.id,
      username: row.username,
      displayName: row.display_name,
      // Public reads never show the e-mail address.
      email: null,
      timeZone: row.time_zone ?? "UTC",
      keystrokeTimeoutMinutes: row.keystroke_timeout_minutes ?? 15,
      createdAt: row.created_at,
    },
    sharing,
    cacheVersion: row.generation,
  };
}
