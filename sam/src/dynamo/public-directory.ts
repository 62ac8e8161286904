/**
 * Public reads by username on DynamoDB (issue 14): the username claim, the profile and the
 * sharing item (three strongly consistent reads). Only users whose sharing item has
 * `publicProfile` on are returned, so unknown and private users look the same. The cache
 * generation is the sharing item's `gen`, raised by every sharing change and every bump.
 */
import { UpdateCommand } from "@aws-sdk/lib-dynamodb";
import type { PublicDirectory } from "@kodo/core";
import { isConditionFailure, type Doc } from "./client.ts";
import { sharingOfItem, type SharingItem } from "./social.ts";
import { bumpFriendsBoardsOf, syncBoardMember } from "./social-board.ts";
import { getItem, profilesOf, socialKeys, userByName, type SocialTables } from "./social-table.ts";
import { syncStandingSharing } from "./standings.ts";

export function dynamoPublicDirectory(doc: Doc, tables: SocialTables): PublicDirectory {
  return {
    async findPublicUser(username) {
      const user = await userByName(doc, tables.accountsTable, username);
      if (!user) return null;
      const item = await getItem<SharingItem>(doc, tables.socialTable, socialKeys.sharing(user.id));
      if (!item || item.publicProfile !== true) return null;
      // Public reads never show the e-mail address.
      return { user: { ...user, email: null }, sharing: sharingOfItem(item), cacheVersion: String(item.gen ?? 0) };
    },

    async bumpCacheVersion(userId) {
      let item: SharingItem | null;
      try {
        // A no-op for users without sharing settings: they are private, nothing of theirs is cached.
        const res = await doc.send(
          new UpdateCommand({
            TableName: tables.socialTable,
            Key: socialKeys.sharing(userId),
            UpdateExpression: "ADD gen :one",
            ConditionExpression: "attribute_exists(pk)",
            ExpressionAttributeValues: { ":one": 1 },
            ReturnValues: "ALL_NEW",
          }),
        );
        item = res.Attributes as SharingItem;
      } catch (err) {
        if (!isConditionFailure(err)) throw err;
        item = null;
      }
      // The board lists the member's name and zone: refresh them (a profile change calls this).
      // Off the global board, friends boards still show their standings: those take the new name.
      const sharing = sharingOfItem(item);
      const profile = (await profilesOf(doc, tables.accountsTable, [userId])).get(userId) ?? null;
      if (sharing.leaderboards) await syncBoardMember(doc, tables, userId, sharing, true);
      else await syncStandingSharing(doc, tables.socialTable, userId, sharing, profile);
      // Friends boards show the name too (a rename, a new display name). Not for a deleted
      // account: its friends' versions moved with the deletion, and its own item is gone.
      if (profile) await bumpFriendsBoardsOf(doc, tables.socialTable, userId);
    },
  };
}
