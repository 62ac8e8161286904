/**
 * The relay end to end, one scenario for every platform: a running Kodo forwards to a second
 * Kodo (its relay upstream) through a recording proxy on loopback. Proves: every accepted
 * heartbeat arrives upstream exactly once, duplicates sent to Kodo are never forwarded, an
 * upstream outage (the upstream stopped, its proxy closed: connection refused) is ridden out and
 * everything queued arrives once when both are back, and a client's request time does not change
 * while the relay's upstream hangs (accepts the connection, never answers).
 * Each platform starts the two Kodos (worker/e2e/relay.test.ts: wrangler dev;
 * sam/test/relay-e2e.test.ts: sam:local) and hands them over as a RelayStack.
 */
import type { Socket } from "node:net";
import { describe, expect, it } from "vitest";
import type { RecordingProxy } from "./recording-proxy.ts";

export interface RelayStack {
  kodoUrl: string;
  /** The upstream Kodo's URL now (it may change across a restart). */
  upstreamUrl(): string;
  /** Full-access keys: three users on Kodo, one on the upstream (alice's account there). */
  keys: { alice: string; bob: string; carol: string; aliceUp: string };
  proxy: RecordingProxy;
  /** A loopback port that accepts connections and never answers, and the sockets it accepted. */
  hung: { port: number; sockets: Socket[] };
  stopUpstream(): Promise<void>;
  /** Starts the upstream again on its state, the proxy in front of it. */
  restartUpstream(): Promise<void>;
}

export interface RelayEndToEndOptions {
  /** Per test (a restart of the upstream can take minutes on a busy machine). */
  timeoutMs: { forwarding: number; outage: number; hanging: number };
  /** The runtime's name in the latency figure printed by the last test. */
  runtime: string;
}

const auth = (key: string) => ({ authorization: `Basic ${btoa(key)}`, "content-type": "application/json" });

