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
 * - Each user's friends board has its own version (`U#<userId>` / `FBVER`, `gen`): one GetItem
 *   per cached friends page (SocialStore.friendsBoardVersion). Membership and what the board
 *   shows of its members other than figures move it at once (bumpFriendsBoards); new figures
 *   wait for the page cache's TTL, as on the global board.
 * - Freshness: the scheduled drainer refreshes users who ingested (within a minute). A read
 *   drains only the marks of users whose own rows it shows: the caller for their rank, the
 *   members of a friends or team board; a global page drains nothing, so its cost does not
 *   depend on anyone's writes. Joining a board refreshes the joiner's standing at once.
 *
 * Privacy as on D1: a language board lists only users who share languages, and
 * boardLanguages answers only for them.
 */
import { DeleteCommand, PutCommand, UpdateCommand } from "@aws-sdk/lib-dynamodb";
import type { ActivityStore, SharingSettings } from "@kodo/core";
import type { SocialStore } from "@kodo/core/social";
import type { Doc } from "./client.ts";
import { queryAll } from "./client.ts";
import { WRITE_CONCURRENCY } from "./limits.ts";
import { mapLimit } from "./pool.ts";
import { drainUsers, markStandingDirty, syncStandingSharing, type StandingDeps } from "./standings.ts";
import { standingReads } from "./standing-reads.ts";
import { getItem, profilesOf, socialKeys, type SocialTables } from "./social-table.ts";

type BoardReads = Pick<SocialStore, "leaderboardVersion" | "leaderboardPage" | "leaderboardEntry" | "boardLanguages" | "friendsBoardVersion">;

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

/** The user's accepted friends (their `FRIEND#` items that say friends: one Query, keys and state only). */
export async function acceptedFriends(doc: Doc, table: string, userId: string): Promise<string[]> {
  const links = await queryAll<{ sk: string; state?: string }>(doc, {
    TableName: table,
    KeyConditionExpression: "pk = :pk AND begins_with(sk, :f)",
    ExpressionAttributeNames: { "#s": "state" },
    ExpressionAttributeValues: { ":pk": socialKeys.userPartition(userId), ":f": "FRIEND#" },
    ProjectionExpression: "sk, #s",
    ConsistentRead: true,
  });
  return links.filter((l) => l.state === "friends").map((l) => l.sk.slice("FRIEND#".length));
}

/**
 * Moves the friends board version of these users (`ADD gen 1`, one UpdateItem each, in
 * parallel). Called after the change is stored, so a page cached under the new version shows it.
 */
export async function bumpFriendsBoards(doc: Doc, table: string, userIds: readonly string[]): Promise<void> {
  await mapLimit([...new Set(userIds)], WRITE_CONCURRENCY, (userId) =>
    doc.send(new UpdateCommand({ TableName: table, Key: socialKeys.friendsBoardVersion(userId), UpdateExpression: "ADD gen :one", ExpressionAttributeValues: { ":one": 1 } })),
  );
}

/** Moves the friends board version of the user and of every accepted friend (they show the user). */
export async function bumpFriendsBoardsOf(doc: Doc, table: string, userId: string): Promise<void> {
  await bumpFriendsBoards(doc, table, [userId, ...(await acceptedFriends(doc, table, userId))]);
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

    /** One consistent GetItem: the `FBVER` item's `gen` ("0" before anything moved it). */
    async friendsBoardVersion(userId) {
      const item = await getItem<{ gen?: number }>(doc, table, socialKeys.friendsBoardVersion(userId));
      return String(item?.gen ?? 0);
    },

    async boardLanguages(userIds, range) {
      if (userIds.length === 0) return new Map();
      return standings.languages(userIds, range);
    },
  };
}
