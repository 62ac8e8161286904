import { DeleteCommand, GetCommand, PutCommand, UpdateCommand } from "@aws-sdk/lib-dynamodb";
import type { AccountAdmin, ApiKeyInfo, ImportJob, KeyScope, User } from "@kodo/core";
import { clearKeyCache, forgetKeyHash, toUser, type ProfileItem } from "./accounts.ts";
import { batchWrite, isConditionFailure, queryAll, type Doc } from "./client.ts";
import { accountKeys } from "./keys.ts";
import { deleteAuthItems, endSessions } from "../auth/deletion.ts";

/** A key as listed under its user (`USER#id` / `KEY#keyId`). */
interface KeyListing {
  keyId: string;
  keyHash: string;
  label: string;
  scope: KeyScope;
  hint: string;
  createdAt: string;
  lastUsedAt?: string | null;
}

type JobItem = ImportJob & { pk: string; sk: string };

const isoNow = () => new Date().toISOString();
const jobKey = (userId: string, jobId: string) => ({ pk: `USER#${userId}`, sk: `JOB#${jobId}` });

/**
 * The AccountAdmin port on DynamoDB: profile and settings, API keys, import jobs, and deleting
 * every item of a user. Without transactions (dynalite has none), every multi-item change is a
 * sequence of conditional writes ordered so that a crash half-way leaves nothing unsafe: a key
 * is listed under its user before its look-up item makes it usable, and the look-up item goes
 * first when it is revoked. Sign-in items (Better Auth's, sam/src/auth) go with the account.
 */
