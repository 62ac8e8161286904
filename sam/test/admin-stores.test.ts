/**
 * The account-management ports on DynamoDB (dynalite): keys, profile, import jobs, export
 * paging and deletion, which the account routes use (export/import/settings run in the
 * contract suite; key management and deletion need a sign-in session, Cloudflare-only so far).
 */
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { QueryCommand } from "@aws-sdk/lib-dynamodb";
import { aRun, T0 } from "../../core/src/testing/builders.ts";
import { dynamoAccounts } from "../src/dynamo/accounts.ts";
import { dynamoAccountAdmin } from "../src/dynamo/account-admin.ts";
import { dynamoActivity } from "../src/dynamo/activity.ts";
import { dynamoActivityAdmin } from "../src/dynamo/activity-admin.ts";
import { ACCOUNTS_TABLE, ACTIVITY_TABLE, createUser, localDynamo, sha256 } from "./helpers.ts";

let dynamo: Awaited<ReturnType<typeof localDynamo>>;
beforeAll(async () => {
  dynamo = await localDynamo();
});
afterAll(() => dynamo?.close());

const itemsOf = async (table: string, pk: string) =>
  (await dynamo.doc.send(new QueryCommand({ TableName: table, KeyConditionExpression: "pk = :pk", ExpressionAttributeValues: { ":pk": pk }, ConsistentRead: true }))).Items ?? [];

describe("API keys", () => {
  it("creates, lists, rotates and revokes keys; a key's hash is usable by one user only", async () => {
    const { user, key } = await createUser(dynamo.doc);
    const admin = dynamoAccountAdmin(dynamo.doc, ACCOUNTS_TABLE);
    const accounts = dynamoAccounts(dynamo.doc, ACCOUNTS_TABLE);
    const second = `waka_${crypto.randomUUID()}`;
    const created = await admin.createKey(user.id, { keyHash: sha256(second), label: "laptop", scope: "read", hint: second.slice(-4) });
    expect(created).toMatchObject({ label: "laptop", scope: "read", hint: second.slice(-4), lastUsedAt: null });
    expect(await admin.createKey(user.id, { keyHash: sha256(key), label: "dup", scope: "full", hint: "x" })).toBeNull();
    expect((await admin.listKeys(user.id)).map((k) => k.label)).toEqual(["test", "laptop"]);
    expect((await accounts.findByKeyHash(sha256(second)))!.scope).toBe("read");

    const rotated = `waka_${crypto.randomUUID()}`;
    expect(await admin.replaceKeySecret(user.id, created!.id, { keyHash: sha256(rotated), hint: rotated.slice(-4) })).toMatchObject({ id: created!.id, hint: rotated.slice(-4) });
    expect(await accounts.findByKeyHash(sha256(second))).toBeNull();
    expect((await accounts.findByKeyHash(sha256(rotated)))!.keyId).toBe(created!.id);

    const other = await createUser(dynamo.doc);
    expect(await admin.revokeKey(other.user.id, created!.id)).toBe(false); // not theirs
    expect(await admin.revokeKey(user.id, created!.id)).toBe(true);
    expect(await accounts.findByKeyHash(sha256(rotated))).toBeNull();
    expect((await admin.listKeys(user.id)).map((k) => k.label)).toEqual(["test"]);
  });
});

describe("profile", () => {
  it("changes username (releasing the old one), display name and settings", async () => {
    const { user, key } = await createUser(dynamo.doc);
    const admin = dynamoAccountAdmin(dynamo.doc, ACCOUNTS_TABLE);
    const other = await createUser(dynamo.doc);
    expect(await admin.usernameTaken(other.user.username, user.id)).toBe(true);
    expect(await admin.usernameTaken(user.username, user.id)).toBe(false);
    const name = `renamed_${crypto.randomUUID().slice(0, 6)}`;
    const updated = await admin.updateProfile(user.id, { username: name, displayName: "Ren", timeZone: "Asia/Tokyo", keystrokeTimeoutMinutes: 30 });
    expect(updated).toMatchObject({ id: user.id, username: name, displayName: "Ren", timeZone: "Asia/Tokyo", keystrokeTimeoutMinutes: 30 });
    expect(await admin.usernameTaken(user.username, other.user.id)).toBe(false);
    expect(await admin.usernameTaken(name, other.user.id)).toBe(true);
    // The key now authenticates the renamed user with the new settings (the cache was cleared).
    expect((await dynamoAccounts(dynamo.doc, ACCOUNTS_TABLE).findByKeyHash(sha256(key)))!.user).toEqual(updated);
  });
});

