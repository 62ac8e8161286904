/**
 * Relay end to end on the AWS build: `npm run sam:local` (the Lambda bundle, dynalite, and the
 * relay's scheduled drain run on an interval as EventBridge runs it on AWS) forwarding to a
 * second sam:local with its own DynamoDB, through a recording proxy on loopback
 * (KODO_ALLOW_LOOPBACK_IMPORT=1 lets the relay reach loopback, as for remote import). The same
 * proofs as worker/e2e/relay.test.ts: every accepted heartbeat arrives upstream exactly once,
 * duplicates are never forwarded, an outage of the upstream (stopped, its port closed) is
 * ridden out and everything queued arrives once after it, and a client's request time does
 * not change while the upstream hangs (accepts the connection, never answers).
 */
import { createServer as createTcpServer, type Socket } from "node:net";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { RecordingProxy } from "../../core/contract/recording-proxy.ts";
import { createUser, localDynamo, startRunner, type RunnerProcess } from "./helpers.ts";

let kodoDb: Awaited<ReturnType<typeof localDynamo>>;
let upstreamDb: Awaited<ReturnType<typeof localDynamo>>;
let kodo: RunnerProcess;
let upstream: RunnerProcess;
let proxy: RecordingProxy;
let alice: { key: string };
let bob: { key: string };
let carol: { key: string };
let aliceUp: { key: string };
const hungSockets: Socket[] = [];
const hung = createTcpServer((s) => hungSockets.push(s));
let hungPort: number;

const KODO_VARS = { KODO_ALLOW_LOOPBACK_IMPORT: "1", KODO_RELAY_SECRET: "e2e-relay-secret-0123456789abcdef", KODO_RELAY_RETRY_BASE_SECONDS: "1", KODO_RELAY_DRAIN_SECONDS: "1" };

beforeAll(async () => {
  [kodoDb, upstreamDb] = await Promise.all([localDynamo(), localDynamo()]);
  upstream = await startRunner(upstreamDb.endpoint);
  kodo = await startRunner(kodoDb.endpoint, KODO_VARS);
  [alice, bob, carol] = await Promise.all([createUser(kodoDb.doc), createUser(kodoDb.doc), createUser(kodoDb.doc)]);
  aliceUp = await createUser(upstreamDb.doc);
  proxy = new RecordingProxy(await freeLoopbackPort(), upstream.url);
  await proxy.up();
  await new Promise<void>((resolve) => hung.listen(0, "127.0.0.1", resolve));
  hungPort = (hung.address() as { port: number }).port;
}, 180_000);

afterAll(async () => {
  for (const s of hungSockets) s.destroy();
  hung.close();
  await proxy?.down();
  await kodo?.stop();
  await upstream?.stop();
  await kodoDb?.close();
  await upstreamDb?.close();
});

const auth = (key: string) => ({ authorization: `Basic ${btoa(key)}`, "content-type": "application/json" });

async function send(key: string, beats: unknown[]) {
  const res = await fetch(`${kodo.url}/api/v1/users/current/heartbeats.bulk`, { method: "POST", headers: { ...auth(key), "x-machine-name": "laptop" }, body: JSON.stringify(beats) });
  expect(res.status).toBe(201);
  return ((await res.json()) as { responses: [unknown, number][] }).responses.map((r) => r[1]);
}

async function relayStatus(key: string) {
  return ((await (await fetch(`${kodo.url}/api/kodo/account/relay`, { headers: auth(key) })).json()) as { data: Record<string, any> }).data;
}

async function upstreamEntities(day: string): Promise<string[]> {
  const res = await fetch(`${upstream.url}/api/v1/users/current/heartbeats?date=${day}`, { headers: auth(aliceUp.key) });
  return ((await res.json()) as { data: { entity: string; time: number }[] }).data.map((h) => `${h.entity}@${h.time}`);
}

const base = Math.floor(Date.now() / 1000 / 86_400) * 86_400 - 86_400 + 3_600; // yesterday, 01:00 UTC
const day = new Date(base * 1000).toISOString().slice(0, 10);
const beat = (i: number) => ({ entity: `/src/file${i}.ts`, type: "file", category: "coding", time: base + i * 30, project: "relay", language: "TypeScript", is_write: i % 3 === 0 });
const range = (from: number, to: number) => Array.from({ length: to - from }, (_, i) => beat(from + i));

function expectEachOnce(expected: { entity: string; time: number }[]) {
  for (const hb of expected) expect(proxy.seen.get(`${hb.entity}@${hb.time}`), `${hb.entity}@${hb.time}`).toBe(1);
  expect(proxy.seen.size).toBe(expected.length);
}

