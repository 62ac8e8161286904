/**
 * The teams port on DynamoDB (issue 14). A team is one partition (`T#<id>`: META, members
 * `M#<userId>`, invites `I#<id>`, removals `R#<userId>`), so a team's page is one Query; users
 * point at their teams (`U#<id>` / `TEAM#<teamId>`) and at named invites addressed to them
 * (`INVITED#<id>`); `TOKEN#<digest>` and `INV#<id>` find an invite from its link or id.
 *
 * Every read of invites keeps only USABLE ones, checked here as on D1: unexpired at `now`, and
 * made by someone who is still an admin or the owner (their member item is read with the
 * invite); redemption also refuses an invite made before an admin removed the redeeming user.
 * Without transactions, writes are ordered so that a request dying half-way leaves nothing
 * usable that should not be (an invite's item before its look-ups, look-ups gone before it).
 */
import { DeleteCommand, PutCommand, UpdateCommand } from "@aws-sdk/lib-dynamodb";
import type { TeamStore, TeamProjects, TeamRole, TeamMember } from "@kodo/core/social";
import { batchWrite, isConditionFailure, queryAll, type Doc } from "./client.ts";
import { getItem, isoNow, profilesOf, putNew, socialKeys, type SocialTables } from "./social-table.ts";

interface MemberItem {
  sk: string;
  userId: string;
  role: TeamRole;
  projects: string | null;
  joinedAt: string;
}

interface InviteItem {
  sk: string;
  id: string;
  teamId: string;
  tokenHash: string;
  inviteeId: string | null;
  inviteeName: string | null;
  createdBy: string;
  createdAt: string;
  expiresAt: string;
}

interface TeamPartition {
  meta: { id: string; name: string; createdAt: string } | null;
  members: MemberItem[];
  invites: InviteItem[];
  removals: Map<string, string>;
}

const newId = () => crypto.randomUUID().replace(/-/g, "");
const roleOf = (r: string): TeamRole => (r === "owner" || r === "admin" ? r : "member");
const canInvite = (m: MemberItem | undefined | null) => m !== undefined && m !== null && (m.role === "owner" || m.role === "admin");

function projectsOf(json: string | null | undefined): TeamProjects {
  if (json === null || json === undefined) return null;
  try {
    const v = JSON.parse(json) as unknown;
    if (v === "all") return "all";
    if (Array.isArray(v)) return v.filter((p): p is string => typeof p === "string");
  } catch {
    // A damaged value counts as "none chosen": the most private reading.
  }
  return null;
}

