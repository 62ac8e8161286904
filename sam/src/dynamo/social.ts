/**
 * The social port on DynamoDB (issue 14): sharing settings, users by name, friendships and
 * requests, goals. Leaderboards are in social-board.ts; the public directory (sharing's cache
 * generation) in public-directory.ts. Items: sam/README.md, "SocialTable".
 *
 * No transactions (dynalite has none): a friendship is two items, one per side, written in an
 * order that leaves nothing unsafe if a request dies half-way (the requester's side first: a
 * lone outgoing item only shows its own owner a pending request).
 */
import { DeleteCommand, PutCommand, QueryCommand, UpdateCommand } from "@aws-sdk/lib-dynamodb";
import { PRIVATE_SHARING, type ActivityStore, type SharingSettings } from "@kodo/core";
import type { FriendLink, FriendState, Goal, SocialStore } from "@kodo/core/social";
import { isConditionFailure, queryAll, type Doc } from "./client.ts";
import { acceptedFriends, bumpFriendsBoards, bumpFriendsBoardsOf, dynamoBoard, syncBoardMember } from "./social-board.ts";
import { deleteExisting, getItem, isoNow, profilesOf, putNew, socialKeys, userByName, type SocialTables } from "./social-table.ts";

/** Requests kept by name per user (names that name nobody, declined requests); more are not stored. */
export const MAX_REQUESTS_BY_NAME = 200;

export interface SharingItem extends SharingSettings {
  /** The cache generation (PublicUser.cacheVersion), raised by every change. */
  gen: number;
}

type FriendItem = { otherId: string; state: "friends" | "outgoing" | "incoming"; at: string; acceptedAt?: string };

export function sharingOfItem(item: Partial<SharingItem> | null): SharingSettings {
  if (!item) return { ...PRIVATE_SHARING };
  const s = { ...PRIVATE_SHARING, ...item };
  return {
    publicProfile: s.publicProfile === true,
    leaderboards: s.leaderboards === true,
    projects: s.projects === "public" || s.projects === "alias" ? s.projects : "hidden",
    languages: s.languages !== false,
    editors: s.editors !== false,
    operatingSystems: s.operatingSystems !== false,
    machines: s.machines === true,
    historyDays: Math.max(0, Math.trunc(Number(s.historyDays) || 0)),
  };
}

/**
 * The sharing settings as the export carries them (the user's D1 `user_sharing` row: snake_case,
 * 1/0), or null when never set; an export from either platform imports on the other.
 */
export async function exportedSharing(doc: Doc, table: string, userId: string): Promise<Record<string, unknown> | null> {
  const item = await getItem<SharingItem & { updatedAt?: string }>(doc, table, socialKeys.sharing(userId));
  if (!item) return null;
  const s = sharingOfItem(item);
  return {
    public_profile: +s.publicProfile,
    leaderboards: +s.leaderboards,
    projects: s.projects,
    languages: +s.languages,
    editors: +s.editors,
    operating_systems: +s.operatingSystems,
    machines: +s.machines,
    history_days: s.historyDays,
    updated_at: item.updatedAt ?? null,
  };
}

export interface DynamoSocialOptions extends SocialTables {
  /** Board standings are derived from the users' days (merged on read when stale). */
  activity: ActivityStore;
}