describe("relay from the AWS build to a second Kodo", () => {
  it("forwards every accepted heartbeat exactly once, never a duplicate", { timeout: 60_000 }, async () => {
    const put = await fetch(`${kodo.url}/api/kodo/account/relay`, { method: "PUT", headers: auth(alice.key), body: JSON.stringify({ url: `http://127.0.0.1:${proxy.port}/api/v1`, key: aliceUp.key }) });
    expect(put.status).toBe(200);
    expect(await send(alice.key, range(0, 10))).toEqual(Array(10).fill(201));
    expect(await send(alice.key, [...range(5, 10), ...range(10, 20)])).toEqual([...Array(5).fill(202), ...Array(10).fill(201)]);
    expect(await send(alice.key, range(20, 30))).toEqual(Array(10).fill(201));
    await expect.poll(() => upstreamEntities(day).then((e) => e.length), { timeout: 30_000 }).toBe(30);
    await expect.poll(() => relayStatus(alice.key).then((s) => s.queued), { timeout: 10_000 }).toBe(0);
    // Duplicates sent to Kodo later are not forwarded again.
    expect(await send(alice.key, range(0, 30))).toEqual(Array(30).fill(202));
    await new Promise((r) => setTimeout(r, 2_500));
    expectEachOnce(range(0, 30));
    expect((await upstreamEntities(day)).sort()).toEqual(range(0, 30).map((h) => `${h.entity}@${h.time}`).sort());
    expect(await relayStatus(alice.key)).toMatchObject({ queued: 0, forwarded: 30, dropped: 0, failures: 0, last_error: null });
  });

  it("keeps what the upstream could not take while it was down, and delivers it once when it is back", { timeout: 180_000 }, async () => {
    await proxy.down();
    await upstream.stop();
    expect(await send(alice.key, range(30, 45))).toEqual(Array(15).fill(201));
    expect(await send(alice.key, [...range(40, 45), ...range(45, 50)])).toEqual([...Array(5).fill(202), ...Array(5).fill(201)]);
    await expect.poll(() => relayStatus(alice.key).then((s) => s.failures), { timeout: 30_000 }).toBeGreaterThanOrEqual(2);
    const during = await relayStatus(alice.key);
    expect(during).toMatchObject({ queued: 20, last_error: expect.stringMatching(/Could not connect/) });
    expect(during.last_error_at).not.toBeNull();
    expect(Date.parse(during.next_attempt_at)).toBeGreaterThan(Date.parse(during.last_error_at));

    // The upstream Kodo comes back (a new process on the same DynamoDB), the proxy on its port.
    upstream = await startRunner(upstreamDb.endpoint);
    proxy.target = upstream.url;
    await proxy.up();
    await expect.poll(() => upstreamEntities(day).then((e) => e.length), { timeout: 60_000 }).toBe(50);
    await expect.poll(() => relayStatus(alice.key).then((s) => s.queued), { timeout: 10_000 }).toBe(0);
    expectEachOnce(range(0, 50));
    const after = await relayStatus(alice.key);
    expect(after).toMatchObject({ forwarded: 50, failures: 0, dropped: 0 });
    expect(Date.parse(after.last_success_at)).toBeGreaterThan(Date.parse(during.last_error_at));
  });

  it("does not slow the client's requests while the upstream hangs", { timeout: 60_000 }, async () => {
    const put = await fetch(`${kodo.url}/api/kodo/account/relay`, { method: "PUT", headers: auth(bob.key), body: JSON.stringify({ url: `http://127.0.0.1:${hungPort}/api/v1`, key: aliceUp.key }) });
    expect(put.status).toBe(200);
    // Warm both users, and start bob's relay: its send connects and gets no answer.
    await send(carol.key, [beat(1000)]);
    await send(bob.key, [beat(1000)]);
    await expect.poll(() => hungSockets.length, { timeout: 15_000 }).toBeGreaterThan(0);
    const timings = { relay: [] as number[], none: [] as number[] };
    for (let i = 0; i < 15; i++) {
      for (const [who, list] of [[bob, timings.relay], [carol, timings.none]] as const) {
        const started = performance.now();
        await send(who.key, [beat(1001 + i)]);
        list.push(performance.now() - started);
      }
    }
    const median = (xs: number[]) => [...xs].sort((a, b) => a - b)[Math.floor(xs.length / 2)]!;
    const figures = { relayMedianMs: median(timings.relay), noRelayMedianMs: median(timings.none), relayMaxMs: Math.max(...timings.relay), noRelayMaxMs: Math.max(...timings.none) };
    console.log("AWS ingest latency with a hanging relay upstream vs none:", JSON.stringify(figures));
    // The relay's request is still out (10 s timeout) during all of this.
    expect((await relayStatus(bob.key)).queued).toBe(16);
    // Same order of time: a waiting request would take the upstream's 10 s timeout.
    expect(figures.relayMedianMs).toBeLessThan(figures.noRelayMedianMs * 2 + 25);
    expect(figures.relayMaxMs).toBeLessThan(2_000);
    // Then the hung attempt times out and is recorded as a failure, with the queue kept.
    await expect.poll(() => relayStatus(bob.key).then((s) => s.last_error), { timeout: 30_000 }).toMatch(/did not answer within 10 s/);
    expect((await relayStatus(bob.key)).queued).toBe(16);
  });
});

async function freeLoopbackPort(): Promise<number> {
  const s = createTcpServer();
  await new Promise<void>((resolve) => s.listen(0, "127.0.0.1", resolve));
  const port = (s.address() as { port: number }).port;
  await new Promise((resolve) => s.close(resolve));
  return port;
}
