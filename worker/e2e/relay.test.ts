/**
 * Relay end to end on Cloudflare (the scenario: core/contract/relay-end-to-end.ts): two Kodo
 * processes (wrangler dev on workerd, each with its own state); the second is the first one's
 * relay upstream, reached through a recording proxy on loopback (KODO_ALLOW_LOOPBACK_IMPORT=1
 * lets the relay reach loopback, as for remote import).
 */
import { mkdtempSync, rmSync } from "node:fs";
import { createServer as createTcpServer, type Socket } from "node:net";
import { tmpdir } from "node:os";
import path from "node:path";
import { afterAll, beforeAll } from "vitest";
import { ensureUser, ensureUsers, freePort, startWorker } from "../../scripts/local-worker.mjs";
import { RecordingProxy } from "../../core/contract/recording-proxy.ts";
import { defineRelayEndToEnd } from "../../core/contract/relay-end-to-end.ts";

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

defineRelayEndToEnd(
  "relay to a second Kodo",
  () => ({
    kodoUrl: kodo.url,
    upstreamUrl: () => upstream.url,
    keys: { alice: alice.key, bob: bob.key, carol: carol.key, aliceUp: aliceUp.key },
    proxy,
    hung: { port: hungPort, sockets: hungSockets },
    stopUpstream: () => upstream.stop(),
    async restartUpstream() {
      upstream = await startWorker({ port: upstreamPort, persistTo: upstreamState, migrate: false });
      await proxy.up();
    },
  }),
  { timeoutMs: { forwarding: 120_000, outage: 300_000, hanging: 120_000 }, runtime: "workerd" },
);
