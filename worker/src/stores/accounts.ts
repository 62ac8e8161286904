import { drizzle, type DrizzleD1Database } from "drizzle-orm/d1";
import { and, eq, isNull, lt, or } from "drizzle-orm";
import type { AccountStore, AuthenticatedKey, User } from "@kodo/core";
import { apiKeys, users, userSettings } from "../db/schema.ts";

/**
 * Accounts in D1. Key look-ups are cached in the isolate for a few seconds: every heartbeat
 * request authenticates, and a D1 round trip per request would dominate ingest. Revocation and
 * deletion clear the local entry at once; other isolates see them within the TTL.
 */
const KEY_CACHE_TTL_MS = 5_000;
const keyCache = new Map<string, { value: AuthenticatedKey | null; expiresAt: number }>();

export function forgetKeyHash(keyHash: string): void {
  keyCache.delete(keyHash);
}

/** Drops the cached look-ups of one user's keys (the cache fan-out, core http/user-caches.ts). */
export function forgetUserKeys(userId: string): void {
  for (const [hash, entry] of keyCache) if (entry.value?.user.id === userId) keyCache.delete(hash);
}

/** Drops every cached key (after a change to settings that cached users carry). */
export function clearKeyCache(): void {
  keyCache.clear();
}

export function d1Accounts(d1: D1Database): AccountStore {
  const db = drizzle(d1);
  return {
    forgetUser: forgetUserKeys,
    async findByKeyHash(keyHash) {
      const hit = keyCache.get(keyHash);
      if (hit && hit.expiresAt > Date.now()) return hit.value;
      const value = await lookUp(db, keyHash);
      if (value && stale(lastUsed.get(value.keyId))) await noteUse(db, value.keyId);
      if (keyCache.size > 10_000) keyCache.clear();
      keyCache.set(keyHash, { value, expiresAt: Date.now() + KEY_CACHE_TTL_MS });
      return value;
    },
    async ensureUserWithKey({ username, keyHash, label, timeZone }) {
      const existing = await db.select({ id: users.id }).from(users).where(eq(users.username, username)).get();
      const id = existing?.id ?? crypto.randomUUID();
      await db.batch([
        db.insert(users).values({ id, username }).onConflictDoNothing(),
        db.insert(userSettings).values({ userId: id, timeZone }).onConflictDoNothing(),
        db.insert(apiKeys).values({ id: crypto.randomUUID(), userId: id, keyHash, label, scope: "full", hint: "" }).onConflictDoNothing(),
      ]);
      forgetKeyHash(keyHash);
      const found = await lookUp(db, keyHash);
      if (!found) throw new Error("the key belongs to another user");
      return found.user;
    },
  };
}

/**
 * Records when a key was last used, at hour precision, so the keys page can show it without a
 * D1 write per heartbeat: the look-up reads the stored time along (lastUsed), and only a time
 * older than an hour is rewritten (the UPDATE's condition also stops two isolates doubling it).
 */
const LAST_USED_PRECISION_MS = 3_600_000;
const lastUsed = new Map<string, string | null>();
const stale = (iso: string | null | undefined) => !iso || Date.parse(iso) < Date.now() - LAST_USED_PRECISION_MS;
async function noteUse(db: DrizzleD1Database, keyId: string): Promise<void> {
  const now = new Date();
  lastUsed.set(keyId, now.toISOString());
  const staleBefore = new Date(now.getTime() - LAST_USED_PRECISION_MS).toISOString();
  await db
    .update(apiKeys)
    .set({ lastUsedAt: now.toISOString() })
    .where(and(eq(apiKeys.id, keyId), or(isNull(apiKeys.lastUsedAt), lt(apiKeys.lastUsedAt, staleBefore))));
}

async function lookUp(db: DrizzleD1Database, keyHash: string): Promise<AuthenticatedKey | null> {
  const row = await db
    .select({
      keyId: apiKeys.id,
      scope: apiKeys.scope,
      lastUsedAt: apiKeys.lastUsedAt,
      id: users.id,
      username: users.username,
      displayName: users.displayName,
      email: users.email,
      createdAt: users.createdAt,
      timeZone: userSettings.timeZone,
      keystrokeTimeoutMinutes: userSettings.keystrokeTimeoutMinutes,
    })
    .from(apiKeys)
    .innerJoin(users, eq(users.id, apiKeys.userId))
    .leftJoin(userSettings, eq(userSettings.userId, users.id))
    .where(eq(apiKeys.keyHash, keyHash))
    .get();
  if (!row) return null;
  if (lastUsed.size > 10_000) lastUsed.clear();
  lastUsed.set(row.keyId, row.lastUsedAt);
  const user: User = {
    id: row.id,
    username: row.username,
    displayName: row.displayName,
    email: row.email,
    createdAt: row.createdAt,
    timeZone: row.timeZone ?? "UTC",
    keystrokeTimeoutMinutes: row.keystrokeTimeoutMinutes ?? 15,
  };
  return { user, keyId: row.keyId, scope: row.scope };
}
