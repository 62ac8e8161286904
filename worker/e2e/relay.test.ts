/**
 * Relay end to end: two Kodo processes (wrangler dev on workerd, each with its own state); the
 * second is the first one's relay upstream, reached through a recording proxy on loopback
 * (KODO_ALLOW_LOOPBACK_IMPORT=1 lets the relay reach loopback, as for remote import). Proves:
 * every accepted heartbeat arrives upstream exactly once, duplicates sent to Kodo are never
 * forwarded, an upstream outage is ridden out (the upstream Kodo stopped and its proxy closed:
 * connection refused; both started again: the backoff's retry delivers everything queued,
 * once), and a client's request time does not
 * change while the relay's upstream hangs (accepts the connection, never answers).
 */
import { mkdtempSync, rmSync } from "node:fs";
import { createServer as createTcpServer, type Socket } from "node:net";
import { tmpdir } from "node:os";
import path from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { ensureUser, ensureUsers, freePort, startWorker } from "../../scripts/local-worker.mjs";
import { RecordingProxy } from "../../core/contract/recording-proxy.ts";

let kodo: Awaited<ReturnType<typeof startWorker>>;
let upstream: Awaited<ReturnType<typeof startWorker>>;
const dirs: string[] = [];
let upstreamState: string;
let upstreamPort: number;
const user = (name: string) => ({ username: `${name}_${crypto.randomUUID().slice(0, 6)}`, key: `waka_${crypto.randomUUID()}` });
const [alice, bob, carol, aliceUp] = [user("alice"), user("bob"), user("carol"), user("aliceup")];

let proxy: RecordingProxy;
/** Accepts connections and never answers. */
const hung = createTcpServer((s) => hungSockets.push(s));
const hungSockets: Socket[] = [];
let hungPort: number;

beforeAll(async () => {
  const kodoState = mkdtempSync(path.join(tmpdir(), "kodo-relay-"));
  upstreamState = mkdtempSync(path.join(tmpdir(), "kodo-relay-upstream-"));
  upstreamPort = await freePort();
  dirs.push(kodoState, upstreamState);
  // One wrangler dev after the other (two starting at once can collide on ports).
  upstream = await startWorker({ port: upstreamPort, persistTo: upstreamState });
  await ensureUser(upstreamState, aliceUp);
  kodo = await startWorker({
    port: await freePort(),
    persistTo: kodoState,
    vars: { KODO_ALLOW_LOOPBACK_IMPORT: "1", KODO_RELAY_SECRET: "e2e-relay-secret-0123456789abcdef", KODO_RELAY_RETRY_BASE_SECONDS: "1" },
  });
  await ensureUsers(kodoState, [alice, bob, carol]);
  proxy = new RecordingProxy(await freePort(), upstream.url);
  await proxy.up();
  hungPort = await freePort();
  await new Promise<void>((resolve) => hung.listen(hungPort, "127.0.0.1", resolve));
  // Two wrangler dev processes on a busy 2-core machine can take minutes to start.
}, 600_000);

afterAll(async () => {
  for (const s of hungSockets) s.destroy();
  hung.close();
  await proxy?.down();
  await kodo?.stop();
  await upstream?.stop();
  for (const d of dirs) rmSync(d, { recursive: true, force: true });
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

describe("relay to a second Kodo", () => {
  it("forwards every accepted heartbeat exactly once, never a duplicate", async () => {
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

  it("keeps what the upstream could not take while it was down, and delivers it once when it is back", { timeout: 300_000 }, async () => {
    await proxy.down();
    await upstream.stop();
    expect(await send(alice.key, range(30, 45))).toEqual(Array(15).fill(201));
    expect(await send(alice.key, [...range(40, 45), ...range(45, 50)])).toEqual([...Array(5).fill(202), ...Array(5).fill(201)]);
    await expect.poll(() => relayStatus(alice.key).then((s) => s.failures), { timeout: 30_000 }).toBeGreaterThanOrEqual(2);
    const during = await relayStatus(alice.key);
    expect(during).toMatchObject({ queued: 20, last_error: expect.stringMatching(/Could not connect/) });
    expect(during.last_error_at).not.toBeNull();
    expect(Date.parse(during.next_attempt_at)).toBeGreaterThan(Date.parse(during.last_error_at));

    upstream = await startWorker({ port: upstreamPort, persistTo: upstreamState, migrate: false });
    await proxy.up();
    await expect.poll(() => upstreamEntities(day).then((e) => e.length), { timeout: 60_000 }).toBe(50);
    await expect.poll(() => relayStatus(alice.key).then((s) => s.queued), { timeout: 10_000 }).toBe(0);
    expectEachOnce(range(0, 50));
    const after = await relayStatus(alice.key);
    expect(after).toMatchObject({ forwarded: 50, failures: 0, dropped: 0 });
    expect(Date.parse(after.last_success_at)).toBeGreaterThan(Date.parse(during.last_error_at));
  });

  it("does not slow the client's requests while the upstream hangs", async () => {
    const put = await fetch(`${kodo.url}/api/kodo/account/relay`, { method: "PUT", headers: auth(bob.key), body: JSON.stringify({ url: `http://127.0.0.1:${hungPort}/api/v1`, key: aliceUp.key }) });
    expect(put.status).toBe(200);
    // Warm both users' objects, and start bob's relay: its send connects and gets no answer.
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
    console.log("ingest latency with a hanging relay upstream vs none:", JSON.stringify(figures));
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
