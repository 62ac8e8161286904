import { createHash, randomBytes, randomUUID } from "node:crypto";
import { createServer, type AddressInfo } from "node:net";
import { existsSync, mkdirSync, readFileSync, writeFileSync } from "node:fs";
import path from "node:path";
import { documentClient } from "../src/dynamo/client.ts";
import { dynamoAccounts } from "../src/dynamo/accounts.ts";
import { bundleHandler, importHandler } from "../tools/bundle.ts";
import { SAM_DIR, loadTemplate, localEnvironment } from "../tools/template.ts";
import { createTablesFromTemplate, localClient, startDynalite, type LocalDynamo } from "./dynamo.ts";
import { serveLambda, type LambdaHandler, type LocalApi } from "./server.ts";

export const ROOT = path.resolve(SAM_DIR, "..");

/** The local BETTER_AUTH_SECRET, made once and kept (as `npm start` keeps its .dev.vars). */
function localSecret(file: string): string {
  if (existsSync(file)) return readFileSync(file, "utf8").trim();
  mkdirSync(path.dirname(file), { recursive: true });
  const secret = randomBytes(32).toString("hex");
  writeFileSync(file, `${secret}\n`, { mode: 0o600 });
  return secret;
}

async function freePort(): Promise<number> {
  const srv = createServer();
  await new Promise<void>((resolve) => srv.listen(0, "127.0.0.1", resolve));
  const { port } = srv.address() as AddressInfo;
  await new Promise((resolve) => srv.close(resolve));
  return port;
}

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
  /** Where the local sign-in secret is kept (made on first run). */
  secretFile?: string;
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

  // The URL must be known before the function starts (sign-in's BETTER_AUTH_URL defaults to it).
  const port = options.port || (await freePort());
  // The function reads its configuration from the environment at start-up, as on Lambda. Sign-in
  // is on, as with `npm start`: a local secret, this server's URL, links in the local outbox
  // (printed, and listed at /api/kodo/dev/outbox). Variables set by the caller win (BETTER_AUTH_URL
  // of a dashboard in front, OIDC_ISSUER of a test provider, ...); the template's empty ones do not.
  const fromTemplate = Object.fromEntries(Object.entries(localEnvironment(template)).filter(([, v]) => v !== ""));
  const env: Record<string, string> = {
    ...fromTemplate,
    DYNAMODB_ENDPOINT: endpoint,
    OWNER_API_KEY_HASH: "",
    BETTER_AUTH_SECRET: process.env.BETTER_AUTH_SECRET || localSecret(options.secretFile ?? path.join(ROOT, ".kodo", "sam-auth-secret")),
    BETTER_AUTH_URL: process.env.BETTER_AUTH_URL || `http://127.0.0.1:${port}`,
    KODO_LOCAL_OUTBOX: process.env.KODO_LOCAL_OUTBOX || "1",
  };
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
    api = await serveLambda(handler, { port, log: options.log ?? false });
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
