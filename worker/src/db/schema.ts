/**
 * D1 schema: what crosses users or must be read fast over long ranges (DESIGN.md). File-level
 * detail and the raw heartbeat log stay in each user's Durable Object.
 * Migrations in /migrations are generated from this file by drizzle-kit (`npm run db:generate`).
 */
import { sql } from "drizzle-orm";
import { index, integer, primaryKey, real, sqliteTable, text, uniqueIndex } from "drizzle-orm/sqlite-core";

const now = sql`(strftime('%Y-%m-%dT%H:%M:%fZ', 'now'))`;

/**
 * Accounts. Also Better Auth's `user` model (worker/src/auth): its `name` is `display_name`;
 * `username` is Kodo's own, derived on sign-up (core/src/accounts/username.ts).
 */
export const users = sqliteTable("users", {
  id: text("id").primaryKey(),
  username: text("username").notNull().unique(),
  displayName: text("display_name"),
  email: text("email").unique(),
  emailVerified: integer("email_verified", { mode: "boolean" }).notNull().default(false),
  image: text("image"),
  /** "Require a passkey after signing in" (core/src/auth/second-factor.ts). */
  passkeyRequired: integer("passkey_required", { mode: "boolean" }).notNull().default(false),
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
 * Being drained (issue 16): day roll-ups now live only in each user's Durable Object and boards
 * read board_entries; a cron (worker/src/drain.ts) empties this table, a later release drops it.
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
  // The day index covers (day, user, coding seconds): a leaderboard sums every user's coding
  // time over a few days from the index alone (bench:leaderboard: ~18x faster than by row).
  (t) => [primaryKey({ columns: [t.userId, t.day] }), index("daily_activity_day_coding_idx").on(t.day, t.userId, t.codingSeconds)],
);

/**
 * Leaderboard standings (issue 16): one row per user and board language ('' = all coding
 * time), the figures of core's boardStanding, written by the user's Durable Object when they
 * change and at the user's local midnight. Boards read a page from the range's index (language,
 * seconds descending, username) instead of summing anyone's days; ~(1 + languages) rows per
 * user whatever their history. `username` is a copy (the tie order), kept by profile changes;
 * `listed` is whether the row is on the global board (the user opted into leaderboards and, for
 * a language row, shares languages), kept by a trigger on user_sharing (migration 0006), so the
 * global board, its size and a rank are read from one index without joining anyone's sharing.
 */
export const boardEntries = sqliteTable(
  "board_entries",
  {
    userId: text("user_id")
      .notNull()
      .references(() => users.id, { onDelete: "cascade" }),
    /** The board language; '' for all coding time. */
    language: text("language").notNull(),
    username: text("username").notNull(),
    /** Capped coding seconds per range (core LEADERBOARD_RANGES), in the user's own days. */
    last7Days: real("last_7_days").notNull(),
    last30Days: real("last_30_days").notNull(),
    thisWeek: real("this_week").notNull(),
    thisMonth: real("this_month").notNull(),
    /** One bit per range, in LEADERBOARD_RANGES order: some day of it exceeded the cap. */
    flagged: integer("flagged").notNull(),
    /** The days this week and this month cover in the user's zone (the last 7/30 days: 7/30). */
    weekDays: integer("week_days").notNull(),
    monthDays: integer("month_days").notNull(),
    /** 1 when the row is on the global board (see above). */
    listed: integer("listed").notNull().default(0),
    updatedAt: text("updated_at").notNull(),
  },
  (t) => [
    primaryKey({ columns: [t.userId, t.language] }),
    index("board_entries_last_7_days_idx").on(t.language, t.listed, sql`${t.last7Days} DESC`, t.username),
    index("board_entries_last_30_days_idx").on(t.language, t.listed, sql`${t.last30Days} DESC`, t.username),
    index("board_entries_this_week_idx").on(t.language, t.listed, sql`${t.thisWeek} DESC`, t.username),
    index("board_entries_this_month_idx").on(t.language, t.listed, sql`${t.thisMonth} DESC`, t.username),
  ],
);

/**
 * How many global-board entries each board holds, per seconds bucket (issue 16): one row per
 * board language, range and bucket (`lo`: the bucket's lowest seconds, a coarse ladder: see
 * worker/src/stores/board-buckets.ts), counting the `board_entries` rows that are listed with
 * time in that range. Kept exact by triggers on board_entries (migration 0009), which write only
 * when an entry enters, leaves or changes bucket. A board's size is the sum of its rows and a
 * rank the sum of the buckets above plus a scan inside the caller's own bucket: reads bounded
 * by the ladder, not by the number of users.
 */
export const boardHistogram = sqliteTable(
  "board_histogram",
  {
    language: text("language").notNull(),
    range: text("range").notNull(),
    lo: integer("lo").notNull(),
    n: integer("n").notNull(),
  },
  (t) => [primaryKey({ columns: [t.language, t.range, t.lo] })],
);

/**
 * The global board's version (SocialStore.leaderboardVersion), one row: triggers on
 * user_sharing (migration 0006) add one whenever a member joins or leaves the board or a
 * member's sharing row changes (their cache generation), so reading it costs one row.
 */
export const boardVersion = sqliteTable("board_version", {
  id: integer("id").primaryKey(),
  version: integer("version").notNull(),
});

/**
 * Each user's friends board version (SocialStore.friendsBoardVersion), one row a user, read by
 * key: triggers (migration 0011) add one to `gen` for both users when a friendship is accepted or
 * ended, and for a user and their friends when the user's sharing row changes (settings or cache
 * generation), they are renamed or deleted. Nothing on board_entries: new figures reach cached
 * friends pages within the page cache's TTL. No row: version 0 (never touched). No foreign key:
 * the triggers write it while an account's rows are deleted; the users trigger removes it last.
 */
export const friendsBoardVersions = sqliteTable("friends_board_versions", {
  userId: text("user_id").primaryKey(),
  gen: integer("gen").notNull(),
});

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

/*
 * Sign-in (Better Auth, worker/src/auth). Its `session`, `account` and `verification` models
 * live in auth_* tables, apart from Kodo's coding sessions. Times are ISO-8601 text like the
 * rest of the schema (Better Auth's drizzle adapter writes Dates to text columns as ISO).
 */

/** Signed-in browser sessions: the HttpOnly cookie carries `token`. */
export const authSessions = sqliteTable(
  "auth_sessions",
  {
    id: text("id").primaryKey(),
    userId: text("user_id")
      .notNull()
      .references(() => users.id, { onDelete: "cascade" }),
    token: text("token").notNull().unique(),
    expiresAt: text("expires_at").notNull(),
    ipAddress: text("ip_address"),
    userAgent: text("user_agent"),
    /** Made by a passkey sign-in (the second factor, core/src/auth/second-factor.ts). */
    passkeyVerified: integer("passkey_verified", { mode: "boolean" }).notNull().default(false),
    createdAt: text("created_at").notNull().default(now),
    updatedAt: text("updated_at").notNull().default(now),
  },
  (t) => [index("auth_sessions_user_idx").on(t.userId)],
);

/**
 * Passkeys (WebAuthn credentials, Better Auth's passkey plugin): the public key and signature
 * counter of each, found by the credential id a browser presents (sign-in) and by user (the
 * account's list). Deleted with the user (cascade).
 */
export const authPasskeys = sqliteTable(
  "auth_passkeys",
  {
    id: text("id").primaryKey(),
    userId: text("user_id")
      .notNull()
      .references(() => users.id, { onDelete: "cascade" }),
    name: text("name"),
    publicKey: text("public_key").notNull(),
    credentialID: text("credential_id").notNull(),
    counter: integer("counter").notNull(),
    deviceType: text("device_type").notNull(),
    backedUp: integer("backed_up", { mode: "boolean" }).notNull(),
    transports: text("transports"),
    aaguid: text("aaguid"),
    createdAt: text("created_at").notNull().default(now),
  },
  (t) => [index("auth_passkeys_user_idx").on(t.userId), uniqueIndex("auth_passkeys_credential_idx").on(t.credentialID)],
);

/** Identities a user signs in with (Google, Facebook, Amazon, OIDC); tokens encrypted. */
export const authAccounts = sqliteTable(
  "auth_accounts",
  {
    id: text("id").primaryKey(),
    userId: text("user_id")
      .notNull()
      .references(() => users.id, { onDelete: "cascade" }),
    accountId: text("account_id").notNull(),
    providerId: text("provider_id").notNull(),
    accessToken: text("access_token"),
    refreshToken: text("refresh_token"),
    idToken: text("id_token"),
    accessTokenExpiresAt: text("access_token_expires_at"),
    refreshTokenExpiresAt: text("refresh_token_expires_at"),
    scope: text("scope"),
    password: text("password"),
    createdAt: text("created_at").notNull().default(now),
    updatedAt: text("updated_at").notNull().default(now),
  },
  (t) => [index("auth_accounts_user_idx").on(t.userId), uniqueIndex("auth_accounts_provider_idx").on(t.providerId, t.accountId)],
);

/** Short-lived secrets: OAuth state (with the PKCE verifier) and magic-link tokens (hashed). */
export const authVerifications = sqliteTable(
  "auth_verifications",
  {
    id: text("id").primaryKey(),
    identifier: text("identifier").notNull(),
    value: text("value").notNull(),
    expiresAt: text("expires_at").notNull(),
    createdAt: text("created_at").notNull().default(now),
    updatedAt: text("updated_at").notNull().default(now),
  },
  (t) => [index("auth_verifications_identifier_idx").on(t.identifier)],
);

/**
 * Local development's outbox: with no mail sender configured, sign-in mails are printed and
 * kept here for the dashboard's /dev/outbox page instead of being sent. Never written when a
 * real sender is configured.
 */
export const outboxMessages = sqliteTable(
  "outbox_messages",
  {
    id: text("id").primaryKey(),
    recipient: text("recipient").notNull(),
    subject: text("subject").notNull(),
    text: text("text").notNull(),
    /** The sign-in link in the mail, for the outbox page. */
    link: text("link"),
    createdAt: text("created_at").notNull().default(now),
  },
  (t) => [index("outbox_messages_recipient_idx").on(t.recipient)],
);

/**
 * Imports from another WakaTime-compatible server, pulled a few days per step (the client
 * calls the step route until done), so an import survives restarts and reports progress.
 * The remote API key is never stored: each step carries it.
 */
export const importJobs = sqliteTable(
  "import_jobs",
  {
    id: text("id").primaryKey(),
    userId: text("user_id")
      .notNull()
      .references(() => users.id, { onDelete: "cascade" }),
    /** The remote API base, e.g. https://wakatime.com/api/v1. */
    baseUrl: text("base_url").notNull(),
    status: text("status", { enum: ["running", "done", "failed"] }).notNull().default("running"),
    /** Remote days to pull, oldest first, inclusive (YYYY-MM-DD). */
    firstDay: text("first_day").notNull(),
    lastDay: text("last_day").notNull(),
    /** The next day to pull; null once done. */
    nextDay: text("next_day"),
    daysDone: integer("days_done").notNull().default(0),
    daysTotal: integer("days_total").notNull(),
    heartbeatsReceived: integer("heartbeats_received").notNull().default(0),
    heartbeatsCreated: integer("heartbeats_created").notNull().default(0),
    heartbeatsRejected: integer("heartbeats_rejected").notNull().default(0),
    /** JSON: the remote's user agent and machine ids -> names, fetched on the first step. */
    lookups: text("lookups"),
    error: text("error"),
    createdAt: text("created_at").notNull().default(now),
    updatedAt: text("updated_at").notNull().default(now),
  },
  (t) => [index("import_jobs_user_idx").on(t.userId)],
);

/**
 * Friendships (issue 9): a follow request from `requester` to `addressee`, mutual once
 * accepted. One row per pair whatever the direction (the pair is checked both ways before a
 * request is stored); both users' rows go when either account is deleted (cascade).
 */
export const friendships = sqliteTable(
  "friendships",
  {
    requesterId: text("requester_id")
      .notNull()
      .references(() => users.id, { onDelete: "cascade" }),
    addresseeId: text("addressee_id")
      .notNull()
      .references(() => users.id, { onDelete: "cascade" }),
    status: text("status", { enum: ["pending", "accepted"] }).notNull().default("pending"),
    createdAt: text("created_at").notNull().default(now),
    acceptedAt: text("accepted_at"),
  },
  (t) => [primaryKey({ columns: [t.requesterId, t.addresseeId] }), index("friendships_addressee_idx").on(t.addresseeId)],
);

/**
 * Friend requests shown to their sender by the username typed (issue 13): requests to a name
 * that names nobody, and requests the addressee declined. Listed among the sender's outgoing
 * requests like any pending one, so the list does not tell which usernames exist.
 */
export const friendRequestsByName = sqliteTable(
  "friend_requests_by_name",
  {
    requesterId: text("requester_id")
      .notNull()
      .references(() => users.id, { onDelete: "cascade" }),
    username: text("username").notNull(),
    createdAt: text("created_at").notNull().default(now),
  },
  (t) => [primaryKey({ columns: [t.requesterId, t.username] })],
);

/**
 * Time goals (issue 9): at least `seconds` a local day or week (Monday to Sunday), on all
 * activity or on one project or language. Progress and streaks are computed on read.
 */
export const goals = sqliteTable(
  "goals",
  {
    id: text("id").primaryKey(),
    userId: text("user_id")
      .notNull()
      .references(() => users.id, { onDelete: "cascade" }),
    period: text("period", { enum: ["day", "week"] }).notNull(),
    seconds: integer("seconds").notNull(),
    project: text("project"),
    language: text("language"),
    createdAt: text("created_at").notNull().default(now),
  },
  (t) => [index("goals_user_idx").on(t.userId)],
);

/** Teams (issue 9): members with roles owner (exactly one), admin, member. */
export const teams = sqliteTable("teams", {
  id: text("id").primaryKey(),
  name: text("name").notNull(),
  createdAt: text("created_at").notNull().default(now),
});

export const teamMembers = sqliteTable(
  "team_members",
  {
    teamId: text("team_id")
      .notNull()
      .references(() => teams.id, { onDelete: "cascade" }),
    userId: text("user_id")
      .notNull()
      .references(() => users.id, { onDelete: "cascade" }),
    role: text("role", { enum: ["owner", "admin", "member"] }).notNull(),
    /** JSON: the member's projects that count toward the team, `"all"`, or null = none yet (private by default). */
    projects: text("projects"),
    joinedAt: text("joined_at").notNull().default(now),
  },
  (t) => [primaryKey({ columns: [t.teamId, t.userId] }), index("team_members_user_idx").on(t.userId)],
);

/**
 * Invitations: a link (any signed-in user with the token may join) or for one user (issue 13:
 * they accept it on their Teams page; its token is never shown). Only the token's digest is
 * kept. `id` is the public handle admins list and revoke by (invites made before it existed get
 * one when their team's invites are first listed: SQLite cannot add a column with a random
 * default to existing rows). An invite is usable only while
 * unexpired and while its creator is still an admin or the owner of the team (checked on every
 * read, worker/src/stores/social-teams.ts).
 */
export const teamInvites = sqliteTable(
  "team_invites",
  {
    tokenHash: text("token_hash").primaryKey(),
    id: text("id").unique(),
    teamId: text("team_id")
      .notNull()
      .references(() => teams.id, { onDelete: "cascade" }),
    /** Only this user may use it (and it is used up); null with a null `inviteeName` = a link for anyone. */
    inviteeId: text("invitee_id").references(() => users.id, { onDelete: "cascade" }),
    /** The username as the admin typed it, for a named invite (kept whether or not it named anyone). */
    inviteeName: text("invitee_name"),
    createdBy: text("created_by")
      .notNull()
      .references(() => users.id, { onDelete: "cascade" }),
    createdAt: text("created_at").notNull().default(now),
    expiresAt: text("expires_at").notNull(),
  },
  (t) => [index("team_invites_team_idx").on(t.teamId), index("team_invites_invitee_idx").on(t.inviteeId)],
);

/**
 * Members an admin removed, and when (issue 13): an invite made before the removal no longer
 * admits them, so a removed member comes back only through an invite made after it.
 */
export const teamRemovals = sqliteTable(
  "team_removals",
  {
    teamId: text("team_id")
      .notNull()
      .references(() => teams.id, { onDelete: "cascade" }),
    userId: text("user_id")
      .notNull()
      .references(() => users.id, { onDelete: "cascade" }),
    removedAt: text("removed_at").notNull().default(now),
  },
  (t) => [primaryKey({ columns: [t.teamId, t.userId] })],
);
