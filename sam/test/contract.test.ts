/**
 * The black-box API contract (core/contract) against the AWS build: the bundled Lambda
 * handler behind the local API-Gateway-like runner (`npm run sam:local`), DynamoDB on dynalite,
 * sign-in configured with the local outbox and a real OIDC provider on loopback. The same
 * suite runs against the Cloudflare worker in worker/e2e/contract.test.ts.
 */
import { afterAll, beforeAll, describe } from "vitest";
import { defineApiContract, type ContractTarget } from "../../core/contract/api-contract.ts";
import { startOidcProvider, type TestOidcProvider } from "../../core/contract/oidc-provider.ts";
import { allItems, createUser, localDynamo, startRunner, type RunnerProcess } from "./helpers.ts";

let dynamo: Awaited<ReturnType<typeof localDynamo>>;
let runner: RunnerProcess;
let oidc: TestOidcProvider;
let target: ContractTarget;

beforeAll(async () => {
  dynamo = await localDynamo();
  oidc = await startOidcProvider();
  runner = await startRunner(dynamo.endpoint, oidc.vars);
  target = {
    baseUrl: runner.url,
    createUser: async () => ({ key: (await createUser(dynamo.doc)).key }),
    signIn: { oidc },
    // Every item of every table, read straight from dynalite (not through the Lambda).
    storedRecords: async () => (await allItems(dynamo.endpoint)).map((i) => JSON.stringify(i.item).toLowerCase()),
  };
});

afterAll(async () => {
  await runner?.stop();
  await oidc?.stop();
  await dynamo?.close();
});

describe("API contract on AWS (Lambda bundle + dynalite)", () => {
  defineApiContract(() => target);
});
