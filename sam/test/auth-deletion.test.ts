/**
 * Deleting an account on AWS removes every item of the user from every table, sign-in items
 * included: sessions (and their token items), provider accounts, pending sign-in links, the
 * per-address sign-in limit and local outbox mails. Sign-in runs in process here with its
 * limits on (the contract suite runs over HTTP with them off, as local setups do); afterwards
 * a scan of every table finds nothing naming the user, and another user's items are intact.
 */
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { awsAuth, CLIENT_IP_HEADER } from "../src/auth/better-auth.ts";
import { dynamoAccountAdmin } from "../src/dynamo/account-admin.ts";
import { dynamoActivityAdmin } from "../src/dynamo/activity-admin.ts";
import { ACCOUNTS_TABLE, ACTIVITY_TABLE, allItems, localDynamo } from "./helpers.ts";

const ORIGIN = "https://kodo.test";
let dynamo: Awaited<ReturnType<typeof localDynamo>>;
let auth: NonNullable<ReturnType<typeof awsAuth>>;

beforeAll(async () => {
  dynamo = await localDynamo();
  auth = awsAuth(
    { BETTER_AUTH_SECRET: "deletion-test-secret-0123456789abcdef0123", BETTER_AUTH_URL: ORIGIN, KODO_LOCAL_OUTBOX: "1", AUTH_RATE_LIMIT: "on" },
    dynamo.doc,
    ACCOUNTS_TABLE,
  )!;
});
afterAll(async () => dynamo?.close());

async function call(path: string, init: RequestInit = {}) {
  const headers = new Headers(init.headers);
  headers.set(CLIENT_IP_HEADER, "198.51.100.7");
  headers.set("origin", ORIGIN);
  if (init.body) headers.set("content-type", "application/json");
  return (await auth.made()).auth.handler(new Request(`${ORIGIN}${path}`, { ...init, headers }));
}

async function signIn(email: string): Promise<{ userId: string; token: string }> {
  expect((await call("/api/auth/sign-in/magic-link", { method: "POST", body: JSON.stringify({ email, callbackURL: "/" }) })).status).toBe(200);
  const link = (await auth.outbox!.newestFirst()).find((m) => m.recipient === email)!.link!;
  const res = await call(new URL(link).pathname + new URL(link).search);
  expect(res.status).toBe(302);
  const cookie = res.headers.getSetCookie().find((c) => c.startsWith("__Secure-kodo.session_token="))!.split(";")[0]!;
  const session = (await (await call("/api/auth/get-session", { headers: { cookie } })).json()) as { user: { id: string }; session: { token: string } };
  return { userId: session.user.id, token: session.session.token };
}

describe("account deletion on DynamoDB", () => {
  it("leaves no item of the user in any table (sessions, links, limits, outbox included); others stay", async () => {
    const email = "erase.me@example.com";
    const other = await signIn("keep.me@example.com");
    const gone = await signIn(email);
    await signIn(email); // a second session
    // A pending link and the per-address limit's window, both keyed by the address.
    expect((await call("/api/auth/sign-in/magic-link", { method: "POST", body: JSON.stringify({ email, callbackURL: "/" }) })).status).toBe(200);
    const traces = [gone.userId, email, "erase-me", gone.token].map((t) => t.toLowerCase());
    const before = (await allItems(dynamo.endpoint)).map((i) => JSON.stringify(i.item).toLowerCase());
    for (const t of traces) expect(before.some((r) => r.includes(t)), t).toBe(true);
    expect(before.some((r) => r.includes(`rate#email|${email}`))).toBe(true);

    const accounts = dynamoAccountAdmin(dynamo.doc, ACCOUNTS_TABLE);
    const user = (await accounts.findUser(gone.userId))!;
    await accounts.revokeAllAccess(gone.userId);
    await dynamoActivityAdmin(dynamo.doc, { table: ACTIVITY_TABLE }).deleteAll(user);
    await accounts.deleteAccountRows(gone.userId);

    const after = await allItems(dynamo.endpoint);
    for (const t of traces) expect(after.filter((i) => JSON.stringify(i.item).toLowerCase().includes(t)).map((i) => i.item), t).toEqual([]);
    // The other user keeps the profile and the session.
    expect(after.some((i) => i.item.pk === `USER#${other.userId}` && i.item.sk === "PROFILE")).toBe(true);
    expect(after.some((i) => i.item.pk === `SESSION_TOKEN#${other.token}`)).toBe(true);
  });
});
