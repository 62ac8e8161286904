/**
 * Better Auth's DynamoDB adapter (src/auth/dynamo-adapter.ts) on dynalite, through Better
 * Auth's own factory-wrapped adapter: the queries Kodo's sign-in makes, where clauses checked
 * on what keys find, unique claims, single-use consumption under a race, and refusal of
 * queries with no key (no Scan).
 */
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { getAuthTables } from "better-auth/db";
import type { BetterAuthOptions } from "better-auth";
import { dynamoAuthAdapter } from "../src/auth/dynamo-adapter.ts";
import { allItems, ACCOUNTS_TABLE, localDynamo } from "./helpers.ts";

let dynamo: Awaited<ReturnType<typeof localDynamo>>;
const options: BetterAuthOptions = {
  user: { fields: { name: "displayName" }, additionalFields: { username: { type: "string", required: false, input: false } } },
  advanced: { database: { generateId: () => crypto.randomUUID() } },
};
let adapter: ReturnType<ReturnType<typeof dynamoAuthAdapter>>;

beforeAll(async () => {
  dynamo = await localDynamo();
  adapter = dynamoAuthAdapter({ doc: dynamo.doc, table: ACCOUNTS_TABLE })(options);
});
afterAll(async () => dynamo?.close());

const now = () => new Date();
async function newUser(email = `u-${crypto.randomUUID().slice(0, 8)}@example.com`) {
  return adapter.create<Record<string, unknown>, { id: string; email: string; name: string; username: string }>({
    model: "user",
    data: { email, name: "Ada", emailVerified: false, username: email.split("@")[0], createdAt: now(), updatedAt: now() },
  });
}

describe("Better Auth's DynamoDB adapter", () => {
  it("stores the user as Kodo's profile item, finds it by id and by email, and keeps the email and username unique", async () => {
    expect(getAuthTables(options).user).toBeDefined();
    const u = await newUser("Ada.L@example.com");
    const items = (await allItems(dynamo.endpoint)).map((i) => i.item);
    expect(items.find((i) => i.pk === `USER#${u.id}` && i.sk === "PROFILE")).toMatchObject({ id: u.id, displayName: "Ada", email: "Ada.L@example.com", username: "Ada.L" });
    expect(items.find((i) => i.pk === "USERNAME#ada.l")).toMatchObject({ userId: u.id });
    expect(await adapter.findOne({ model: "user", where: [{ field: "email", value: "Ada.L@example.com" }] })).toMatchObject({ id: u.id, name: "Ada" });
    expect(await adapter.findOne({ model: "user", where: [{ field: "id", value: u.id }] })).toMatchObject({ email: "Ada.L@example.com" });
    expect(await adapter.findOne({ model: "user", where: [{ field: "email", value: "nobody@example.com" }] })).toBeNull();
    await expect(newUser("Ada.L@example.com")).rejects.toThrow(/taken/);
  });

  it("finds a session by token with its user (join), lists a user's sessions, updates and deletes by token", async () => {
    const u = await newUser();
    const expiresAt = new Date(Date.now() + 86_400_000);
    for (const token of ["tok-a", "tok-b"]) {
      await adapter.create({ model: "session", data: { token: `${token}-${u.id}`, userId: u.id, expiresAt, createdAt: now(), updatedAt: now(), ipAddress: "", userAgent: "" } });
    }
    const found = await adapter.findOne<{ token: string; user: { id: string } }>({ model: "session", where: [{ field: "token", value: `tok-a-${u.id}` }], join: { user: true } });
    expect(found).toMatchObject({ token: `tok-a-${u.id}`, user: { id: u.id } });
    const live = await adapter.findMany({ model: "session", where: [{ field: "userId", value: u.id }, { field: "expiresAt", value: new Date(), operator: "gt" }] });
    expect(live).toHaveLength(2);
    const later = new Date(Date.now() + 2 * 86_400_000);
    const updated = await adapter.update<{ expiresAt: Date }>({ model: "session", where: [{ field: "token", value: `tok-a-${u.id}` }], update: { expiresAt: later } });
    expect(updated!.expiresAt.toISOString()).toBe(later.toISOString());
    await adapter.delete({ model: "session", where: [{ field: "token", value: `tok-a-${u.id}` }] });
    expect(await adapter.findOne({ model: "session", where: [{ field: "token", value: `tok-a-${u.id}` }] })).toBeNull();
    expect(await adapter.count({ model: "session", where: [{ field: "userId", value: u.id }] })).toBe(1);
    // The session's items carry a TTL past its expiry, and its token index went with it.
    const items = (await allItems(dynamo.endpoint)).map((i) => i.item);
    expect(items.some((i) => String(i.pk) === `SESSION_TOKEN#tok-a-${u.id}`)).toBe(false);
    expect(items.find((i) => String(i.pk) === `SESSION_TOKEN#tok-b-${u.id}`)!.ttl).toBeGreaterThan(Date.now() / 1000);
  });

  it("finds a provider account by provider and account id", async () => {
    const u = await newUser();
    await adapter.create({ model: "account", data: { providerId: "google", accountId: "g-1", userId: u.id, createdAt: now(), updatedAt: now() } });
    await adapter.create({ model: "account", data: { providerId: "amazon", accountId: "g-1", userId: u.id, createdAt: now(), updatedAt: now() } });
    const a = await adapter.findOne({ model: "account", where: [{ field: "accountId", value: "g-1" }, { field: "providerId", value: "amazon" }] });
    expect(a).toMatchObject({ providerId: "amazon", userId: u.id });
    expect(await adapter.findMany({ model: "account", where: [{ field: "userId", value: u.id }] })).toHaveLength(2);
  });

  it("consumes a verification once, whichever of many racing callers gets it", async () => {
    const v = await adapter.create<Record<string, unknown>, { id: string }>({
      model: "verification",
      data: { identifier: "race-1", value: JSON.stringify({ email: "race@example.com" }), expiresAt: new Date(Date.now() + 600_000), createdAt: now(), updatedAt: now() },
    });
    const results = await Promise.all(Array.from({ length: 8 }, () => adapter.consumeOne({ model: "verification", where: [{ field: "id", value: v.id }] })));
    expect(results.filter((r) => r !== null)).toHaveLength(1);
    expect(await adapter.findMany({ model: "verification", where: [{ field: "identifier", value: "race-1" }] })).toEqual([]);
    // Its index items went too (the address's partition holds none of it).
    const items = (await allItems(dynamo.endpoint)).map((i) => i.item);
    expect(items.filter((i) => i.ref === v.id)).toEqual([]);
  });

  it("refuses a query that no key can answer (Kodo's IAM role has no Scan)", async () => {
    await expect(adapter.findMany({ model: "user", where: [{ field: "displayName", value: "Ada" }] })).rejects.toThrow(/can only be looked up by id/);
    await expect(adapter.deleteMany({ model: "verification", where: [{ field: "expiresAt", value: new Date(), operator: "lt" }] })).rejects.toThrow(/can only be looked up/);
  });

  it("checks every clause on what the key found (a key narrows, never decides)", async () => {
    const u = await newUser();
    expect(await adapter.findOne({ model: "user", where: [{ field: "id", value: u.id }, { field: "email", value: "other@example.com" }] })).toBeNull();
    expect(await adapter.update({ model: "user", where: [{ field: "id", value: u.id }, { field: "emailVerified", value: true }], update: { name: "X" } })).toBeNull();
    expect(await adapter.findOne({ model: "user", where: [{ field: "id", value: u.id }] })).toMatchObject({ name: "Ada" });
  });
});
