/**
 * The AccountAdmin port on D1: profile and settings, API keys, sign-in identities, import
 * jobs, and deleting every row of a user. Changes that make cached key look-ups wrong (a
 * revoked or rotated key, new settings, a deleted user) clear this isolate's key cache at once;
 * other isolates see them within the cache's few seconds (accounts.ts).
 */
import { drizzle, type DrizzleD1Database } from "drizzle-orm/d1";
import { and, desc, eq, sql } from "drizzle-orm";
import type { BatchItem } from "drizzle-orm/batch";
import type { AccountAdmin, ApiKeyInfo, ImportJob, ImportJobChange, RemoteLookups, User } from "@kodo/core";
import {
  apiKeys,
  authAccounts,
  authSessions,
  authVerifications,
  boardEntries,
  dailyActivity,
  importJobs,
  outboxMessages,
  users,
  userSettings,
  userSharing,
  friendships,
  friendRequestsByName,
  goals,
  teams,
  teamMembers,
  teamInvites,
} from "../db/schema.ts";
import { clearKeyCache, forgetKeyHash } from "./accounts.ts";

const isoNow = () => new Date().toISOString();

export function d1AccountAdmin(d1: D1Database): AccountAdmin {
  const db = drizzle(d1);
  return {
    findUser: (userId) => findUser(db, userId),

    async usernameTaken(username, exceptUserId) {
      const row = await db.select({ id: users.id }).from(users).where(eq(users.username, username)).get();
      return row !== undefined && row.id !== exceptUserId;
    },

    async updateProfile(userId, change) {
      const profile: Partial<typeof users.$inferInsert> = {};
      if (change.username !== undefined) profile.username = change.username;
      if (change.displayName !== undefined) profile.displayName = change.displayName;
      const settings: Partial<typeof userSettings.$inferInsert> = {};
      if (change.timeZone !== undefined) settings.timeZone = change.timeZone;
      if (change.keystrokeTimeoutMinutes !== undefined) settings.keystrokeTimeoutMinutes = change.keystrokeTimeoutMinutes;
      const now = isoNow();
      const writes = [];
      if (Object.keys(profile).length > 0) writes.push(db.update(users).set({ ...profile, updatedAt: now }).where(eq(users.id, userId)));
      // Board entries keep a copy of the username (their tie order): renamed in the same batch.
      if (change.username !== undefined) writes.push(db.update(boardEntries).set({ username: change.username }).where(eq(boardEntries.userId, userId)));
      if (Object.keys(settings).length > 0) {
        writes.push(
          db
            .insert(userSettings)
            .values({ userId, ...settings, updatedAt: now })
            .onConflictDoUpdate({ target: userSettings.userId, set: { ...settings, updatedAt: now } }),
        );
      }
      try {
        if (writes.length > 0) await db.batch(writes as [(typeof writes)[number], ...(typeof writes)[number][]]);
      } catch (err) {
        // Another user took the name between the check and this write (users.username is unique).
        const text = `${String((err as Error)?.message ?? err)} ${String((err as { cause?: Error })?.cause?.message ?? "")}`;
        if (change.username !== undefined && /UNIQUE constraint failed: users\.username/.test(text)) return "username-taken";
        throw err;
      }
      // Cached key look-ups carry the user (settings included).
      clearKeyCache();
      const user = await findUser(db, userId);
      if (!user) throw new Error("user vanished during update");
      return user;
    },

    async listIdentities(userId) {
      const [rows, user] = await Promise.all([
        db
          .select({ provider: authAccounts.providerId, createdAt: authAccounts.createdAt })
          .from(authAccounts)
          .where(eq(authAccounts.userId, userId))
          .orderBy(authAccounts.createdAt),
        db.select({ email: users.email, createdAt: users.createdAt }).from(users).where(eq(users.id, userId)).get(),
      ]);
      // Email links sign in whoever owns the address: every account with an address has it.
      const email = user?.email ? [{ provider: "email", createdAt: user.createdAt }] : [];
      return [...email, ...rows.map((r) => ({ provider: r.provider, createdAt: r.createdAt }))];
    },

    async sharingOf(userId) {
      const row = await d1.prepare("SELECT * FROM user_sharing WHERE user_id = ?").bind(userId).first<Record<string, unknown>>();
      if (!row) return null;
      const { user_id: _owner, ...settings } = row;
      return settings;
    },

    async listKeys(userId) {
      const rows = await db.select().from(apiKeys).where(eq(apiKeys.userId, userId)).orderBy(apiKeys.createdAt, apiKeys.id);
      return rows.map(keyInfo);
    },

    async createKey(userId, key) {
      const id = crypto.randomUUID();
      const inserted = await db
        .insert(apiKeys)
        .values({ id, userId, keyHash: key.keyHash, label: key.label, scope: key.scope, hint: key.hint, createdAt: isoNow() })
        .onConflictDoNothing({ target: apiKeys.keyHash })
        .returning();
      forgetKeyHash(key.keyHash); // a cached "no such key" must not outlive the new key
      return inserted[0] ? keyInfo(inserted[0]) : null;
    },

    async replaceKeySecret(userId, keyId, secret) {
      const old = await db.select({ keyHash: apiKeys.keyHash }).from(apiKeys).where(and(eq(apiKeys.id, keyId), eq(apiKeys.userId, userId))).get();
      if (!old) return null;
      const taken = await db.select({ id: apiKeys.id }).from(apiKeys).where(eq(apiKeys.keyHash, secret.keyHash)).get();
      if (taken) return null;
      const updated = await db
        .update(apiKeys)
        .set({ keyHash: secret.keyHash, hint: secret.hint, createdAt: isoNow(), lastUsedAt: null })
        .where(and(eq(apiKeys.id, keyId), eq(apiKeys.userId, userId)))
        .returning();
      forgetKeyHash(old.keyHash);
      forgetKeyHash(secret.keyHash);
      return updated[0] ? keyInfo(updated[0]) : null;
    },

    async revokeKey(userId, keyId) {
      const deleted = await db
        .delete(apiKeys)
        .where(and(eq(apiKeys.id, keyId), eq(apiKeys.userId, userId)))
        .returning({ keyHash: apiKeys.keyHash });
      for (const d of deleted) forgetKeyHash(d.keyHash);
      return deleted.length > 0;
    },

    async createImportJob(userId, job) {
      const now = isoNow();
      const [row] = await db
        .insert(importJobs)
        .values({ id: crypto.randomUUID(), userId, baseUrl: job.baseUrl, firstDay: job.firstDay, lastDay: job.lastDay, nextDay: job.firstDay, daysTotal: job.daysTotal, createdAt: now, updatedAt: now })
        .returning();
      return jobOf(row!);
    },

    async findImportJob(userId, jobId) {
      const row = await db.select().from(importJobs).where(and(eq(importJobs.id, jobId), eq(importJobs.userId, userId))).get();
      return row ? jobOf(row) : null;
    },

    async listImportJobs(userId, limit = 50) {
      const rows = await db.select().from(importJobs).where(eq(importJobs.userId, userId)).orderBy(desc(importJobs.createdAt)).limit(limit);
      return rows.map(jobOf);
    },

    async updateImportJob(userId, jobId, change, expectedNextDay) {
      const set: Partial<typeof importJobs.$inferInsert> = { updatedAt: isoNow() };
      for (const [k, v] of Object.entries(change) as [keyof ImportJobChange, unknown][]) {
        if (v === undefined) continue;
        if (k === "lookups") set.lookups = v === null ? null : JSON.stringify(v);
        else (set as Record<string, unknown>)[k] = v;
      }
      const guard = expectedNextDay === null ? sql`${importJobs.nextDay} IS NULL` : eq(importJobs.nextDay, expectedNextDay);
      const [row] = await db
        .update(importJobs)
        .set(set)
        .where(and(eq(importJobs.id, jobId), eq(importJobs.userId, userId), guard))
        .returning();
      return row ? jobOf(row) : null;
    },

    async revokeAllAccess(userId) {
      const keys = await db.select({ keyHash: apiKeys.keyHash }).from(apiKeys).where(eq(apiKeys.userId, userId));
      await db.batch([db.delete(apiKeys).where(eq(apiKeys.userId, userId)), db.delete(authSessions).where(eq(authSessions.userId, userId))]);
      for (const k of keys) forgetKeyHash(k.keyHash);
    },

    async deleteAccountRows(userId) {
      const user = await db.select({ email: users.email, username: users.username }).from(users).where(eq(users.id, userId)).get();
      const email = user?.email?.toLowerCase() ?? null;
      const writes: BatchItem<"sqlite">[] = [
        db.delete(apiKeys).where(eq(apiKeys.userId, userId)),
        db.delete(authSessions).where(eq(authSessions.userId, userId)),
        db.delete(authAccounts).where(eq(authAccounts.userId, userId)),
        db.delete(importJobs).where(eq(importJobs.userId, userId)),
        // Friendships and requests either way (issue 9).
        db.delete(friendships).where(sql`${friendships.requesterId} = ${userId} OR ${friendships.addresseeId} = ${userId}`),
        // Requests others keep by this user's name (declined ones name them); their own cascade.
        db.delete(friendRequestsByName).where(sql`${friendRequestsByName.requesterId} = ${userId} OR ${friendRequestsByName.username} = ${user?.username ?? ""}`),
        db.delete(goals).where(eq(goals.userId, userId)),
        // Teams the user owns pass to their longest-standing admin, else member; a team with no
        // one else is deleted (its invites and members cascade). Then their memberships and invites.
        db
          .update(teamMembers)
          .set({ role: "owner" })
          .where(
            sql`rowid IN (SELECT (SELECT m2.rowid FROM team_members m2 WHERE m2.team_id = m.team_id AND m2.user_id != ${userId}
                 ORDER BY m2.role = 'admin' DESC, m2.joined_at, m2.user_id LIMIT 1)
               FROM team_members m WHERE m.user_id = ${userId} AND m.role = 'owner')`,
          ),
        db
          .delete(teams)
          .where(
            sql`${teams.id} IN (SELECT team_id FROM team_members WHERE user_id = ${userId} AND role = 'owner')
              AND NOT EXISTS (SELECT 1 FROM team_members x WHERE x.team_id = ${teams.id} AND x.user_id != ${userId})`,
          ),
        db.delete(teamInvites).where(sql`${teamInvites.createdBy} = ${userId} OR ${teamInvites.inviteeId} = ${userId}`),
        db.delete(teamMembers).where(eq(teamMembers.userId, userId)),
        db.delete(dailyActivity).where(eq(dailyActivity.userId, userId)),
        db.delete(boardEntries).where(eq(boardEntries.userId, userId)),
        db.delete(userSharing).where(eq(userSharing.userId, userId)),
        db.delete(userSettings).where(eq(userSettings.userId, userId)),
        // Pending sign-in secrets naming the user (a magic link's value holds the address).
        db.delete(authVerifications).where(sql`instr(${authVerifications.value}, ${userId}) > 0`),
        // Tables added later reference users with ON DELETE CASCADE, so this removes theirs.
        db.delete(users).where(eq(users.id, userId)),
      ];
      if (email) {
        writes.push(db.delete(authVerifications).where(sql`instr(lower(${authVerifications.value}), ${email}) > 0`));
        writes.push(db.delete(outboxMessages).where(eq(sql`lower(${outboxMessages.recipient})`, email)));
      }
      await db.batch(writes as [BatchItem<"sqlite">, ...BatchItem<"sqlite">[]]);
      clearKeyCache();
    },
  };
}

