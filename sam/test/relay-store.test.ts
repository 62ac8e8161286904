/**
 * The relay on DynamoDB against dynalite (src/dynamo/relay.ts): the key sealed at rest, only
 * newly stored heartbeats queued, the drain's lease (two drains at once never send a batch
 * twice), backoff after failures, refused items dropped, the 7-day limit, and the queue gone
 * with the relay, a new URL, or the account. The upstream is a real HTTP server on loopback
 * answering as WakaTime's bulk route does.
 */
import { createServer, type Server } from "node:http";
import type { AddressInfo } from "node:net";
import { afterAll, beforeAll, beforeEach, describe, expect, it } from "vitest";
import { GetCommand, QueryCommand } from "@aws-sdk/lib-dynamodb";
import { openSecret, RELAY_MAX_AGE_SECONDS, type Heartbeat, type RelayStore, type User } from "@kodo/core";
import { aHeartbeat, T0 } from "../../core/src/testing/builders.ts";
import { dynamoActivity } from "../src/dynamo/activity.ts";
import { dynamoActivityAdmin } from "../src/dynamo/activity-admin.ts";
import { drainRelays, type DrainOptions } from "../src/dynamo/relay.ts";
import { lambdaOutbound } from "../src/outbound.ts";
import { ACTIVITY_TABLE, createUser, localDynamo } from "./helpers.ts";
import { dynamoRelay } from "../src/dynamo/relay.ts";

const SECRET = "relay-test-secret-0123456789abcdef";
let dynamo: Awaited<ReturnType<typeof localDynamo>>;
let clock = T0 + 86_400;
const now = () => clock;

/** The upstream: records each heartbeat it is sent; answers with `answer` (default: all 201). */
let upstream: Server;
let upstreamUrl: string;
let received: { entity: string; time: number; auth: string; machine: string | undefined }[] = [];
let requests = 0;
let answer: (count: number) => { status: number; body: unknown } = (count) => ({ status: 201, body: { responses: Array.from({ length: count }, () => [{}, 201]) } });
let delayMs = 0;

beforeAll(async () => {
  dynamo = await localDynamo();
  upstream = createServer((req, res) => {
    const chunks: Buffer[] = [];
    req.on("data", (c: Buffer) => chunks.push(c));
    req.on("end", () => {
      requests++;
      const beats = JSON.parse(Buffer.concat(chunks).toString()) as { entity: string; time: number }[];
      const { status, body } = answer(beats.length);
      if (status >= 200 && status < 300) for (const b of beats) received.push({ entity: b.entity, time: b.time, auth: String(req.headers.authorization), machine: req.headers["x-machine-name"] as string | undefined });
      setTimeout(() => res.writeHead(status, { "content-type": "application/json" }).end(JSON.stringify(body)), delayMs);
    });
  });
  await new Promise<void>((resolve) => upstream.listen(0, "127.0.0.1", resolve));
  upstreamUrl = `http://127.0.0.1:${(upstream.address() as AddressInfo).port}/api/v1`;
});
afterAll(async () => {
  upstream?.close();
  await dynamo?.close();
});
beforeEach(() => {
  received = [];
  requests = 0;
  delayMs = 0;
  answer = (count) => ({ status: 201, body: { responses: Array.from({ length: count }, () => [{}, 201]) } });
});

const relayStore = (): RelayStore => dynamoRelay(dynamo.doc, { table: ACTIVITY_TABLE, secret: SECRET, now })!;
const activity = () => dynamoActivity(dynamo.doc, { table: ACTIVITY_TABLE, relay: true, now });
const drainOptions = (over: Partial<DrainOptions> = {}): DrainOptions => ({
  table: ACTIVITY_TABLE,
  secret: SECRET,
  outbound: lambdaOutbound({ KODO_ALLOW_LOOPBACK_IMPORT: "1" }),
  retryBaseSeconds: 30,
  deadlineMs: Date.now() + 60_000,
  now,
  ...over,
});
/** A drain, which must meet no error of its own (they would only be logged). */
async function drain(over: Partial<DrainOptions> = {}) {
  const report = await drainRelays(dynamo.doc, drainOptions(over));
  expect(report.errors).toBe(0);
  return report;
}
const beats = (from: number, to: number, over: Partial<Heartbeat> = {}) => Array.from({ length: to - from }, (_, i) => aHeartbeat({ entity: `/src/f${from + i}.ts`, time: T0 + (from + i) * 30, ...over }));
const sentKeys = () => received.map((r) => `${r.entity}@${r.time}`);
const keysOf = (hbs: Heartbeat[]) => hbs.map((h) => `${h.entity}@${h.time}`);

async function withRelay(): Promise<{ user: User; key: string }> {
  const { user } = await createUser(dynamo.doc);
  const key = `waka_${crypto.randomUUID()}`;
  await relayStore().set(user, { url: upstreamUrl, key });
  return { user, key };
}

