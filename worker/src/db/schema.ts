/**
 * D1 schema: what crosses users or must be read fast over long ranges (DESIGN.md). File-level
 * detail and the raw heartbeat log stay in each user's Durable Object.
 * Migrations in /migrations are generated from this file by drizzle-kit (`npm run db:generate`).
 */
import { sql } from "drizzle-orm";
import { index, integer, primaryKey, real, sqliteTable, text } from "drizzle-orm/sqlite-core";

const now = sql`(strftime('%Y-%m-%dT%H:%M:%fZ', 'now'))`;

export const users = sqliteTable("users", {
  id: text("id").primaryKey(),
  username: text("username").notNull().unique(),
  displayName: text("display_name"),
  email: text("email").unique(),
  emailVerified: integer("email_verified", { mode: "boolean" }).notNull().default(false),
  image: text("image"),
  createdAt: text("created_at").notNull().default(now),
  updatedAt: text("updated_at").notNull().default(now),
});

/** Settings that change how heartbeats become sessions (and, later, sharing). */
export const userSettings = sqliteTable("user_settings", {
  userId: text("user_id")
    .primaryKey()
    .references(() => users.id, { onDelete: "cascade" }),
  timeZone: text("time_zone").notNull().default("UTC"),
  keystrokeTimeoutMinutes: integer("keystroke_timeout_minutes").notNull().default(15),
  updatedAt: text("updated_at").notNull().default(now),
});

/** API keys, stored as SHA-256 digests: a key is shown once and never kept in the clear. */
export const apiKeys = sqliteTable(
  "api_keys",
  {
    id: text("id").primaryKey(),
    userId: text("user_id")
      .notNull()
      .references(() => users.id, { onDelete: "cascade" }),
    keyHash: text("key_hash").notNull().unique(),
    label: text("label").notNull(),
    /** "full" may send heartbeats; "read" may only read. */
    scope: text("scope", { enum: ["full", "read"] }).notNull().default("full"),
    /** Last four characters, so a user can tell keys apart. */
    hint: text("hint").notNull(),
    createdAt: text("created_at").notNull().default(now),
    lastUsedAt: text("last_used_at"),
  },
  (t) => [index("api_keys_user_idx").on(t.userId)],
);

/**
 * One row per user and local day: the day's sessions and per-dimension totals (JSON), written
 * by the user's Durable Object when the day changed. One row per user-day keeps D1 writes per
 * heartbeat low (a flush of a busy day is one row, whatever changed in it); the primary key
 * serves "one user, a date range", the day index "all users, one day range" (leaderboards).
 */
export const dailyActivity = sqliteTable(
  "daily_activity",
  {
    userId: text("user_id")
      .notNull()
      .references(() => users.id, { onDelete: "cascade" }),
    day: text("day").notNull(),
    totalSeconds: real("total_seconds").notNull(),
    /** Seconds in the "coding" category: what leaderboards rank. */
    codingSeconds: real("coding_seconds").notNull(),
    /** JSON: { project: {name: seconds}, language: {...}, ... } */
    totals: text("totals").notNull(),
    /** JSON: Session[] without the day field. */
    sessions: text("sessions").notNull(),
    updatedAt: text("updated_at").notNull(),
  },
  (t) => [primaryKey({ columns: [t.userId, t.day] }), index("daily_activity_day_idx").on(t.day)],
);

/**
 * What a user lets others see. Everything is private by default: no public profile, no
 * leaderboards, badges answer "private". Dimensions are shared only when switched on.
 */
export const userSharing = sqliteTable("user_sharing", {
  userId: text("user_id")
    .primaryKey()
    .references(() => users.id, { onDelete: "cascade" }),
  /** Public profile page, public JSON and badges. */
  publicProfile: integer("public_profile", { mode: "boolean" }).notNull().default(false),
  /** Appear on public leaderboards. */
  leaderboards: integer("leaderboards", { mode: "boolean" }).notNull().default(false),
  /** How project names appear to others: hidden, as aliases ("Project 1"), or by name. */
  projects: text("projects", { enum: ["hidden", "alias", "public"] }).notNull().default("hidden"),
  languages: integer("languages", { mode: "boolean" }).notNull().default(true),
  editors: integer("editors", { mode: "boolean" }).notNull().default(true),
  operatingSystems: integer("operating_systems", { mode: "boolean" }).notNull().default(true),
  machines: integer("machines", { mode: "boolean" }).notNull().default(false),
  /** How many days back others may see (0 = only totals of the ranges the owner allows). */
  historyDays: integer("history_days").notNull().default(365),
  updatedAt: text("updated_at").notNull().default(now),
});
