/**
 * Passkeys on AWS: Better Auth's passkey model in the DynamoDB adapter (src/auth/layout.ts), on
 * dynalite. Its look-ups are the plugin's: by id, by credentialID (sign-in: a unique claim) and
 * by userId (the list: the user's partition), all by key (no Scan); the credential id stays
 * unique; renaming, the counter update and deletion keep the index items right; deleting the
 * account removes the passkeys and their index items, and the identities list names them
 * without their keys.
 */
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import type { BetterAuthOptions, BetterAuthPlugin } from "better-auth";
import { passkey } from "@better-auth/passkey";
import { dynamoAuthAdapter } from "../src/auth/dynamo-adapter.ts";
import { deleteAuthItems } from "../src/auth/deletion.ts";
import { dynamoAccountAdmin } from "../src/dynamo/account-admin.ts";
import { allItems, ACCOUNTS_TABLE, localDynamo } from "./helpers.ts";

let dynamo: Awaited<ReturnType<typeof localDynamo>>;
const options: BetterAuthOptions = {
  user: { fields: { name: "displayName" }, additionalFields: { username: { type: "string", required: false, input: false } } },
  advanced: { database: { generateId: () => crypto.randomUUID() } },
  plugins: [passkey() as unknown as BetterAuthPlugin],
};
let adapter: ReturnType<ReturnType<typeof dynamoAuthAdapter>>;

beforeAll(async () => {
  dynamo = await localDynamo();
  adapter = dynamoAuthAdapter({ doc: dynamo.doc, table: ACCOUNTS_TABLE })(options);
});
afterAll(async () => dynamo?.close());

const now = () => new Date();
type Passkey = { id: string; userId: string; name?: string; credentialID: string; publicKey: string; counter: number; createdAt: Date };

async function newUser() {
  const email = `pk-${crypto.randomUUID().slice(0, 8)}@example.com`;
  return adapter.create<Record<string, unknown>, { id: string; email: string }>({
    model: "user",
    data: { email, name: "Pat", emailVerified: true, username: email.split("@")[0], createdAt: now(), updatedAt: now() },
  });
}

function addPasskey(userId: string, name: string, credentialID = `cred-${crypto.randomUUID()}`) {
  return adapter.create<Record<string, unknown>, Passkey>({
    model: "passkey",
    data: { name, userId, credentialID, publicKey: "cHVibGljLWtleQ==", counter: 0, deviceType: "singleDevice", backedUp: false, transports: "internal", createdAt: now(), aaguid: "00000000-0000-0000-0000-000000000000" },
  });
}

describe("passkeys in the DynamoDB adapter", () => {
  it("finds a passkey by credentialID, by id and a user's passkeys by userId, each through its own key", async () => {
    const u = await newUser();
    const other = await newUser();
    const a = await addPasskey(u.id, "Laptop");
    const b = await addPasskey(u.id, "Phone");
    await addPasskey(other.id, "Theirs");

    expect(await adapter.findOne<Passkey>({ model: "passkey", where: [{ field: "credentialID", value: a.credentialID }] })).toMatchObject({ id: a.id, userId: u.id, name: "Laptop", counter: 0 });
    expect(await adapter.findOne<Passkey>({ model: "passkey", where: [{ field: "id", value: b.id }] })).toMatchObject({ credentialID: b.credentialID });
    expect(await adapter.findOne({ model: "passkey", where: [{ field: "credentialID", value: "no-such-credential" }] })).toBeNull();
    const mine = await adapter.findMany<Passkey>({ model: "passkey", where: [{ field: "userId", value: u.id }] });
    expect(mine.map((p) => p.name).sort()).toEqual(["Laptop", "Phone"]);
    // The dates come back as dates (stored as ISO text).
    expect(mine[0]!.createdAt).toBeInstanceOf(Date);

    const items = (await allItems(dynamo.endpoint)).map((i) => i.item);
    expect(items.find((i) => i.pk === `PASSKEY#${a.id}` && i.sk === "PASSKEY")).toMatchObject({ credentialID: a.credentialID, userId: u.id });
    expect(items.find((i) => i.pk === `PASSKEY_CREDENTIAL#${a.credentialID}`)).toMatchObject({ sk: "PASSKEY_CREDENTIAL", ref: a.id });
    expect(items.find((i) => i.pk === `USER#${u.id}` && i.sk === `PASSKEY#${a.id}`)).toMatchObject({ ref: a.id });
  });

  it("keeps a credential id unique, and refuses a look-up it has no key for (no Scan)", async () => {
    const u = await newUser();
    const a = await addPasskey(u.id, "One");
    await expect(addPasskey(u.id, "Again", a.credentialID)).rejects.toThrow(/taken/);
    await expect(adapter.findMany({ model: "passkey", where: [{ field: "name", value: "One" }] })).rejects.toThrow(/looked up by id or credentialID, userId/);
    await expect(adapter.findMany({ model: "passkey", where: [] })).rejects.toThrow(/no condition/);
  });

  it("renames and counts (the sign-in's counter update) by id; deletion drops the claim and the listing", async () => {
    const u = await newUser();
    const a = await addPasskey(u.id, "Old name");
    expect(await adapter.update<Passkey>({ model: "passkey", where: [{ field: "id", value: a.id }], update: { name: "New name" } })).toMatchObject({ name: "New name" });
    expect(await adapter.update<Passkey>({ model: "passkey", where: [{ field: "id", value: a.id }], update: { counter: 7 } })).toMatchObject({ counter: 7, name: "New name" });
    expect(await adapter.findOne<Passkey>({ model: "passkey", where: [{ field: "credentialID", value: a.credentialID }] })).toMatchObject({ counter: 7 });

    await adapter.delete({ model: "passkey", where: [{ field: "id", value: a.id }] });
    expect(await adapter.findOne({ model: "passkey", where: [{ field: "credentialID", value: a.credentialID }] })).toBeNull();
    const left = (await allItems(dynamo.endpoint)).map((i) => JSON.stringify(i.item)).filter((t) => t.includes(a.id) || t.includes(a.credentialID));
    expect(left).toEqual([]);
    // The credential may be registered again (to anyone) once deleted.
    expect(await addPasskey(u.id, "Back", a.credentialID)).toMatchObject({ credentialID: a.credentialID });
  });

  it("account deletion removes every passkey item of the user; the identities list names passkeys without their keys", async () => {
    const u = await newUser();
    const other = await newUser();
    const mine = [await addPasskey(u.id, "Desk"), await addPasskey(u.id, "Pocket")];
    const theirs = await addPasskey(other.id, "Kept");

    const accounts = dynamoAccountAdmin(dynamo.doc, ACCOUNTS_TABLE);
    const identities = await accounts.listIdentities(u.id);
    expect(identities.filter((i) => i.provider === "passkey").map((i) => i.name)).toEqual(["Desk", "Pocket"]);
    expect(JSON.stringify(identities)).not.toContain("cHVibGljLWtleQ");

    await deleteAuthItems(dynamo.doc, ACCOUNTS_TABLE, u.id, u.email);
    const items = (await allItems(dynamo.endpoint)).map((i) => JSON.stringify(i.item));
    for (const p of mine) expect(items.filter((t) => t.includes(p.id) || t.includes(p.credentialID))).toEqual([]);
    expect(await adapter.findOne<Passkey>({ model: "passkey", where: [{ field: "credentialID", value: theirs.credentialID }] })).toMatchObject({ userId: other.id });
  });
});