async function partitionItems(userId: string, prefix: string) {
  const res = await dynamo.doc.send(
    new QueryCommand({ TableName: ACTIVITY_TABLE, KeyConditionExpression: "pk = :pk AND begins_with(sk, :p)", ExpressionAttributeValues: { ":pk": `USER#${userId}`, ":p": prefix }, ConsistentRead: true }),
  );
  return res.Items ?? [];
}
const dueMark = async (userId: string) => (await dynamo.doc.send(new GetCommand({ TableName: ACTIVITY_TABLE, Key: { pk: "RELAYDUE", sk: userId }, ConsistentRead: true }))).Item;

describe("relay setting", () => {
  it("is not offered without a secret of at least 16 characters", () => {
    expect(dynamoRelay(dynamo.doc, { table: ACTIVITY_TABLE, secret: undefined })).toBeUndefined();
    expect(dynamoRelay(dynamo.doc, { table: ACTIVITY_TABLE, secret: "short" })).toBeUndefined();
  });

  it("stores the key sealed for its user and shows only its last four characters", async () => {
    const { user, key } = await withRelay();
    const [item] = await partitionItems(user.id, "RELAY");
    expect(JSON.stringify(item)).not.toContain(key);
    expect(await openSecret(SECRET, user.id, String(item!.sealedKey))).toBe(key);
    expect(await openSecret(SECRET, "someone-else", String(item!.sealedKey))).toBeNull();
    expect(await relayStore().status(user)).toMatchObject({ url: upstreamUrl, keyHint: key.slice(-4), queued: 0, forwarded: 0, dropped: 0, failures: 0, lastError: null, nextAttemptAt: null });
  });
});

