import { GetCommand, PutCommand } from "@aws-sdk/lib-dynamodb";
import type { AccountStore, AuthenticatedKey, KeyScope, User } from "@kodo/core";
import { isConditionFailure, type Doc } from "./client.ts";
import { accountKeys } from "./keys.ts";

/**
 * Key look-ups are cached in the Lambda container for a few seconds (as the worker caches in
 * its isolate): every heartbeat request authenticates, and two reads per request would
 * dominate ingest. Other containers see a revocation within the TTL.
 */
const KEY_CACHE_TTL_MS = 5_000;
const cache = new Map<string, { value: AuthenticatedKey | null; expiresAt: number }>();

/** Drops one cached look-up (a key created, rotated or revoked in this container). */
export function forgetKeyHash(keyHash: string): void {
  cache.delete(keyHash);
}

/** Drops every cached look-up (cached users carry settings and names that changed). */
export function clearKeyCache(): void {
  cache.clear();
}

export interface ProfileItem {
  id: string;
  username: string;
  displayName: string | null;
  email: string | null;
  timeZone: string;
  keystrokeTimeoutMinutes: number;
  createdAt: string;
}

export interface KeyItem {
  userId: string;
  keyId: string;
  scope: KeyScope;
}

/**
 * Accounts in DynamoDB. DynamoDB Local stand-ins (dynalite) have no transactions, so every
 * multi-item change is a sequence of idempotent conditional writes in an order that never
 * exposes a half-made account: the profile exists before any key points at it.
 */
export function dynamoAccounts(doc: Doc, table: string): AccountStore {
  async function lookUp(keyHash: string): Promise<AuthenticatedKey | null> {
    const key = (await doc.send(new GetCommand({ TableName: table, Key: accountKeys.keyHash(keyHash), ConsistentRead: true }))).Item as KeyItem | undefined;
    if (!key) return null;
    const profile = (await doc.send(new GetCommand({ TableName: table, Key: accountKeys.profile(key.userId), ConsistentRead: true }))).Item as
      | ProfileItem
      | undefined;
    if (!profile) return null;
    return { user: toUser(profile), keyId: key.keyId, scope: key.scope };
  }

  async function putIfAbsent(item: Record<string, unknown>): Promise<boolean> {
    try {
      await doc.send(new PutCommand({ TableName: table, Item: item, ConditionExpression: "attribute_not_exists(pk)" }));
      return true;
    } catch (err) {
      if (isConditionFailure(err)) return false;
      throw err;
    }
  }

  return {
    async findByKeyHash(keyHash) {
      const hit = cache.get(keyHash);
      if (hit && hit.expiresAt > Date.now()) return hit.value;
      const value = await lookUp(keyHash);
      if (cache.size > 10_000) cache.clear();
      cache.set(keyHash, { value, expiresAt: Date.now() + KEY_CACHE_TTL_MS });
      return value;
    },

    async ensureUserWithKey({ username, keyHash, label, timeZone }) {
      // 1. Claim the username for a fresh id, or find who holds it.
      const claim = accountKeys.username(username);
      let userId: string = crypto.randomUUID();
      if (!(await putIfAbsent({ ...claim, userId }))) {
        const held = await doc.send(new GetCommand({ TableName: table, Key: claim, ConsistentRead: true }));
        userId = (held.Item as { userId: string }).userId;
      }
      // 2. The profile (a no-op when it exists: settings the user changed are kept).
      const profile: ProfileItem = {
        id: userId,
        username,
        displayName: username,
        email: null,
        timeZone,
        keystrokeTimeoutMinutes: 15,
        createdAt: new Date().toISOString(),
      };
      await putIfAbsent({ ...accountKeys.profile(userId), ...profile });
      // 3. The key: its listing under the user first, then the look-up item that makes it usable.
      // The id comes from the digest so that a retry after a crash re-uses the same listing.
      const keyId = `key_${keyHash.slice(0, 24)}`;
      const existing = (await doc.send(new GetCommand({ TableName: table, Key: accountKeys.keyHash(keyHash), ConsistentRead: true }))).Item as
        | KeyItem
        | undefined;
      if (!existing) {
        const createdAt = new Date().toISOString();
        await putIfAbsent({ ...accountKeys.userKey(userId, keyId), keyId, keyHash, label, scope: "full", hint: "", createdAt, lastUsedAt: null });
        await putIfAbsent({ ...accountKeys.keyHash(keyHash), userId, keyId, scope: "full", label, createdAt });
      }
      cache.delete(keyHash);
      const found = await lookUp(keyHash);
      if (!found || found.user.id !== userId) throw new Error("the key belongs to another user");
      return found.user;
    },
  };
}

export function toUser(p: ProfileItem): User {
  return {
    id: p.id,
    username: p.username,
    displayName: p.displayName ?? null,
    email: p.email ?? null,
    timeZone: p.timeZone ?? "UTC",
    keystrokeTimeoutMinutes: p.keystrokeTimeoutMinutes ?? 15,
    createdAt: p.createdAt,
  };
}