export async function findUser(db: DrizzleD1Database, userId: string): Promise<User | null> {
  const row = await db
    .select({
      id: users.id,
      username: users.username,
      displayName: users.displayName,
      email: users.email,
      createdAt: users.createdAt,
      timeZone: userSettings.timeZone,
      keystrokeTimeoutMinutes: userSettings.keystrokeTimeoutMinutes,
    })
    .from(users)
    .leftJoin(userSettings, eq(userSettings.userId, users.id))
    .where(eq(users.id, userId))
    .get();
  if (!row) return null;
  return {
    id: row.id,
    username: row.username,
    displayName: row.displayName,
    email: row.email,
    createdAt: row.createdAt,
    timeZone: row.timeZone ?? "UTC",
    keystrokeTimeoutMinutes: row.keystrokeTimeoutMinutes ?? 15,
  };
}

function keyInfo(row: typeof apiKeys.$inferSelect): ApiKeyInfo {
  return { id: row.id, label: row.label, scope: row.scope, hint: row.hint, createdAt: row.createdAt, lastUsedAt: row.lastUsedAt };
}

function jobOf(row: typeof importJobs.$inferSelect): ImportJob {
  return {
    id: row.id,
    baseUrl: row.baseUrl,
    status: row.status,
    firstDay: row.firstDay,
    lastDay: row.lastDay,
    nextDay: row.nextDay,
    daysDone: row.daysDone,
    daysTotal: row.daysTotal,
    heartbeatsReceived: row.heartbeatsReceived,
    heartbeatsCreated: row.heartbeatsCreated,
    heartbeatsRejected: row.heartbeatsRejected,
    lookups: row.lookups ? (JSON.parse(row.lookups) as RemoteLookups) : null,
    error: row.error,
    createdAt: row.createdAt,
    updatedAt: row.updatedAt,
  };
}