export function defineRelayEndToEnd(name: string, getStack: () => RelayStack, options: RelayEndToEndOptions): void {
  async function send(key: string, beats: unknown[]) {
    const res = await fetch(`${getStack().kodoUrl}/api/v1/users/current/heartbeats.bulk`, { method: "POST", headers: { ...auth(key), "x-machine-name": "laptop" }, body: JSON.stringify(beats) });
    expect(res.status).toBe(201);
    return ((await res.json()) as { responses: [unknown, number][] }).responses.map((r) => r[1]);
  }

  async function relayStatus(key: string) {
    return ((await (await fetch(`${getStack().kodoUrl}/api/kodo/account/relay`, { headers: auth(key) })).json()) as { data: Record<string, any> }).data;
  }

  async function upstreamEntities(day: string): Promise<string[]> {
    const res = await fetch(`${getStack().upstreamUrl()}/api/v1/users/current/heartbeats?date=${day}`, { headers: auth(getStack().keys.aliceUp) });
    return ((await res.json()) as { data: { entity: string; time: number }[] }).data.map((h) => `${h.entity}@${h.time}`);
  }

  const setRelay = (key: string, url: string) =>
    fetch(`${getStack().kodoUrl}/api/kodo/account/relay`, { method: "PUT", headers: auth(key), body: JSON.stringify({ url, key: getStack().keys.aliceUp }) });

  const base = Math.floor(Date.now() / 1000 / 86_400) * 86_400 - 86_400 + 3_600; // yesterday, 01:00 UTC
  const day = new Date(base * 1000).toISOString().slice(0, 10);
  const beat = (i: number) => ({ entity: `/src/file${i}.ts`, type: "file", category: "coding", time: base + i * 30, project: "relay", language: "TypeScript", is_write: i % 3 === 0 });
  const range = (from: number, to: number) => Array.from({ length: to - from }, (_, i) => beat(from + i));

  function expectEachOnce(expected: { entity: string; time: number }[]) {
    const { proxy } = getStack();
    for (const hb of expected) expect(proxy.seen.get(`${hb.entity}@${hb.time}`), `${hb.entity}@${hb.time}`).toBe(1);
    expect(proxy.seen.size).toBe(expected.length);
  }

  describe(name, () => {
    it("forwards every accepted heartbeat exactly once, never a duplicate", { timeout: options.timeoutMs.forwarding }, async () => {
      const { keys, proxy } = getStack();
      expect((await setRelay(keys.alice, `http://127.0.0.1:${proxy.port}/api/v1`)).status).toBe(200);
      expect(await send(keys.alice, range(0, 10))).toEqual(Array(10).fill(201));
      expect(await send(keys.alice, [...range(5, 10), ...range(10, 20)])).toEqual([...Array(5).fill(202), ...Array(10).fill(201)]);
      expect(await send(keys.alice, range(20, 30))).toEqual(Array(10).fill(201));
      await expect.poll(() => upstreamEntities(day).then((e) => e.length), { timeout: 30_000 }).toBe(30);
      await expect.poll(() => relayStatus(keys.alice).then((s) => s.queued), { timeout: 10_000 }).toBe(0);
      // Duplicates sent to Kodo later are not forwarded again.
      expect(await send(keys.alice, range(0, 30))).toEqual(Array(30).fill(202));
      await new Promise((r) => setTimeout(r, 2_500));
      expectEachOnce(range(0, 30));
      expect((await upstreamEntities(day)).sort()).toEqual(range(0, 30).map((h) => `${h.entity}@${h.time}`).sort());
      expect(await relayStatus(keys.alice)).toMatchObject({ queued: 0, forwarded: 30, dropped: 0, failures: 0, last_error: null });
    });

    it("keeps what the upstream could not take while it was down, and delivers it once when it is back", { timeout: options.timeoutMs.outage }, async () => {
      const stack = getStack();
      const { alice } = stack.keys;
      await stack.proxy.down();
      await stack.stopUpstream();
      expect(await send(alice, range(30, 45))).toEqual(Array(15).fill(201));
      expect(await send(alice, [...range(40, 45), ...range(45, 50)])).toEqual([...Array(5).fill(202), ...Array(5).fill(201)]);
      await expect.poll(() => relayStatus(alice).then((s) => s.failures), { timeout: 30_000 }).toBeGreaterThanOrEqual(2);
      const during = await relayStatus(alice);
      expect(during).toMatchObject({ queued: 20, last_error: expect.stringMatching(/Could not connect/) });
      expect(during.last_error_at).not.toBeNull();
      expect(Date.parse(during.next_attempt_at)).toBeGreaterThan(Date.parse(during.last_error_at));

      await stack.restartUpstream();
      await expect.poll(() => upstreamEntities(day).then((e) => e.length), { timeout: 60_000 }).toBe(50);
      await expect.poll(() => relayStatus(alice).then((s) => s.queued), { timeout: 10_000 }).toBe(0);
      expectEachOnce(range(0, 50));
      const after = await relayStatus(alice);
      expect(after).toMatchObject({ forwarded: 50, failures: 0, dropped: 0 });
      expect(Date.parse(after.last_success_at)).toBeGreaterThan(Date.parse(during.last_error_at));
    });

    it("does not slow the client's requests while the upstream hangs", { timeout: options.timeoutMs.hanging }, async () => {
      const { keys, hung } = getStack();
      expect((await setRelay(keys.bob, `http://127.0.0.1:${hung.port}/api/v1`)).status).toBe(200);
      // Warm both users, and start bob's relay: its send connects and gets no answer.
      await send(keys.carol, [beat(1000)]);
      await send(keys.bob, [beat(1000)]);
      await expect.poll(() => hung.sockets.length, { timeout: 15_000 }).toBeGreaterThan(0);
      const timings = { relay: [] as number[], none: [] as number[] };
      for (let i = 0; i < 15; i++) {
        for (const [key, list] of [[keys.bob, timings.relay], [keys.carol, timings.none]] as const) {
          const started = performance.now();
          await send(key, [beat(1001 + i)]);
          list.push(performance.now() - started);
        }
      }
      const median = (xs: number[]) => [...xs].sort((a, b) => a - b)[Math.floor(xs.length / 2)]!;
      const figures = { relayMedianMs: median(timings.relay), noRelayMedianMs: median(timings.none), relayMaxMs: Math.max(...timings.relay), noRelayMaxMs: Math.max(...timings.none) };
      console.log(`${options.runtime} ingest latency with a hanging relay upstream vs none:`, JSON.stringify(figures));
      // The relay's request is still out (10 s timeout) during all of this.
      expect((await relayStatus(keys.bob)).queued).toBe(16);
      // Same order of time: a waiting request would take the upstream's 10 s timeout.
      expect(figures.relayMedianMs).toBeLessThan(figures.noRelayMedianMs * 2 + 25);
      expect(figures.relayMaxMs).toBeLessThan(2_000);
      // Then the hung attempt times out and is recorded as a failure, with the queue kept.
      await expect.poll(() => relayStatus(keys.bob).then((s) => s.last_error), { timeout: 30_000 }).toMatch(/did not answer within 10 s/);
      expect((await relayStatus(keys.bob)).queued).toBe(16);
    });
  });
}