describe("import jobs", () => {
  it("advances a job only from the day it expects (two steps at once cannot both move it)", async () => {
    const { user } = await createUser(dynamo.doc);
    const admin = dynamoAccountAdmin(dynamo.doc, ACCOUNTS_TABLE);
    const job = await admin.createImportJob(user.id, { baseUrl: "https://wakatime.com/api/v1", firstDay: "2026-01-01", lastDay: "2026-01-02", daysTotal: 2 });
    expect(await admin.findImportJob((await createUser(dynamo.doc)).user.id, job.id)).toBeNull();
    const step = await admin.updateImportJob(user.id, job.id, { nextDay: "2026-01-02", daysDone: 1 }, "2026-01-01");
    expect(step).toMatchObject({ nextDay: "2026-01-02", daysDone: 1 });
    expect(await admin.updateImportJob(user.id, job.id, { nextDay: "2026-01-02", daysDone: 1 }, "2026-01-01")).toBeNull();
    const done = await admin.updateImportJob(user.id, job.id, { nextDay: null, daysDone: 2, status: "done" }, "2026-01-02");
    expect(done).toMatchObject({ nextDay: null, status: "done" });
    expect(await admin.updateImportJob(user.id, job.id, { error: "late" }, null)).toMatchObject({ error: "late" });
    expect((await admin.listImportJobs(user.id)).map((j) => j.id)).toEqual([job.id]);
  });
});

describe("export paging and deletion", () => {
  it("pages the raw log in (time, id) order, and deletes every item of the user and nothing of others", async () => {
    const { user, key } = await createUser(dynamo.doc);
    const bystander = await createUser(dynamo.doc);
    const activity = dynamoActivity(dynamo.doc, { table: ACTIVITY_TABLE });
    const activityAdmin = dynamoActivityAdmin(dynamo.doc, { table: ACTIVITY_TABLE });
    const beats = aRun(T0, 25, 30);
    await activity.ingest(user, beats);
    await activity.ingest(bystander.user, beats.slice(0, 5));
    await activity.days(user, "2026-03-01", "2026-03-03");

    const pages: number[][] = [];
    let after: { time: number; id: string } | null = null;
    for (;;) {
      const page = await activityAdmin.heartbeatPage(user, after, 10);
      if (page.length > 0) pages.push(page.map((h) => h.time));
      if (page.length < 10) break;
      after = { time: page.at(-1)!.time, id: page.at(-1)!.id };
    }
    expect(pages.map((p) => p.length)).toEqual([10, 10, 5]);
    expect(pages.flat()).toEqual(beats.map((b) => b.time));
    expect(await activityAdmin.heartbeatCount(user)).toBe(25);

    const admin = dynamoAccountAdmin(dynamo.doc, ACCOUNTS_TABLE);
    await admin.revokeAllAccess(user.id);
    expect(await dynamoAccounts(dynamo.doc, ACCOUNTS_TABLE).findByKeyHash(sha256(key))).toBeNull();
    await activityAdmin.deleteAll(user);
    await admin.deleteAccountRows(user.id);
    await admin.deleteAccountRows(user.id); // idempotent
    expect(await itemsOf(ACTIVITY_TABLE, `LOG#${user.id}`)).toEqual([]);
    expect(await itemsOf(ACTIVITY_TABLE, `USER#${user.id}`)).toEqual([]);
    expect(await itemsOf(ACCOUNTS_TABLE, `USER#${user.id}`)).toEqual([]);
    expect(await itemsOf(ACCOUNTS_TABLE, `USERNAME#${user.username.toLowerCase()}`)).toEqual([]);
    expect(await admin.findUser(user.id)).toBeNull();
    expect(await activityAdmin.heartbeatCount(bystander.user)).toBe(5);
    expect(await admin.findUser(bystander.user.id)).not.toBeNull();
  });

  it("reports rebuild progress after a settings change until the rebuild is done", async () => {
    const { user } = await createUser(dynamo.doc);
    const activity = dynamoActivity(dynamo.doc, { table: ACTIVITY_TABLE });
    const activityAdmin = dynamoActivityAdmin(dynamo.doc, { table: ACTIVITY_TABLE });
    await activity.ingest(user, aRun(T0, 4, 60));
    expect(await activityAdmin.recomputeProgress(user)).toBeNull();
    const moved = { ...user, timeZone: "Asia/Tokyo" };
    expect(await activityAdmin.recomputeProgress(moved)).toEqual({ done: 0, total: 1 });
    expect(await activityAdmin.adoptSettings(moved)).toBeNull(); // small history: done within the budget
    expect(await activityAdmin.recomputeProgress(moved)).toBeNull();
  });
});