export function dynamoTeams(doc: Doc, tables: SocialTables): TeamStore {
  const table = tables.socialTable;

  async function partition(teamId: string): Promise<TeamPartition> {
    const items = await queryAll<Record<string, unknown> & { sk: string }>(doc, {
      TableName: table,
      KeyConditionExpression: "pk = :pk",
      ExpressionAttributeValues: { ":pk": socialKeys.teamPartition(teamId) },
      ConsistentRead: true,
    });
    const p: TeamPartition = { meta: null, members: [], invites: [], removals: new Map() };
    for (const i of items) {
      if (i.sk === "META") p.meta = i as unknown as TeamPartition["meta"];
      else if (i.sk.startsWith("M#")) p.members.push(i as unknown as MemberItem);
      else if (i.sk.startsWith("I#")) p.invites.push(i as unknown as InviteItem);
      else if (i.sk.startsWith("R#")) p.removals.set(i.sk.slice(2), i.removedAt as string);
    }
    return p;
  }

  const usable = (p: TeamPartition, i: InviteItem, now: string) => i.expiresAt > now && canInvite(p.members.find((m) => m.userId === i.createdBy));

  /** Deletes an invite: its look-ups first (it stops being found), then the item. */
  async function dropInvite(i: Pick<InviteItem, "id" | "teamId" | "tokenHash" | "inviteeId">): Promise<boolean> {
    const writes: { delete: Record<string, unknown> }[] = [{ delete: socialKeys.token(i.tokenHash) }, { delete: { pk: `INV#${i.id}`, sk: "INV" } }];
    if (i.inviteeId) writes.push({ delete: socialKeys.userInvite(i.inviteeId, i.id) });
    await batchWrite(doc, table, writes);
    const res = await doc.send(new DeleteCommand({ TableName: table, Key: socialKeys.invite(i.teamId, i.id), ReturnValues: "ALL_OLD" }));
    return res.Attributes !== undefined;
  }

  /** The invite an id or token names, with its team's partition. */
  async function resolve(key: { tokenHash: string } | { id: string }): Promise<{ invite: InviteItem; p: TeamPartition } | null> {
    const look = "tokenHash" in key
      ? await getItem<{ teamId: string; inviteId: string }>(doc, table, socialKeys.token(key.tokenHash))
      : await getItem<{ teamId: string; inviteId: string }>(doc, table, { pk: `INV#${key.id}`, sk: "INV" });
    if (!look) return null;
    const p = await partition(look.teamId);
    const invite = p.invites.find((i) => i.id === look.inviteId);
    if (!invite || ("tokenHash" in key && invite.tokenHash !== key.tokenHash)) return null;
    return { invite, p };
  }

  const notBeforeRemoval = (p: TeamPartition, i: InviteItem, userId: string) => {
    const removedAt = p.removals.get(userId);
    return removedAt === undefined || removedAt < i.createdAt;
  };

  async function deleteTeam(teamId: string): Promise<void> {
    const p = await partition(teamId);
    // The team disappears first (reads find no team), then everything that names it.
    await doc.send(new DeleteCommand({ TableName: table, Key: socialKeys.team(teamId) }));
    for (const i of p.invites) await dropInvite(i);
    await batchWrite(doc, table, [
      ...p.members.map((m) => ({ delete: socialKeys.userTeam(m.userId, teamId) })),
      ...p.members.map((m) => ({ delete: socialKeys.member(teamId, m.userId) })),
      ...[...p.removals.keys()].map((u) => ({ delete: socialKeys.removal(teamId, u) })),
    ]);
  }

  return {
    async createTeam(ownerId, name) {
      const id = crypto.randomUUID();
      const now = isoNow();
      await doc.send(new PutCommand({ TableName: table, Item: { ...socialKeys.team(id), id, name, createdAt: now } }));
      await doc.send(new PutCommand({ TableName: table, Item: { ...socialKeys.member(id, ownerId), userId: ownerId, role: "owner", projects: null, joinedAt: now } }));
      await doc.send(new PutCommand({ TableName: table, Item: { ...socialKeys.userTeam(ownerId, id), teamId: id } }));
      return { id, name };
    },

    async teamsOf(userId) {
      const pointers = await queryAll<{ teamId: string }>(doc, {
        TableName: table,
        KeyConditionExpression: "pk = :pk AND begins_with(sk, :p)",
        ExpressionAttributeValues: { ":pk": socialKeys.userPartition(userId), ":p": "TEAM#" },
        ConsistentRead: true,
      });
      const out = [];
      for (const { teamId } of pointers) {
        const p = await partition(teamId);
        const me = p.members.find((m) => m.userId === userId);
        if (p.meta && me) out.push({ id: p.meta.id, name: p.meta.name, role: roleOf(me.role), members: p.members.length });
      }
      return out.sort((a, b) => (a.name < b.name ? -1 : a.name > b.name ? 1 : a.id < b.id ? -1 : 1));
    },

    async team(teamId) {
      const meta = await getItem<{ id: string; name: string }>(doc, table, socialKeys.team(teamId));
      return meta ? { id: meta.id, name: meta.name } : null;
    },

    async members(teamId) {
      const items = await queryAll<MemberItem>(doc, {
        TableName: table,
        KeyConditionExpression: "pk = :pk AND begins_with(sk, :p)",
        ExpressionAttributeValues: { ":pk": socialKeys.teamPartition(teamId), ":p": "M#" },
        ConsistentRead: true,
      });
      const profiles = await profilesOf(doc, tables.accountsTable, items.map((m) => m.userId));
      const out: TeamMember[] = [];
      for (const m of items) {
        const p = profiles.get(m.userId);
        if (!p) continue;
        out.push({ user: { id: p.id, username: p.username, displayName: p.displayName }, settings: { timeZone: p.timeZone, keystrokeTimeoutMinutes: p.keystrokeTimeoutMinutes }, role: roleOf(m.role), projects: projectsOf(m.projects), joinedAt: m.joinedAt });
      }
      const rank = (m: TeamMember) => (m.role === "owner" ? 0 : 1);
      return out.sort((a, b) => rank(a) - rank(b) || (a.joinedAt < b.joinedAt ? -1 : a.joinedAt > b.joinedAt ? 1 : a.user.username < b.user.username ? -1 : 1));
    },

    async invites(teamId, now) {
      const p = await partition(teamId);
      const live = p.invites.filter((i) => usable(p, i, now)).sort((a, b) => (a.createdAt < b.createdAt ? -1 : a.createdAt > b.createdAt ? 1 : a.id < b.id ? -1 : 1));
      const names = await profilesOf(doc, tables.accountsTable, live.flatMap((i) => [i.createdBy, ...(i.inviteeId ? [i.inviteeId] : [])]));
      return live.flatMap((i) => {
        const creator = names.get(i.createdBy);
        if (!creator) return [];
        const invitee = i.inviteeName ?? (i.inviteeId ? (names.get(i.inviteeId)?.username ?? null) : null);
        return [{ id: i.id, inviteeUsername: invitee, createdByUsername: creator.username, createdAt: i.createdAt, expiresAt: i.expiresAt }];
      });
    },

    async addInvite(i, now, max) {
      const p = await partition(i.teamId);
      // Clean-up: the team's dead invites (expired, or their creator may no longer invite).
      const dead = p.invites.filter((x) => !usable(p, x, now));
      for (const x of dead) await dropInvite(x);
      if (p.invites.length - dead.length >= max) return null;
      const id = newId();
      const item: Omit<InviteItem, "sk"> = { id, teamId: i.teamId, tokenHash: i.tokenHash, inviteeId: i.inviteeId, inviteeName: i.inviteeName, createdBy: i.createdBy, createdAt: isoNow(), expiresAt: i.expiresAt };
      await doc.send(new PutCommand({ TableName: table, Item: { ...socialKeys.invite(i.teamId, id), ...item } }));
      if (!(await putNew(doc, table, { ...socialKeys.token(i.tokenHash), teamId: i.teamId, inviteId: id }))) {
        await doc.send(new DeleteCommand({ TableName: table, Key: socialKeys.invite(i.teamId, id) }));
        throw new Error("invite token digest collision");
      }
      await doc.send(new PutCommand({ TableName: table, Item: { pk: `INV#${id}`, sk: "INV", teamId: i.teamId, inviteId: id } }));
      if (i.inviteeId) await doc.send(new PutCommand({ TableName: table, Item: { ...socialKeys.userInvite(i.inviteeId, id), teamId: i.teamId } }));
      return id;
    },

    async usableInvite(key, userId, now) {
      const found = await resolve(key);
      if (!found) return null;
      const { invite: i, p } = found;
      if (!usable(p, i, now) || !notBeforeRemoval(p, i, userId)) return null;
      // A named invite is for its invitee only; a link is redeemed by its token, never by id.
      const named = i.inviteeId !== null || i.inviteeName !== null;
      if (named && i.inviteeId !== userId) return null;
      if ("id" in key && !named) return null;
      return { teamId: i.teamId, inviteeId: i.inviteeId };
    },

    async invitationsFor(userId, now) {
      const pointers = await queryAll<{ sk: string; teamId: string }>(doc, {
        TableName: table,
        KeyConditionExpression: "pk = :pk AND begins_with(sk, :p)",
        ExpressionAttributeValues: { ":pk": socialKeys.userPartition(userId), ":p": "INVITED#" },
        ConsistentRead: true,
      });
      const out = [];
      const partitions = new Map<string, TeamPartition>();
      for (const ptr of pointers) {
        const p = partitions.get(ptr.teamId) ?? (await partition(ptr.teamId));
        partitions.set(ptr.teamId, p);
        const i = p.invites.find((x) => x.id === ptr.sk.slice("INVITED#".length));
        if (!p.meta || !i || i.inviteeId !== userId || !usable(p, i, now) || !notBeforeRemoval(p, i, userId)) continue;
        if (p.members.some((m) => m.userId === userId)) continue;
        out.push({ i, team: { id: p.meta.id, name: p.meta.name } });
      }
      const creators = await profilesOf(doc, tables.accountsTable, out.map((o) => o.i.createdBy));
      return out
        .filter((o) => creators.has(o.i.createdBy))
        .sort((a, b) => (a.i.expiresAt < b.i.expiresAt ? -1 : a.i.expiresAt > b.i.expiresAt ? 1 : a.i.id < b.i.id ? -1 : 1))
        .slice(0, 100)
        .map((o) => ({ id: o.i.id, team: o.team, invitedByUsername: creators.get(o.i.createdBy)!.username, expiresAt: o.i.expiresAt }));
    },

    async deleteInvite(key) {
      const found = await resolve(key);
      if (found) await dropInvite(found.invite);
    },

    async revokeInvite(teamId, inviteId) {
      const i = await getItem<InviteItem>(doc, table, socialKeys.invite(teamId, inviteId));
      if (!i) return false;
      return dropInvite(i);
    },

    async declineInvite(inviteId, userId) {
      // Kept, addressed to nobody, until it expires: to the admins it looks exactly like an
      // invite for a name that named nobody (deleting it would tell them the user exists).
      const look = await getItem<{ teamId: string }>(doc, table, { pk: `INV#${inviteId}`, sk: "INV" });
      if (!look) return false;
      try {
        await doc.send(
          new UpdateCommand({
            TableName: table,
            Key: socialKeys.invite(look.teamId, inviteId),
            UpdateExpression: "SET inviteeId = :null",
            ConditionExpression: "inviteeId = :u",
            ExpressionAttributeValues: { ":null": null, ":u": userId },
          }),
        );
      } catch (err) {
        if (isConditionFailure(err)) return false;
        throw err;
      }
      await doc.send(new DeleteCommand({ TableName: table, Key: socialKeys.userInvite(userId, inviteId) }));
      return true;
    },

    async addMember(teamId, userId, role) {
      const added = await putNew(doc, table, { ...socialKeys.member(teamId, userId), userId, role, projects: null, joinedAt: isoNow() });
      if (added) await doc.send(new PutCommand({ TableName: table, Item: { ...socialKeys.userTeam(userId, teamId), teamId } }));
      return added;
    },

    async setRole(teamId, userId, role) {
      try {
        await doc.send(
          new UpdateCommand({
            TableName: table,
            Key: socialKeys.member(teamId, userId),
            UpdateExpression: "SET #r = :r",
            ConditionExpression: "attribute_exists(pk)",
            ExpressionAttributeNames: { "#r": "role" },
            ExpressionAttributeValues: { ":r": role },
          }),
        );
      } catch (err) {
        if (!isConditionFailure(err)) throw err;
        return;
      }
      // Clean-up: a member who may no longer invite loses the invites they made (reads already ignore them).
      if (role === "member") for (const i of (await partition(teamId)).invites) if (i.createdBy === userId) await dropInvite(i);
    },

    async removeMember(teamId, userId, removed) {
      // The removal is recorded first: from then on, older invites no longer admit them.
      if (removed) await doc.send(new PutCommand({ TableName: table, Item: { ...socialKeys.removal(teamId, userId), removedAt: isoNow() } }));
      await doc.send(new DeleteCommand({ TableName: table, Key: socialKeys.member(teamId, userId) }));
      await doc.send(new DeleteCommand({ TableName: table, Key: socialKeys.userTeam(userId, teamId) }));
      for (const i of (await partition(teamId)).invites) if (i.createdBy === userId || i.inviteeId === userId) await dropInvite(i);
    },

    async transfer(teamId, fromId, toId) {
      // The new owner first: a request dying in between leaves two owners, never none.
      const set = (userId: string, role: TeamRole) =>
        doc.send(
          new UpdateCommand({
            TableName: table,
            Key: socialKeys.member(teamId, userId),
            UpdateExpression: "SET #r = :r",
            ConditionExpression: "attribute_exists(pk)",
            ExpressionAttributeNames: { "#r": "role" },
            ExpressionAttributeValues: { ":r": role },
          }),
        );
      await set(toId, "owner");
      await set(fromId, "admin");
    },

    deleteTeam,

    async setProjects(teamId, userId, projects) {
      await doc
        .send(
          new UpdateCommand({
            TableName: table,
            Key: socialKeys.member(teamId, userId),
            UpdateExpression: "SET projects = :p",
            ConditionExpression: "attribute_exists(pk)",
            ExpressionAttributeValues: { ":p": projects === null ? null : JSON.stringify(projects) },
          }),
        )
        .catch((err: unknown) => {
          if (!isConditionFailure(err)) throw err;
        });
    },
  };
}
