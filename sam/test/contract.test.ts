/**
 * The black-box API contract (core/contract) against the AWS build: the bundled Lambda
 * handler behind the local API-Gateway-like runner (`npm run sam:local`), DynamoDB on dynalite.
 * The same suite runs against the Cloudflare worker in worker/e2e/contract.test.ts.
 */
import { afterAll, beforeAll, describe } from "vitest";
import { defineApiContract, type ContractTarget } from "../../core/contract/api-contract.ts";
import { createUser, localDynamo, startRunner, type RunnerProcess } from "./helpers.ts";

let dynamo: Awaited<ReturnType<typeof localDynamo>>;
let runner: RunnerProcess;
let target: ContractTarget;

beforeAll(async () => {
  dynamo = await localDynamo();
  runner = await startRunner(dynamo.endpoint);
  target = {
    baseUrl: runner.url,
    createUser: async () => ({ key: (await createUser(dynamo.doc)).key }),
  };
});

afterAll(async () => {
  await runner?.stop();
  await dynamo?.close();
});

describe("API contract on AWS (Lambda bundle + dynalite)", () => {
  defineApiContract(() => target);
});
