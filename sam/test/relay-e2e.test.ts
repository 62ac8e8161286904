/**
 * Relay end to end on the AWS build: `npm run sam:local` (the Lambda bundle, dynalite, and the
 * relay's scheduled drain run on an interval as EventBridge runs it on AWS) forwarding to a
 * second sam:local with its own DynamoDB, through a recording proxy on loopback
 * (KODO_ALLOW_LOOPBACK_IMPORT=1 lets the relay reach loopback, as for remote import). The
 * scenario is the one Cloudflare runs: core/contract/relay-end-to-end.ts.
 */
import { createServer as createTcpServer, type Socket } from "node:net";
import { afterAll, beforeAll } from "vitest";
import { RecordingProxy } from "../../core/contract/recording-proxy.ts";
import { defineRelayEndToEnd } from "../../core/contract/relay-end-to-end.ts";
import { freePort } from "../local/runner.ts";
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
  proxy = new RecordingProxy(await freePort(), upstream.url);
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

defineRelayEndToEnd(
  "relay from the AWS build to a second Kodo",
  () => ({
    kodoUrl: kodo.url,
    upstreamUrl: () => upstream.url,
    keys: { alice: alice.key, bob: bob.key, carol: carol.key, aliceUp: aliceUp.key },
    proxy,
    hung: { port: hungPort, sockets: hungSockets },
    stopUpstream: () => upstream.stop(),
    async restartUpstream() {
      // A new process on the same DynamoDB, the proxy in front of its new port.
      upstream = await startRunner(upstreamDb.endpoint);
      proxy.target = upstream.url;
      await proxy.up();
    },
  }),
  { timeoutMs: { forwarding: 60_000, outage: 180_000, hanging: 60_000 }, runtime: "AWS" },
);

