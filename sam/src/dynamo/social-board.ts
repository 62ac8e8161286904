/**
 * Leaderboards on DynamoDB (issues 14 and 16). Design (sam/README.md, "Leaderboards"; access
 * pattern in docs/scale.md, "AWS"):
 *
 * - Every board read comes from the stored standings (standings.ts writes them, one item per
 *   user and board language; standing-reads.ts reads them): pages from the range's sparse GSI,
 *   totals from `BCOUNT`, ranks from the `BHIST` histogram plus the caller's own bucket,
 *   friends and team boards and a page's languages from the users' own items. No read sums
 *   anyone's days.
 * - The `BOARD` partition lists the users who opted in (`M#<userId>`) and a version counter
 *   (`VERSION`) raised whenever a member joins, leaves or changes (SocialStore.leaderboardVersion:
 *   the shared route's page cache is keyed by it).
 * - Freshness: the scheduled drainer refreshes users who ingested (within a minute). A read
 *   drains only the marks of users whose own rows it shows: the caller for their rank, the
 *   members of a friends or team board; a global page drains nothing, so its cost does not
 *   depend on anyone's writes. Joining a board refreshes the joiner's standing at once.
 *
 * Privacy as on D1: a language board lists only users who share languages, and
 * boardLanguages answers only for them.
 */
import { createHash } from "node:crypto";
import { DeleteCommand, PutCommand, UpdateCommand } from "@aws-sdk/lib-dynamodb";
import type { ActivityStore, SharingSettings } from "@kodo/core";
import type { SocialStore } from "@kodo/core/social";
import type { Doc } from "./client.ts";
import { batchGetAll } from "./batch-get.ts";
import { queryAll } from "./client.ts";
import { BATCH_GET_MAX } from "./limits.ts";
import { chunk } from "./pool.ts";
import { drainUsers, markStandingDirty, standingItemKeys, syncStandingSharing, type StandingDeps } from "./standings.ts";
import { standingReads } from "./standing-reads.ts";
import { getItem, profilesOf, socialKeys, type SocialTables } from "./social-table.ts";

type BoardReads = Pick<SocialStore, "leaderboardVersion" | "leaderboardPage" | "leaderboardEntry" | "boardLanguages" | "friendsBoard">;

export interface BoardOptions extends SocialTables {
  /** Standings are derived from the users' days (merged on read when stale). */
  activity: ActivityStore;
  /** Epoch seconds (tests pass a clock). */
  now?: () => number;
}

/** Raises the board version (a member joined, left or changed). */
export async function bumpBoardVersion(doc: Doc, table: string): Promise<void> {
  await doc.send(new UpdateCommand({ TableName: table, Key: socialKeys.boardVersion, UpdateExpression: "ADD v :one", ExpressionAttributeValues: { ":one": 1 } }));
}

/**
 * Puts the user on the board (with their current name and zone) or takes them off, after a
 * sharing or profile change; `touched`: they were or are a member, so the version moves. With
 * `activity` (a sharing change), a joining user's standing is refreshed before this returns.
 */
export async function syncBoardMember(doc: Doc, tables: SocialTables & { activity?: ActivityStore }, userId: string, sharing: SharingSettings, touched: boolean): Promise<void> {
  const user = (await profilesOf(doc, tables.accountsTable, [userId])).get(userId) ?? null;
  // The stored standings take the change before this returns (privacy holds in the GSIs at once).
  await syncStandingSharing(doc, tables.socialTable, userId, sharing, user);
  const profile = sharing.leaderboards ? user : undefined;
  if (profile) {
    const member = { userId, username: profile.username, displayName: profile.displayName, timeZone: profile.timeZone, languages: sharing.languages };
    await doc.send(new PutCommand({ TableName: tables.socialTable, Item: { ...socialKeys.boardMember(userId), ...member } }));
    // Their standing may be missing (idle since before standings existed): the drainer builds it,
    // and a sharing change builds it now, so joining shows at the next read.
    await markStandingDirty(doc, tables.socialTable, userId);
    if (tables.activity) await drainUsers({ doc, accountsTable: tables.accountsTable, socialTable: tables.socialTable, activity: tables.activity }, [userId]);
  } else {
    await doc.send(new DeleteCommand({ TableName: tables.socialTable, Key: socialKeys.boardMember(userId) }));
  }
  if (touched) await bumpBoardVersion(doc, tables.socialTable);
}

export function dynamoBoard(doc: Doc, options: BoardOptions): BoardReads {
  const table = options.socialTable;
  const standings = standingReads(doc, table);
  const deps: StandingDeps = { doc, accountsTable: options.accountsTable, socialTable: table, activity: options.activity, now: options.now };

  return {
    async leaderboardVersion() {
      const item = await getItem<{ v?: number }>(doc, table, socialKeys.boardVersion);
      return String(item?.v ?? 0);
    },

    async leaderboardPage(q) {
      // A friends or team board shows its members' own rows: their pending changes first.
      if (q.userIds) await drainUsers(deps, q.userIds);
      return standings.page(q);
    },

    async leaderboardEntry(q, userId) {
      // The caller's own pending change (an ingest the drainer has not reached yet), nobody else's;
      // on a friends or team board, its members' (what it shows).
      await drainUsers(deps, q.userIds ?? [userId]);
      return standings.entry(q, userId);
    },

    /**
     * The caller and their accepted friends, and a digest of all a friends page shows of them
     * (sam/README.md, "Leaderboards"): who they are, their `L#` standing's `ver`/`updatedAt`
     * (rewritten whenever any of their standings changes: new figures, a sharing change, a
     * rename; deleted with the account) and their pending `DIRTY#` mark (a page read drains it,
     * so a friend's new time moves the version as a fresh read would show it). Cost: the
     * friend-list Query, then consistent BatchGets of those two small items per member,
     * projected, their chunks of 100 in parallel.
     */
    async friendsBoard(userId) {
      const links = await queryAll<{ sk: string; state?: string }>(doc, {
        TableName: table,
        KeyConditionExpression: "pk = :pk AND begins_with(sk, :f)",
        ExpressionAttributeNames: { "#s": "state" },
        ExpressionAttributeValues: { ":pk": socialKeys.userPartition(userId), ":f": "FRIEND#" },
        ProjectionExpression: "sk, #s",
        ConsistentRead: true,
      });
      const userIds = [userId, ...links.filter((l) => l.state === "friends").map((l) => l.sk.slice("FRIEND#".length))];
      const keys = userIds.flatMap((id) => [standingItemKeys.standing(id, null), standingItemKeys.dirty(id)]);
      const read = { ConsistentRead: true, ProjectionExpression: "pk, sk, ver, updatedAt, #at", ExpressionAttributeNames: { "#at": "at" } };
      const items = (await Promise.all(chunk(keys, BATCH_GET_MAX).map((group) => batchGetAll<{ pk: string; sk: string; ver?: number; updatedAt?: number; at?: number }>(doc, table, group, read)))).flat();
      const found = new Map(items.map((i) => [`${i.pk}|${i.sk}`, i]));
      const of = (k: { pk: string; sk: string }) => found.get(`${k.pk}|${k.sk}`);
      const state = [...userIds].sort().map((id) => {
        const standing = of(standingItemKeys.standing(id, null));
        return [id, standing?.ver ?? null, standing?.updatedAt ?? null, of(standingItemKeys.dirty(id))?.at ?? null];
      });
      return { userIds, version: createHash("sha256").update(JSON.stringify(state)).digest("hex").slice(0, 32) };
    },

    async boardLanguages(userIds, range) {
      if (userIds.length === 0) return new Map();
      return standings.languages(userIds, range);
    },
  };
}
