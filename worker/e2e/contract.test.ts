/**
 * The black-box API contract (core/contract) against the Cloudflare build: `wrangler dev` on
 * workerd with local D1 and Durable Objects, users created straight in local D1. The same
 * suite runs against the AWS build in sam/test/contract.test.ts.
 */
import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import path from "node:path";
import { afterAll, beforeAll, describe } from "vitest";
import { defineApiContract, type ContractTarget } from "../../core/contract/api-contract.ts";
import { applyMigrations, ensureUser, ensureUsers, freePort, startWorker } from "../../scripts/local-worker.mjs";

let worker: Awaited<ReturnType<typeof startWorker>> | undefined;
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
  // Days reach D1 (which boards read) a second after the last heartbeat, not five minutes.
  worker = await startWorker({ port: await freePort(), persistTo, vars: { FLUSH_QUIET_SECONDS: "1", FLUSH_MAX_DELAY_SECONDS: "2" }, migrate: false });
  target = {
    baseUrl: worker.url,
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
  if (persistTo) rmSync(persistTo, { recursive: true, force: true });
});

describe("API contract on Cloudflare (wrangler dev, local D1 + Durable Objects)", () => {
  defineApiContract(() => target);
});
