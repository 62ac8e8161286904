/** The DynamoDB accounts store against dynalite: keys by digest, idempotent creation, ownership. */
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { dynamoAccounts } from "../src/dynamo/accounts.ts";
import { ACCOUNTS_TABLE, localDynamo, sha256 } from "./helpers.ts";

let dynamo: Awaited<ReturnType<typeof localDynamo>>;
beforeAll(async () => {
  dynamo = await localDynamo();
});
afterAll(() => dynamo?.close());

describe("accounts", () => {
  it("creates a user with a key once, and finds them by the key's digest", async () => {
    const accounts = dynamoAccounts(dynamo.doc, ACCOUNTS_TABLE);
    const key = `waka_${crypto.randomUUID()}`;
    const input = { username: `dev_${crypto.randomUUID().slice(0, 6)}`, keyHash: sha256(key), label: "local", timeZone: "Europe/Berlin" };
    const user = await accounts.ensureUserWithKey(input);
    expect(user).toMatchObject({ username: input.username, timeZone: "Europe/Berlin", keystrokeTimeoutMinutes: 15 });
    expect(await accounts.ensureUserWithKey(input)).toEqual(user);
    const found = await accounts.findByKeyHash(sha256(key));
    expect(found).toMatchObject({ user, scope: "full" });
    expect(await accounts.findByKeyHash(sha256("waka_not-a-key"))).toBeNull();
  });

  it("adds a second key to an existing username, and refuses a key that belongs to someone else", async () => {
    const accounts = dynamoAccounts(dynamo.doc, ACCOUNTS_TABLE);
    const [k1, k2] = [`waka_${crypto.randomUUID()}`, `waka_${crypto.randomUUID()}`];
    const name = `dev_${crypto.randomUUID().slice(0, 6)}`;
    const a = await accounts.ensureUserWithKey({ username: name, keyHash: sha256(k1), label: "one", timeZone: "UTC" });
    // Usernames are claimed case-insensitively.
    const b = await accounts.ensureUserWithKey({ username: name.toUpperCase(), keyHash: sha256(k2), label: "two", timeZone: "UTC" });
    expect(b.id).toBe(a.id);
    expect((await accounts.findByKeyHash(sha256(k2)))!.user.id).toBe(a.id);
    await expect(accounts.ensureUserWithKey({ username: `other_${crypto.randomUUID().slice(0, 6)}`, keyHash: sha256(k1), label: "x", timeZone: "UTC" })).rejects.toThrow(/another user/);
  });
});