describe("queue and drain", () => {
  it("queues only newly stored heartbeats and forwards each exactly once, with the key and machine", async () => {
    const { user, key } = await withRelay();
    const store = activity();
    const first = beats(0, 10, { machine: "laptop" });
    expect(await store.ingest(user, first)).toEqual(Array(10).fill("created"));
    expect(await store.ingest(user, [...first.slice(5), ...beats(10, 15, { machine: "laptop" })])).toEqual([...Array(5).fill("duplicate"), ...Array(5).fill("created")]);
    expect(await relayStore().status(user)).toMatchObject({ queued: 15, nextAttemptAt: expect.any(Number) });
    expect(await dueMark(user.id)).toBeDefined();

    // Not due before the gather delay; then everything goes, once.
    expect((await drain()).batches).toBe(0);
    clock += 2;
    expect(await drain()).toMatchObject({ users: 1, forwarded: 15 });
    expect(sentKeys().sort()).toEqual(keysOf(beats(0, 15)).sort());
    expect(received.every((r) => r.auth === `Basic ${btoa(key)}` && r.machine === "laptop")).toBe(true);
    expect(await relayStore().status(user)).toMatchObject({ queued: 0, forwarded: 15, failures: 0, lastError: null, lastSuccessAt: clock, nextAttemptAt: null });
    expect(await dueMark(user.id)).toBeUndefined();

    // Duplicates sent again later are never queued; nothing more goes.
    expect(await store.ingest(user, beats(0, 15, { machine: "laptop" }))).toEqual(Array(15).fill("duplicate"));
    clock += 2;
    expect((await drain()).batches).toBe(0);
    expect(received).toHaveLength(15);
  });

  it("sends batches of at most 100 heartbeats of one machine each", async () => {
    const { user } = await withRelay();
    await activity().ingest(user, [...beats(0, 150, { machine: "a" }), ...beats(150, 160, { machine: "b" })]);
    clock += 2;
    expect(await drain()).toMatchObject({ batches: 3, forwarded: 160 });
    expect(requests).toBe(3);
    expect(received.filter((r) => r.machine === "b")).toHaveLength(10);
    expect(new Set(sentKeys()).size).toBe(160);
  });

  it("never sends a batch twice when drains run at once (the lease), and skips a user another drain holds", async () => {
    const { user } = await withRelay();
    await activity().ingest(user, beats(0, 40));
    clock += 2;
    delayMs = 200;
    const reports = await Promise.all([drain(), drain(), drain()]);
    expect(reports.reduce((n, r) => n + r.forwarded, 0)).toBe(40);
    expect(reports.filter((r) => r.users === 1)).toHaveLength(1);
    expect(sentKeys().sort()).toEqual(keysOf(beats(0, 40)).sort());
  });

  it("backs off while the upstream fails, keeps the queue, and delivers it once when the upstream is back", async () => {
    const { user } = await withRelay();
    await activity().ingest(user, beats(0, 5));
    clock += 2;
    answer = () => ({ status: 503, body: { error: "down for maintenance" } });
    expect(await drain()).toMatchObject({ failures: 1, forwarded: 0 });
    let status = (await relayStore().status(user))!;
    expect(status).toMatchObject({ queued: 5, failures: 1, lastError: "upstream answered 503: down for maintenance", lastErrorAt: clock });
    expect(status.nextAttemptAt! - clock).toBeGreaterThanOrEqual(27);
    expect(status.nextAttemptAt! - clock).toBeLessThanOrEqual(33);
    // Not due before the backoff ends, also not for heartbeats queued meanwhile.
    await activity().ingest(user, beats(5, 8));
    clock += 10;
    expect((await drain()).batches).toBe(0);
    clock += 25;
    expect(await drain()).toMatchObject({ failures: 1 });
    status = (await relayStore().status(user))!;
    expect(status.failures).toBe(2);
    expect(status.nextAttemptAt! - clock).toBeGreaterThanOrEqual(54); // doubled
    // Connection refused is a failure too, with its own message.
    const refusedUrl = await closedPortUrl();
    await relayStore().set(user, { url: upstreamUrl, key: `waka_${crypto.randomUUID()}` }); // same URL: retries at once, queue kept
    expect(await relayStore().status(user)).toMatchObject({ queued: 8, failures: 0 });
    answer = (count) => ({ status: 201, body: { responses: Array.from({ length: count }, () => [{}, 201]) } });
    expect(await drain()).toMatchObject({ forwarded: 8 });
    expect(sentKeys().sort()).toEqual(keysOf(beats(0, 8)).sort());
    expect(await relayStore().status(user)).toMatchObject({ queued: 0, failures: 0, forwarded: 8 });

    const other = await createUser(dynamo.doc);
    await relayStore().set(other.user, { url: refusedUrl, key: "waka_refused-key" });
    await activity().ingest(other.user, beats(0, 2));
    clock += 2;
    await drain();
    expect(await relayStore().status(other.user)).toMatchObject({ queued: 2, failures: 1, lastError: expect.stringMatching(/Could not connect/) });
  });

  it("drops what the upstream refuses (per item or whole batch) and what waited 7 days, recording why", async () => {
    const { user } = await withRelay();
    await activity().ingest(user, beats(0, 4));
    clock += 2;
    answer = (count) => ({ status: 201, body: { responses: Array.from({ length: count }, (_, i) => (i === 1 ? [{ error: "bad entity" }, 400] : [{}, 201])) } });
    await drain();
    expect(await relayStore().status(user)).toMatchObject({ queued: 0, forwarded: 3, dropped: 1, lastError: "upstream refused a heartbeat (400: bad entity)" });

    answer = () => ({ status: 422, body: { error: "no" } });
    await activity().ingest(user, beats(4, 6));
    clock += 2;
    await drain();
    expect(await relayStore().status(user)).toMatchObject({ queued: 0, forwarded: 3, dropped: 3, failures: 0, lastError: "upstream refused the batch (422: no)" });

    answer = () => ({ status: 503, body: {} });
    await activity().ingest(user, beats(6, 9));
    clock += 2;
    await drain();
    clock += RELAY_MAX_AGE_SECONDS + 60;
    await drain();
    expect(await relayStore().status(user)).toMatchObject({ queued: 0, dropped: 6, lastError: expect.stringMatching(/3 heartbeat\(s\) dropped after waiting 7 days/) });
  });

  it("drops the queue when the relay is removed, when the URL changes, and with the account", async () => {
    const { user } = await withRelay();
    answer = () => ({ status: 503, body: {} });
    await activity().ingest(user, beats(0, 3));
    expect(await partitionItems(user.id, "RELAYQ#")).toHaveLength(3);
    expect(await relayStore().clear(user)).toBe(true);
    expect(await relayStore().clear(user)).toBe(false);
    expect(await partitionItems(user.id, "RELAY")).toHaveLength(0);
    expect(await dueMark(user.id)).toBeUndefined();
    // Without a relay nothing is queued.
    await activity().ingest(user, beats(3, 5));
    expect(await partitionItems(user.id, "RELAYQ#")).toHaveLength(0);

    await relayStore().set(user, { url: upstreamUrl, key: "waka_first-key" });
    await activity().ingest(user, beats(5, 7));
    await relayStore().set(user, { url: `${upstreamUrl}/other`, key: "waka_first-key" });
    expect(await relayStore().status(user)).toMatchObject({ queued: 0, forwarded: 0 });
    expect(await partitionItems(user.id, "RELAYQ#")).toHaveLength(0);

    await activity().ingest(user, beats(7, 9));
    expect(await partitionItems(user.id, "RELAYQ#")).toHaveLength(2);
    await dynamoActivityAdmin(dynamo.doc, { table: ACTIVITY_TABLE }).deleteAll(user);
    expect(await partitionItems(user.id, "RELAY")).toHaveLength(0);
    // The due mark left behind is removed by the next drain, which finds no relay.
    clock += 2;
    await drain();
    expect(await dueMark(user.id)).toBeUndefined();
    expect(requests).toBe(0);
  });
});

/** A loopback URL nobody listens on (a port taken and released). */
async function closedPortUrl(): Promise<string> {
  const s = createServer();
  await new Promise<void>((resolve) => s.listen(0, "127.0.0.1", resolve));
  const port = (s.address() as AddressInfo).port;
  await new Promise((resolve) => s.close(resolve));
  return `http://127.0.0.1:${port}/api/v1`;
}
