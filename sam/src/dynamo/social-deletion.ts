/**
 * Account deletion's social part on DynamoDB (issue 14): everything in the social table that
 * belongs to or names the user, as D1's deleteAccountRows does. Idempotent: a retry after a
 * crash finds what is left through the user's partition and the name's request mirrors.
 */
import { DeleteCommand } from "@aws-sdk/lib-dynamodb";
import type { TeamStore } from "@kodo/core/social";
import { batchWrite, queryAll, type Doc } from "./client.ts";
import { bumpBoardVersion, bumpFriendsBoards } from "./social-board.ts";
import { socialKeys, type SocialTables } from "./social-table.ts";

export async function deleteSocialItems(doc: Doc, tables: SocialTables, teams: TeamStore, userId: string, username: string | null): Promise<void> {
  const table = tables.socialTable;
  const items = await queryAll<{ pk: string; sk: string; otherId?: string; username?: string; teamId?: string; state?: string }>(doc, {
    TableName: table,
    KeyConditionExpression: "pk = :pk",
    ExpressionAttributeValues: { ":pk": socialKeys.userPartition(userId) },
    ConsistentRead: true,
  });
  const mirrors: { delete: Record<string, unknown> }[] = [];
  for (const i of items) {
    // The other side of friendships and requests, and the mirrors of requests kept by name.
    if (i.sk.startsWith("FRIEND#")) mirrors.push({ delete: socialKeys.friend(i.sk.slice("FRIEND#".length), userId) });
    if (i.sk.startsWith("BYNAME#")) mirrors.push({ delete: socialKeys.nameRequest(i.sk.slice("BYNAME#".length), userId) });
  }
  await batchWrite(doc, table, mirrors);
  // Their former friends' boards lose them (after the links are gone: a board read under the
  // new version no longer lists them).
  const friends = items.filter((i) => i.sk.startsWith("FRIEND#") && i.state === "friends").map((i) => i.sk.slice("FRIEND#".length));
  await bumpFriendsBoards(doc, table, friends);

  // Teams the user owns pass to their longest-standing admin, else member; a team with no one
  // else is deleted. Then their memberships (and with them the invites they made or were sent).
  for (const i of items.filter((x) => x.sk.startsWith("TEAM#"))) {
    const teamId = i.sk.slice("TEAM#".length);
    const members = await teams.members(teamId);
    const me = members.find((m) => m.user.id === userId);
    if (me?.role === "owner") {
      const heir = members
        .filter((m) => m.user.id !== userId)
        .sort((a, b) => (a.role === "admin" ? 0 : 1) - (b.role === "admin" ? 0 : 1) || (a.joinedAt < b.joinedAt ? -1 : a.joinedAt > b.joinedAt ? 1 : a.user.id < b.user.id ? -1 : 1))[0];
      if (!heir) {
        await teams.deleteTeam(teamId);
        continue;
      }
      await teams.setRole(teamId, heir.user.id, "owner");
    }
    await teams.removeMember(teamId, userId, false);
  }
  // Named invites addressed to them in teams they are not in.
  for (const i of items.filter((x) => x.sk.startsWith("INVITED#"))) await teams.deleteInvite({ id: i.sk.slice("INVITED#".length) });

  // Requests others keep by this user's name (declined ones name them).
  if (username) {
    const kept = await queryAll<{ requesterId: string }>(doc, {
      TableName: table,
      KeyConditionExpression: "pk = :pk",
      ExpressionAttributeValues: { ":pk": socialKeys.namePartition(username) },
      ConsistentRead: true,
    });
    await batchWrite(doc, table, kept.flatMap((k) => [{ delete: socialKeys.byName(k.requesterId, username) }, { delete: socialKeys.nameRequest(username, k.requesterId) }]));
  }

  // Off the board (its version moves, so cached boards without them are rebuilt).
  const member = await doc.send(new DeleteCommand({ TableName: table, Key: socialKeys.boardMember(userId), ReturnValues: "ALL_OLD" }));
  if (member.Attributes) await bumpBoardVersion(doc, table);

  // Whatever is left of the partition (sharing, friend links, requests by name, goals, team and
  // invite pointers, their friends board version `FBVER`), re-read: the steps above wrote some.
  const rest = await queryAll<{ pk: string; sk: string }>(doc, {
    TableName: table,
    KeyConditionExpression: "pk = :pk",
    ExpressionAttributeValues: { ":pk": socialKeys.userPartition(userId) },
    ConsistentRead: true,
  });
  await batchWrite(doc, table, rest.map((r) => ({ delete: { pk: r.pk, sk: r.sk } })));
}