export function dynamoAccountAdmin(doc: Doc, table: string): AccountAdmin {
  async function findUser(userId: string): Promise<User | null> {
    const res = await doc.send(new GetCommand({ TableName: table, Key: accountKeys.profile(userId), ConsistentRead: true }));
    return res.Item ? toUser(res.Item as ProfileItem) : null;
  }

  async function listing(userId: string, keyId: string): Promise<KeyListing | null> {
    const res = await doc.send(new GetCommand({ TableName: table, Key: accountKeys.userKey(userId, keyId), ConsistentRead: true }));
    return (res.Item as KeyListing | undefined) ?? null;
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

  /** Deletes a key's look-up item if it still belongs to the user. */
  async function dropLookUp(userId: string, keyHash: string): Promise<void> {
    try {
      await doc.send(
        new DeleteCommand({ TableName: table, Key: accountKeys.keyHash(keyHash), ConditionExpression: "userId = :u", ExpressionAttributeValues: { ":u": userId } }),
      );
    } catch (err) {
      if (!isConditionFailure(err)) throw err;
    }
    forgetKeyHash(keyHash);
  }

  async function listKeys(userId: string): Promise<KeyListing[]> {
    return queryAll<KeyListing>(doc, {
      TableName: table,
      KeyConditionExpression: "pk = :pk AND begins_with(sk, :prefix)",
      ExpressionAttributeValues: { ":pk": `USER#${userId}`, ":prefix": "KEY#" },
      ConsistentRead: true,
    });
  }

  return {
    findUser,

    async usernameTaken(username, exceptUserId) {
      const res = await doc.send(new GetCommand({ TableName: table, Key: accountKeys.username(username), ConsistentRead: true }));
      const holder = (res.Item as { userId: string } | undefined)?.userId;
      return holder !== undefined && holder !== exceptUserId;
    },

    async updateProfile(userId, change) {
      const before = await findUser(userId);
      if (!before) throw new Error("no such user");
      // A new username is claimed before the profile shows it, and the old claim released after.
      if (change.username !== undefined && change.username.toLowerCase() !== before.username.toLowerCase()) {
        if (!(await putIfAbsent({ ...accountKeys.username(change.username), userId }))) {
          const held = await doc.send(new GetCommand({ TableName: table, Key: accountKeys.username(change.username), ConsistentRead: true }));
          if ((held.Item as { userId: string } | undefined)?.userId !== userId) throw new Error("username taken");
        }
      }
      // Attribute names go through placeholders: "timezone" is one of DynamoDB's reserved words.
      const set: string[] = ["#updatedAt = :updatedAt"];
      const names: Record<string, string> = { "#updatedAt": "updatedAt" };
      const values: Record<string, unknown> = { ":updatedAt": isoNow() };
      for (const field of ["username", "displayName", "timeZone", "keystrokeTimeoutMinutes"] as const) {
        if (change[field] === undefined) continue;
        set.push(`#${field} = :${field}`);
        names[`#${field}`] = field;
        values[`:${field}`] = change[field];
      }
      const res = await doc.send(
        new UpdateCommand({
          TableName: table,
          Key: accountKeys.profile(userId),
          UpdateExpression: `SET ${set.join(", ")}`,
          ConditionExpression: "attribute_exists(pk)",
          ExpressionAttributeNames: names,
          ExpressionAttributeValues: values,
          ReturnValues: "ALL_NEW",
        }),
      );
      if (change.username !== undefined && change.username.toLowerCase() !== before.username.toLowerCase()) {
        await doc
          .send(new DeleteCommand({ TableName: table, Key: accountKeys.username(before.username), ConditionExpression: "userId = :u", ExpressionAttributeValues: { ":u": userId } }))
          .catch((err: unknown) => {
            if (!isConditionFailure(err)) throw err;
          });
      }
      // Cached key look-ups carry the user (settings included).
      clearKeyCache();
      return toUser(res.Attributes as ProfileItem);
    },

    async listIdentities(userId) {
      const user = await findUser(userId);
      const listed = await queryAll<{ ref?: string }>(doc, {
        TableName: table,
        KeyConditionExpression: "pk = :pk AND begins_with(sk, :prefix)",
        ExpressionAttributeValues: { ":pk": `USER#${userId}`, ":prefix": "ACCOUNT#" },
        ConsistentRead: true,
      });
      const providers: { provider: string; createdAt: string }[] = [];
      for (const { ref } of listed) {
        if (!ref) continue;
        const account = (await doc.send(new GetCommand({ TableName: table, Key: { pk: `AUTH_ACCOUNT#${ref}`, sk: "ACCOUNT" }, ConsistentRead: true }))).Item;
        if (account) providers.push({ provider: String(account.providerId), createdAt: String(account.createdAt) });
      }
      // Passkeys by name and date (never their keys), listed in the user's partition too.
      const passkeys: { provider: string; name: string | null; createdAt: string }[] = [];
      const listedPasskeys = await queryAll<{ ref?: string }>(doc, {
        TableName: table,
        KeyConditionExpression: "pk = :pk AND begins_with(sk, :prefix)",
        ExpressionAttributeValues: { ":pk": `USER#${userId}`, ":prefix": "PASSKEY#" },
        ConsistentRead: true,
      });
      for (const { ref } of listedPasskeys) {
        if (!ref) continue;
        const p = (await doc.send(new GetCommand({ TableName: table, Key: { pk: `PASSKEY#${ref}`, sk: "PASSKEY" }, ConsistentRead: true }))).Item;
        if (p) passkeys.push({ provider: "passkey", name: typeof p.name === "string" ? p.name : null, createdAt: String(p.createdAt) });
      }
      // Email links sign in whoever owns the address: every account with an address has it.
      const email = user?.email ? [{ provider: "email", createdAt: user.createdAt }] : [];
      const byDate = (a: { createdAt: string }, b: { createdAt: string }) => (a.createdAt < b.createdAt ? -1 : 1);
      return [...email, ...providers.sort(byDate), ...passkeys.sort(byDate)];
    },

    async listKeys(userId) {
      const keys = await listKeys(userId);
      return keys.sort((a, b) => (a.createdAt < b.createdAt ? -1 : a.createdAt > b.createdAt ? 1 : a.keyId < b.keyId ? -1 : 1)).map(keyInfo);
    },

    async createKey(userId, key) {
      const keyId = crypto.randomUUID();
      const createdAt = isoNow();
      const listed: KeyListing = { keyId, keyHash: key.keyHash, label: key.label, scope: key.scope, hint: key.hint, createdAt, lastUsedAt: null };
      await doc.send(new PutCommand({ TableName: table, Item: { ...accountKeys.userKey(userId, keyId), ...listed } }));
      const usable = await putIfAbsent({ ...accountKeys.keyHash(key.keyHash), userId, keyId, scope: key.scope, label: key.label, createdAt });
      if (!usable) {
        await doc.send(new DeleteCommand({ TableName: table, Key: accountKeys.userKey(userId, keyId) }));
        return null;
      }
      forgetKeyHash(key.keyHash); // a cached "no such key" must not outlive the new key
      return keyInfo(listed);
    },

    async replaceKeySecret(userId, keyId, secret) {
      const old = await listing(userId, keyId);
      if (!old) return null;
      const usable = await putIfAbsent({ ...accountKeys.keyHash(secret.keyHash), userId, keyId, scope: old.scope, label: old.label, createdAt: isoNow() });
      if (!usable) return null;
      const updated: KeyListing = { ...old, keyHash: secret.keyHash, hint: secret.hint, createdAt: isoNow(), lastUsedAt: null };
      await doc.send(new PutCommand({ TableName: table, Item: { ...accountKeys.userKey(userId, keyId), ...updated } }));
      await dropLookUp(userId, old.keyHash);
      forgetKeyHash(secret.keyHash);
      return keyInfo(updated);
    },

    async revokeKey(userId, keyId) {
      const old = await listing(userId, keyId);
      if (!old) return false;
      await dropLookUp(userId, old.keyHash);
      await doc.send(new DeleteCommand({ TableName: table, Key: accountKeys.userKey(userId, keyId) }));
      return true;
    },

    async createImportJob(userId, job) {
      const now = isoNow();
      const created: ImportJob = {
        id: crypto.randomUUID(),
        baseUrl: job.baseUrl,
        status: "running",
        firstDay: job.firstDay,
        lastDay: job.lastDay,
        nextDay: job.firstDay,
        daysDone: 0,
        daysTotal: job.daysTotal,
        heartbeatsReceived: 0,
        heartbeatsCreated: 0,
        heartbeatsRejected: 0,
        lookups: null,
        error: null,
        createdAt: now,
        updatedAt: now,
      };
      await doc.send(new PutCommand({ TableName: table, Item: { ...jobKey(userId, created.id), ...created } }));
      return created;
    },

    async findImportJob(userId, jobId) {
      const res = await doc.send(new GetCommand({ TableName: table, Key: jobKey(userId, jobId), ConsistentRead: true }));
      return res.Item ? jobOf(res.Item as JobItem) : null;
    },

    async listImportJobs(userId, limit = 50) {
      const items = await queryAll<JobItem>(doc, {
        TableName: table,
        KeyConditionExpression: "pk = :pk AND begins_with(sk, :prefix)",
        ExpressionAttributeValues: { ":pk": `USER#${userId}`, ":prefix": "JOB#" },
        ConsistentRead: true,
      });
      return items.map(jobOf).sort((a, b) => (a.createdAt < b.createdAt ? 1 : -1)).slice(0, limit);
    },

    async updateImportJob(userId, jobId, change, expectedNextDay) {
      const names: Record<string, string> = {};
      const values: Record<string, unknown> = { ":now": isoNow() };
      const set = ["updatedAt = :now"];
      for (const [k, v] of Object.entries(change)) {
        if (v === undefined) continue;
        names[`#${k}`] = k;
        values[`:${k}`] = v;
        set.push(`#${k} = :${k}`);
      }
      // Two steps running at once must not both advance the job: guard on the day it expects.
      names["#guard"] = "nextDay";
      // (A null is tested by type: DynamoDB's "=" is not documented for NULL values.)
      const condition = expectedNextDay === null ? "attribute_exists(pk) AND (attribute_not_exists(#guard) OR attribute_type(#guard, :null))" : "#guard = :expected";
      if (expectedNextDay === null) values[":null"] = "NULL";
      else values[":expected"] = expectedNextDay;
      try {
        const res = await doc.send(
          new UpdateCommand({
            TableName: table,
            Key: jobKey(userId, jobId),
            UpdateExpression: `SET ${set.join(", ")}`,
            ConditionExpression: condition,
            ExpressionAttributeNames: names,
            ExpressionAttributeValues: values,
            ReturnValues: "ALL_NEW",
          }),
        );
        return jobOf(res.Attributes as JobItem);
      } catch (err) {
        if (isConditionFailure(err)) return null;
        throw err;
      }
    },

    async revokeAllAccess(userId) {
      await endSessions(doc, table, userId);
      for (const key of await listKeys(userId)) {
        await dropLookUp(userId, key.keyHash);
        await doc.send(new DeleteCommand({ TableName: table, Key: accountKeys.userKey(userId, key.keyId) }));
      }
    },

    async deleteAccountRows(userId) {
      const user = await findUser(userId);
      const items = await queryAll<{ pk: string; sk: string; keyHash?: string }>(doc, {
        TableName: table,
        KeyConditionExpression: "pk = :pk",
        ExpressionAttributeValues: { ":pk": `USER#${userId}` },
        ConsistentRead: true,
      });
      for (const item of items) if (item.keyHash) await dropLookUp(userId, item.keyHash);
      await deleteAuthItems(doc, table, userId, user?.email ?? null);
      if (user) {
        await doc
          .send(new DeleteCommand({ TableName: table, Key: accountKeys.username(user.username), ConditionExpression: "userId = :u", ExpressionAttributeValues: { ":u": userId } }))
          .catch((err: unknown) => {
            if (!isConditionFailure(err)) throw err;
          });
      }
      // The profile goes last: until then a retry can still find everything above.
      const rest = items.filter((i) => i.sk !== "PROFILE").map((i) => ({ delete: { pk: i.pk, sk: i.sk } }));
      await batchWrite(doc, table, rest);
      await doc.send(new DeleteCommand({ TableName: table, Key: accountKeys.profile(userId) }));
      clearKeyCache();
    },
  };
}

function keyInfo(k: KeyListing): ApiKeyInfo {
  return { id: k.keyId, label: k.label, scope: k.scope, hint: k.hint, createdAt: k.createdAt, lastUsedAt: k.lastUsedAt ?? null };
}

function jobOf(item: JobItem): ImportJob {
  const { pk: _pk, sk: _sk, ...job } = item;
  return { ...job, nextDay: job.nextDay ?? null, lookups: job.lookups ?? null, error: job.error ?? null };
}

