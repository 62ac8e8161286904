import { createHash, randomUUID } from "node:crypto";
import { existsSync, mkdirSync, readFileSync, writeFileSync } from "node:fs";
import path from "node:path";
import { documentClient } from "../src/dynamo/client.ts";
import { dynamoAccounts } from "../src/dynamo/accounts.ts";
import { bundleHandler, importHandler } from "../tools/bundle.ts";
import { bundleSite } from "../tools/bundle-site.ts";
import { CLIENT_IP_HEADER } from "../src/site-platform.ts";
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
  /**
   * Also serve the dashboard (the site function, built for AWS) on its own port, in front of
   * both functions as the HTTP API and CloudFront are on AWS. null: API only.
   */
  sitePort?: number | null;
  log?: boolean;
}

export interface LocalRunner {
  /** The API function alone (what `npm run sam:local` prints as "Kodo API"). */
  url: string;
  /** The dashboard and, on the same origin, the API (/api/*): null without `sitePort`. */
  siteUrl: string | null;
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

  const buildDir = options.buildDir ?? path.join(SAM_DIR, ".build", "local");
  const bundle = await bundleHandler(buildDir, template);
  const handler = await importHandler<LambdaHandler>(bundle);
  const servers: LocalApi[] = [];
  try {
    const api = await serveLambda(handler, { port: options.port ?? 0, log: options.log ?? false });
    servers.push(api);
    if (options.sitePort !== undefined && options.sitePort !== null) {
      // The site function reads its configuration at start-up: http locally, and its API is
      // the API server above (on AWS: https, and the HTTP API the request came through).
      Object.assign(process.env, { SITE_PROTOCOL: "http", KODO_API_ORIGIN: api.url });
      const site = await importHandler<LambdaHandler>(await bundleSite(path.join(buildDir, "site"), template));
      servers.push(await serveLambda(edge(handler, site), { port: options.sitePort, log: options.log ?? false }));
    }
  } catch (err) {
    await Promise.all(servers.map((s) => s.close()));
    await dynamo?.close();
    throw err;
  }
  return {
    url: servers[0]!.url,
    siteUrl: servers[1]?.url ?? null,
    dynamoEndpoint: endpoint,
    env,
    devKey,
    close: async () => {
      await Promise.all(servers.map((s) => s.close()));
      await dynamo?.close();
    },
  };
}

/**
 * What sits in front of the two functions on AWS, played locally: CloudFront's viewer-request
 * function (template.yaml ViewerHeaders: the viewer's host and address, set over whatever the
 * client sent) and the HTTP API's routes (/api/{proxy+} to the API function, everything else
 * to the site function).
 */
export function edge(api: LambdaHandler, site: LambdaHandler): LambdaHandler {
  return (event, context) => {
    event.headers["x-forwarded-host"] = event.headers.host ?? event.requestContext.domainName;
    event.headers[CLIENT_IP_HEADER] = event.requestContext.http.sourceIp;
    return (/^\/api\/./.test(event.rawPath) ? api : site)(event, context);
  };
}
