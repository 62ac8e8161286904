/**
 * The black-box API contract (core/contract) against the Cloudflare build: `wrangler dev` on
 * workerd with local D1 and Durable Objects, users created straight in local D1, sign-in with
 * the local outbox and a real OIDC provider on loopback. The same suite runs against the AWS
 * build in sam/test/contract.test.ts.
 */
import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import path from "node:path";
import { afterAll, beforeAll, describe } from "vitest";
import { defineApiContract, type ContractTarget } from "../../core/contract/api-contract.ts";
import { startOidcProvider, type TestOidcProvider } from "../../core/contract/oidc-provider.ts";
import { applyMigrations, ensureUser, ensureUsers, freePort, startWorker } from "../../scripts/local-worker.mjs";
import { persistedRows } from "./site-stack.ts";

let worker: Awaited<ReturnType<typeof startWorker>> | undefined;
let oidc: TestOidcProvider | undefined;
let persistTo: string;
let target: ContractTarget;
let counter = 0;
const newUser = () => ({ username: `contract${++counter}_${crypto.randomUUID().slice(0, 8)}`, key: `waka_${crypto.randomUUID()}` });

beforeAll(async () => {
  persistTo = mkdtempSync(path.join(tmpdir(), "kodo-contract-"));
  // Users are made in local D1 by a wrangler process each time: make a pool in one go.
  await applyMigrations(persistTo);
  const pool = Array.from({ length: 40 }, newUser);
  await ensureUsers(persistTo, pool);
  oidc = await startOidcProvider();
  const port = await freePort();
  worker = await startWorker({
    port,
    persistTo,
    migrate: false,
    vars: {
      BETTER_AUTH_SECRET: "contract-secret-0123456789abcdef0123456789abcdef",
      BETTER_AUTH_URL: `http://127.0.0.1:${port}`,
      KODO_LOCAL_OUTBOX: "1",
      // The relay's settings are part of the contract (core/contract/relay-contract.ts).
      KODO_RELAY_SECRET: "contract-relay-secret-0123456789abcdef",
      ...oidc.vars,
      // Days reach D1 (which boards read) a second after the last heartbeat, not five minutes.
      FLUSH_QUIET_SECONDS: "1",
      FLUSH_MAX_DELAY_SECONDS: "2",
    },
  });
  const provider = oidc;
  target = {
    baseUrl: worker.url,
    signIn: { oidc: provider },
    // Every row of D1 and of every Durable Object, read from their SQLite files.
    storedRecords: async () => (await persistedRows(persistTo)).map((r) => r.row),
    async createUser() {
      const pooled = pool.shift();
      if (pooled) return { key: pooled.key };
      const user = newUser();
      await ensureUser(persistTo, user);
      return { key: user.key };
    },
  };
});

afterAll(async () => {
  await worker?.stop();
  await oidc?.stop();
  if (persistTo) rmSync(persistTo, { recursive: true, force: true });
});

describe("API contract on Cloudflare (wrangler dev, local D1 + Durable Objects)", () => {
  defineApiContract(() => target);
});
