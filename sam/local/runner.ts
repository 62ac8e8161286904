import { createHash, randomUUID } from "node:crypto";
import { existsSync, mkdirSync, readFileSync, writeFileSync } from "node:fs";
import path from "node:path";
import { documentClient } from "../src/dynamo/client.ts";
import { dynamoAccounts } from "../src/dynamo/accounts.ts";
import { bundleHandler, importHandler } from "../tools/bundle.ts";
import { SAM_DIR, loadTemplate, localEnvironment } from "../tools/template.ts";
import { createTablesFromTemplate, localClient, startDynalite, type LocalDynamo } from "./dynamo.ts";
import { serveLambda, type LambdaHandler, type LocalApi } from "./server.ts";

export const ROOT = path.resolve(SAM_DIR, "..");

export interface LocalRunnerOptions {
  /** 0 picks a free port. */
  port?: number;
  /** Use this DynamoDB-compatible endpoint instead of starting dynalite (tests share one). */
  dynamoEndpoint?: string;
  /** dynalite's on-disk directory; null keeps it in memory. */
  dynaliteDir?: string | null;
  /** Where the local `dev` account's API key is kept (shared with `npm start`). */
  keyFile?: string;
  /** Where the Lambda bundle is written. */
  buildDir?: string;
  log?: boolean;
}

export interface LocalRunner {
  url: string;
  dynamoEndpoint: string;
  /** The function's environment as the runner set it (table names, ...). */
  env: Record<string, string>;
  devKey: string;
  close(): Promise<void>;
}

/**
 * `npm run sam:local`: the Lambda bundle (built as `sam build` would) behind a local
 * API-Gateway-like HTTP server, DynamoDB played by dynalite on loopback, tables created from
 * template.yaml, and the local `dev` account with the key in .kodo/local-api-key.
 */
export async function startLocalRunner(options: LocalRunnerOptions = {}): Promise<LocalRunner> {
  const template = loadTemplate();
  let dynamo: LocalDynamo | null = null;
  const endpoint =
    options.dynamoEndpoint ??
    (dynamo = await startDynalite(options.dynaliteDir === null ? {} : { dir: options.dynaliteDir ?? path.join(ROOT, ".kodo", "dynalite") })).endpoint;

  const client = localClient(endpoint);
  await createTablesFromTemplate(client, template);
  client.destroy();

  // The function reads its configuration from the environment at start-up, as on Lambda.
  const env: Record<string, string> = { ...localEnvironment(template), DYNAMODB_ENDPOINT: endpoint, OWNER_API_KEY_HASH: "" };
  Object.assign(process.env, env);

  const keyFile = options.keyFile ?? path.join(ROOT, ".kodo", "local-api-key");
  mkdirSync(path.dirname(keyFile), { recursive: true });
  const devKey = existsSync(keyFile) ? readFileSync(keyFile, "utf8").trim() : `waka_${randomUUID()}`;
  writeFileSync(keyFile, `${devKey}\n`, { mode: 0o600 });
  const doc = documentClient({ endpoint });
  await dynamoAccounts(doc, env.ACCOUNTS_TABLE!).ensureUserWithKey({
    username: "dev",
    keyHash: createHash("sha256").update(devKey).digest("hex"),
    label: "local dev (npm run sam:local)",
    timeZone: "UTC",
  });
  doc.destroy();

  const bundle = await bundleHandler(options.buildDir ?? path.join(SAM_DIR, ".build", "local"), template);
  const handler = await importHandler<LambdaHandler>(bundle);
  let api: LocalApi;
  try {
    api = await serveLambda(handler, { port: options.port ?? 0, log: options.log ?? false });
  } catch (err) {
    await dynamo?.close();
    throw err;
  }
  return {
    url: api.url,
    dynamoEndpoint: endpoint,
    env,
    devKey,
    close: async () => {
      await api.close();
      await dynamo?.close();
    },
  };
}
