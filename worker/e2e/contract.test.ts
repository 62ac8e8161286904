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
import { ensureUser, freePort, startWorker } from "../../scripts/local-worker.mjs";

let worker: Awaited<ReturnType<typeof startWorker>> | undefined;
let persistTo: string;
let target: ContractTarget;
let counter = 0;

beforeAll(async () => {
  persistTo = mkdtempSync(path.join(tmpdir(), "kodo-contract-"));
  worker = await startWorker({ port: await freePort(), persistTo });
  target = {
    baseUrl: worker.url,
    async createUser() {
      const key = `waka_${crypto.randomUUID()}`;
      await ensureUser(persistTo, { username: `contract${++counter}_${crypto.randomUUID().slice(0, 8)}`, key });
      return { key };
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
