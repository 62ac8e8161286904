import { BatchGetCommand, DeleteCommand, GetCommand, PutCommand } from "@aws-sdk/lib-dynamodb";
import type { User } from "@kodo/core";
import { toUser, type ProfileItem } from "./accounts.ts";
import { isConditionFailure, type Doc } from "./client.ts";
import { accountKeys } from "./keys.ts";
import { BATCH_GET_MAX } from "./limits.ts";
import { chunk } from "./pool.ts";

/**
 * Item keys of the social table (sharing, friends, goals, teams, leaderboard boards). Layout and
 * the access pattern each serves: sam/README.md, "SocialTable". One partition per user and per
 * team, so every read is one item or one partition's range; the board partition lists the
 * users who opted into leaderboards (no Scan, no GSI).
 */
export const socialKeys = {
  userPartition: (userId: string) => `U#${userId}`,
  sharing: (userId: string) => ({ pk: `U#${userId}`, sk: "SHARING" }),
  /** One side of a friendship or request; the other user holds the mirror item. */
  friend: (userId: string, otherId: string) => ({ pk: `U#${userId}`, sk: `FRIEND#${otherId}` }),
  /**
   * The user's friends board version (`gen`, SocialStore.friendsBoardVersion): `ADD gen 1` on every
   * change of the board's members or of what it shows of them other than figures.
   */
  friendsBoardVersion: (userId: string) => ({ pk: `U#${userId}`, sk: "FBVER" }),
  /** A request kept by the typed name (a name that names nobody, or a declined request). */
  byName: (userId: string, username: string) => ({ pk: `U#${userId}`, sk: `BYNAME#${username}` }),
  /** Who keeps a request by this name (so deleting the name's account finds them). */
  nameRequest: (username: string, requesterId: string) => ({ pk: `NAME#${username}`, sk: `FROM#${requesterId}` }),
  namePartition: (username: string) => `NAME#${username}`,
  /** Goals take numbered slots: a conditional put on a free slot is the limit, race-free. */
  goal: (userId: string, slot: number) => ({ pk: `U#${userId}`, sk: `GOAL#${String(slot).padStart(3, "0")}` }),
  /** The teams a user is in (pointer; the role lives in the team's member item). */
  userTeam: (userId: string, teamId: string) => ({ pk: `U#${userId}`, sk: `TEAM#${teamId}` }),
  /** A named invite addressed to the user (pointer to the team's invite item). */
  userInvite: (userId: string, inviteId: string) => ({ pk: `U#${userId}`, sk: `INVITED#${inviteId}` }),
  teamPartition: (teamId: string) => `T#${teamId}`,
  team: (teamId: string) => ({ pk: `T#${teamId}`, sk: "META" }),
  member: (teamId: string, userId: string) => ({ pk: `T#${teamId}`, sk: `M#${userId}` }),
  invite: (teamId: string, inviteId: string) => ({ pk: `T#${teamId}`, sk: `I#${inviteId}` }),
  removal: (teamId: string, userId: string) => ({ pk: `T#${teamId}`, sk: `R#${userId}` }),
  /** An invite link's token digest -> its team and invite id. */
  token: (tokenHash: string) => ({ pk: `TOKEN#${tokenHash}`, sk: "TOKEN" }),
  /** The leaderboard partition: its version counter, its members, its cached boards. */
  boardPartition: "BOARD",
  boardVersion: { pk: "BOARD", sk: "VERSION" },
  boardMember: (userId: string) => ({ pk: "BOARD", sk: `M#${userId}` }),
  boardCache: (hash: string) => ({ pk: "BOARD", sk: `CACHE#${hash}` }),
};

export interface SocialTables {
  accountsTable: string;
  socialTable: string;
}

export const isoNow = () => new Date().toISOString();

/** Puts the item unless one with its key exists; false when it did. */
export async function putNew(doc: Doc, table: string, item: Record<string, unknown>): Promise<boolean> {
  try {
    await doc.send(new PutCommand({ TableName: table, Item: item, ConditionExpression: "attribute_not_exists(pk)" }));
    return true;
  } catch (err) {
    if (isConditionFailure(err)) return false;
    throw err;
  }
}

/** Deletes the item if it exists; the item it was, or null when there was none. */
export async function deleteExisting<T = Record<string, unknown>>(doc: Doc, table: string, key: { pk: string; sk: string }): Promise<T | null> {
  const res = await doc.send(new DeleteCommand({ TableName: table, Key: key, ReturnValues: "ALL_OLD" }));
  return (res.Attributes as T | undefined) ?? null;
}

export async function getItem<T>(doc: Doc, table: string, key: { pk: string; sk: string }): Promise<T | null> {
  const res = await doc.send(new GetCommand({ TableName: table, Key: key, ConsistentRead: true }));
  return (res.Item as T | undefined) ?? null;
}

/** The user holding exactly this username (case as typed, as D1's `username = ?`), or null. */
export async function userByName(doc: Doc, accountsTable: string, username: string): Promise<User | null> {
  const claim = await getItem<{ userId: string }>(doc, accountsTable, accountKeys.username(username));
  if (!claim) return null;
  const profile = await getItem<ProfileItem>(doc, accountsTable, accountKeys.profile(claim.userId));
  return profile && profile.username === username ? toUser(profile) : null;
}

/** Profiles of these users (missing ones left out), in BatchGetItem calls of 100. */
export async function profilesOf(doc: Doc, accountsTable: string, userIds: readonly string[]): Promise<Map<string, User>> {
  const out = new Map<string, User>();
  for (const ids of chunk([...new Set(userIds)], BATCH_GET_MAX)) {
    let keys: Record<string, unknown>[] = ids.map((id) => accountKeys.profile(id));
    for (let attempt = 0; keys.length > 0; attempt++) {
      if (attempt > 10) throw new Error("BatchGetItem left keys unprocessed");
      if (attempt > 0) await new Promise((r) => setTimeout(r, Math.min(1000, 25 * 2 ** attempt) * Math.random()));
      const res = await doc.send(new BatchGetCommand({ RequestItems: { [accountsTable]: { Keys: keys, ConsistentRead: true } } }));
      for (const item of res.Responses?.[accountsTable] ?? []) out.set((item as ProfileItem).id, toUser(item as ProfileItem));
      keys = res.UnprocessedKeys?.[accountsTable]?.Keys ?? [];
    }
  }
  return out;
}