export function dynamoSocial(doc: Doc, options: DynamoSocialOptions): SocialStore {
  const { accountsTable, socialTable: table } = options;
  const board = dynamoBoard(doc, options);

  async function sharingItem(userId: string): Promise<SharingItem | null> {
    return getItem<SharingItem>(doc, table, socialKeys.sharing(userId));
  }

  async function friendItem(userId: string, otherId: string): Promise<FriendItem | null> {
    return getItem<FriendItem>(doc, table, socialKeys.friend(userId, otherId));
  }

  async function keepByName(fromId: string, username: string): Promise<void> {
    // The mirror first: deleting the name's account finds every request kept by it.
    await doc.send(new PutCommand({ TableName: table, Item: { ...socialKeys.nameRequest(username, fromId), requesterId: fromId } }));
    await putNew(doc, table, { ...socialKeys.byName(fromId, username), username, at: isoNow() });
  }

  async function countByName(fromId: string): Promise<number> {
    const res = await doc.send(
      new QueryCommand({
        TableName: table,
        KeyConditionExpression: "pk = :pk AND begins_with(sk, :p)",
        ExpressionAttributeValues: { ":pk": socialKeys.userPartition(fromId), ":p": "BYNAME#" },
        Select: "COUNT",
        ConsistentRead: true,
      }),
    );
    return res.Count ?? 0;
  }

  /** Sets both sides' state to friends if `toId`'s side still says incoming from `fromId`. */
  async function accept(fromId: string, toId: string): Promise<boolean> {
    const at = isoNow();
    try {
      await doc.send(
        new UpdateCommand({
          TableName: table,
          Key: socialKeys.friend(toId, fromId),
          UpdateExpression: "SET #s = :friends, acceptedAt = :at",
          ConditionExpression: "#s = :incoming",
          ExpressionAttributeNames: { "#s": "state" },
          ExpressionAttributeValues: { ":friends": "friends", ":incoming": "incoming", ":at": at },
        }),
      );
    } catch (err) {
      if (isConditionFailure(err)) return false;
      throw err;
    }
    await doc.send(
      new UpdateCommand({
        TableName: table,
        Key: socialKeys.friend(fromId, toId),
        UpdateExpression: "SET #s = :friends, acceptedAt = :at, otherId = :other, #at = if_not_exists(#at, :at)",
        ExpressionAttributeNames: { "#s": "state", "#at": "at" },
        ExpressionAttributeValues: { ":friends": "friends", ":at": at, ":other": toId },
      }),
    );
    // Each one's friends board gains the other.
    await bumpFriendsBoards(doc, table, [fromId, toId]);
    return true;
  }

  return {
    ...board,

    async sharingOf(userId) {
      return sharingOfItem(await sharingItem(userId));
    },

    async updateSharing(userId, change) {
      const before = sharingOfItem(await sharingItem(userId));
      const next = { ...before, ...change };
      // Every change is a new cache generation (ADD: two changes never share one).
      await doc.send(
        new UpdateCommand({
          TableName: table,
          Key: socialKeys.sharing(userId),
          UpdateExpression:
            "SET publicProfile = :pp, leaderboards = :lb, projects = :pr, languages = :la, editors = :ed, operatingSystems = :os, machines = :ma, historyDays = :hd, updatedAt = :now ADD gen :one",
          ExpressionAttributeValues: {
            ":pp": next.publicProfile,
            ":lb": next.leaderboards,
            ":pr": next.projects,
            ":la": next.languages,
            ":ed": next.editors,
            ":os": next.operatingSystems,
            ":ma": next.machines,
            ":hd": next.historyDays,
            ":now": isoNow(),
            ":one": 1,
          },
        }),
      );
      await syncBoardMember(doc, options, userId, next, before.leaderboards || next.leaderboards);
      // Friends boards show the user with their sharing (languages listed or not, ...).
      await bumpFriendsBoardsOf(doc, table, userId);
      return next;
    },

    async findUser(username) {
      const user = await userByName(doc, accountsTable, username);
      return user ? { ...user, email: null } : null; // never shown to others
    },

    async friendLists(userId) {
      const items = await queryAll<{ sk: string } & Partial<FriendItem> & { username?: string; at?: string }>(doc, {
        TableName: table,
        KeyConditionExpression: "pk = :pk AND sk BETWEEN :a AND :b",
        ExpressionAttributeValues: { ":pk": socialKeys.userPartition(userId), ":a": "BYNAME#", ":b": "FRIEND#\uffff" },
        ConsistentRead: true,
      });
      const links = items.filter((i) => i.sk.startsWith("FRIEND#")) as (FriendItem & { sk: string })[];
      const profiles = await profilesOf(doc, accountsTable, links.map((l) => l.otherId));
      const lists = { friends: [] as FriendLink[], incoming: [] as FriendLink[], outgoing: [] as FriendLink[] };
      for (const l of links) {
        const p = profiles.get(l.otherId);
        if (!p) continue; // an account deleted half-way
        const user = { id: p.id, username: p.username, displayName: p.displayName };
        if (l.state === "friends") lists.friends.push({ user, at: l.acceptedAt ?? l.at });
        else if (l.state === "outgoing") lists.outgoing.push({ user, at: l.at });
        else lists.incoming.push({ user, at: l.at });
      }
      const linkedNames = new Set([...lists.friends, ...lists.incoming, ...lists.outgoing].map((l) => l.user.username));
      for (const i of items) {
        if (!i.sk.startsWith("BYNAME#") || linkedNames.has(i.username!)) continue;
        lists.outgoing.push({ user: { id: "", username: i.username!, displayName: null }, at: i.at! });
      }
      const byName = (a: FriendLink, b: FriendLink) => (a.user.username < b.user.username ? -1 : a.user.username > b.user.username ? 1 : 0);
      lists.friends.sort(byName);
      lists.incoming.sort(byName);
      lists.outgoing.sort(byName);
      return lists;
    },

    async friendState(userId, otherId) {
      const item = await friendItem(userId, otherId);
      const state: FriendState = item ? item.state : "none";
      return state;
    },

    async requestFriendByName(fromId, username) {
      // The same reads whatever the name names (a name that names nobody reads placeholder
      // keys), so timing does not tell real usernames apart; then at most two small writes.
      const target = await userByName(doc, accountsTable, username);
      const otherId = target && target.id !== fromId ? target.id : "~none";
      const [mine, kept] = await Promise.all([friendItem(fromId, otherId), countByName(fromId)]);
      if (!target) {
        if (kept < MAX_REQUESTS_BY_NAME) await keepByName(fromId, username);
        return;
      }
      if (target.id === fromId) return;
      if (mine?.state === "incoming") {
        await accept(otherId, fromId);
        return;
      }
      if (mine) return;
      const at = isoNow();
      if (!(await putNew(doc, table, { ...socialKeys.friend(fromId, otherId), otherId, state: "outgoing", at }))) return;
      await doc.send(
        new PutCommand({
          TableName: table,
          Item: { ...socialKeys.friend(otherId, fromId), otherId: fromId, state: "incoming", at },
          ConditionExpression: "attribute_not_exists(pk)",
        }),
      ).catch(async (err: unknown) => {
        if (!isConditionFailure(err)) throw err;
        // They asked me at the same moment: both asked, so both are friends.
        await accept(otherId, fromId);
      });
    },

    async declineFriend(fromId, toId) {
      const theirs = await friendItem(fromId, toId);
      if (theirs?.state !== "outgoing") return false;
      const me = (await profilesOf(doc, accountsTable, [toId])).get(toId);
      // The sender keeps seeing a pending request to the name, as for a name that names nobody.
      if (me) await keepByName(fromId, me.username);
      await doc.send(new DeleteCommand({ TableName: table, Key: socialKeys.friend(toId, fromId) }));
      await doc.send(new DeleteCommand({ TableName: table, Key: socialKeys.friend(fromId, toId) }));
      return true;
    },

    async cancelRequestByName(fromId, username) {
      const removed = (await deleteExisting(doc, table, socialKeys.byName(fromId, username))) !== null;
      await doc.send(new DeleteCommand({ TableName: table, Key: socialKeys.nameRequest(username, fromId) }));
      return removed;
    },

    async friendCount(userId) {
      return (await acceptedFriends(doc, table, userId)).length;
    },

    acceptFriend: accept,

    async removeFriendLink(a, b) {
      const one = await deleteExisting<FriendItem>(doc, table, socialKeys.friend(a, b));
      const two = await deleteExisting<FriendItem>(doc, table, socialKeys.friend(b, a));
      // A friendship ended (a request withdrawn changes no board): each board loses the other.
      if (one?.state === "friends" || two?.state === "friends") await bumpFriendsBoards(doc, table, [a, b]);
      return one !== null || two !== null;
    },

    async listGoals(userId) {
      return (await goalItems(doc, table, userId)).map(goalOf);
    },

    async addGoal(userId, goal, max) {
      // Slots 0..max-1: a conditional put on a free slot, so two requests at once cannot pass the limit.
      for (let attempt = 0; attempt < 5; attempt++) {
        const items = await goalItems(doc, table, userId);
        const used = new Set(items.map((i) => Number(i.sk.slice("GOAL#".length))));
        let slot = 0;
        while (used.has(slot)) slot++;
        if (slot >= max) return null;
        const created: Goal = { id: crypto.randomUUID(), period: goal.period, seconds: goal.seconds, project: goal.project, language: goal.language, createdAt: isoNow() };
        if (await putNew(doc, table, { ...socialKeys.goal(userId, slot), ...created })) return created;
      }
      return null;
    },

    async deleteGoal(userId, goalId) {
      const item = (await goalItems(doc, table, userId)).find((i) => i.id === goalId);
      if (!item) return false;
      try {
        await doc.send(
          new DeleteCommand({ TableName: table, Key: { pk: item.pk, sk: item.sk }, ConditionExpression: "id = :id", ExpressionAttributeValues: { ":id": goalId } }),
        );
        return true;
      } catch (err) {
        if (isConditionFailure(err)) return false;
        throw err;
      }
    },
  };
}

type GoalItem = Goal & { pk: string; sk: string };

async function goalItems(doc: Doc, table: string, userId: string): Promise<GoalItem[]> {
  const items = await queryAll<GoalItem>(doc, {
    TableName: table,
    KeyConditionExpression: "pk = :pk AND begins_with(sk, :p)",
    ExpressionAttributeValues: { ":pk": socialKeys.userPartition(userId), ":p": "GOAL#" },
    ConsistentRead: true,
  });
  return items.sort((a, b) => (a.createdAt < b.createdAt ? -1 : a.createdAt > b.createdAt ? 1 : a.id < b.id ? -1 : 1));
}

const goalOf = (i: GoalItem): Goal => ({
  id: i.id,
  period: i.period === "week" ? "week" : "day",
  seconds: i.seconds,
  project: i.project ?? null,
  language: i.language ?? null,
  createdAt: i.createdAt,
});

