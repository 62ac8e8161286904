import { createHash, randomBytes, randomUUID } from "node:crypto";
import { createServer, type AddressInfo } from "node:net";
import { existsSync, mkdirSync, readFileSync, writeFileSync } from "node:fs";
import path from "node:path";
import { documentClient } from "../src/dynamo/client.ts";
import { dynamoAccounts } from "../src/dynamo/accounts.ts";
import { bundleHandler, importHandler } from "../tools/bundle.ts";
import { bundleSite } from "../tools/bundle-site.ts";
import { CLIENT_IP_HEADER, EDGE_TOKEN_HEADER, FORWARDED_HOST_HEADER } from "../src/edge.ts";
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

/** A free loopback port (closed again: the caller binds it next). */
export async function freePort(): Promise<number> {
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
  /**
   * Also serve the dashboard (the site function, built for AWS) on its own port (0: a free
   * one), in front of both functions as the HTTP API and CloudFront are on AWS. null: API only.
   */
  sitePort?: number | null;
  /** Where the local sign-in secret is kept (made on first run); the relay's is kept beside it. */
  secretFile?: string;
  /** Seconds between runs of the relay's drain (AWS: template.yaml RelayDrainSchedule); default 5. */
  relayDrainSeconds?: number;
  log?: boolean;
  /**
   * How often the board standings drainer runs (template.yaml's StandingsDrainFunction, every
   * minute on AWS): the bundled function, called in this process. Default 60 000 ms
   * (KODO_DRAIN_EVERY_MS overrides); 0: never (tests that drain themselves).
   */
  drainEveryMs?: number;
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

  // The URLs must be known before the function starts (sign-in's BETTER_AUTH_URL defaults to
  // the dashboard's, or the API's without one, as with `npm start`).
  const port = options.port || (await freePort());
  const sitePort = options.sitePort === undefined || options.sitePort === null ? null : options.sitePort || (await freePort());
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
    BETTER_AUTH_URL: process.env.BETTER_AUTH_URL || `http://127.0.0.1:${sitePort ?? port}`,
    KODO_LOCAL_OUTBOX: process.env.KODO_LOCAL_OUTBOX || "1",
    // The relay is on locally, as with `npm start`: its key-sealing secret is made once and kept.
    KODO_RELAY_SECRET: process.env.KODO_RELAY_SECRET || localSecret(path.join(path.dirname(options.secretFile ?? path.join(ROOT, ".kodo", "sam-auth-secret")), "sam-relay-secret")),
    // What CloudFront adds to each request it sends on (template.yaml): made per run here.
    KODO_EDGE_TOKEN: randomUUID(),
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

  const buildDir = options.buildDir ?? path.join(SAM_DIR, ".build", "local");
  const bundle = await bundleHandler(buildDir, template);
  const handler = await importHandler<LambdaHandler>(bundle);
  const servers: LocalApi[] = [];
  let relay: LocalSchedule | null = null;
  let standings: LocalSchedule | null = null;
  const drainEvery = options.drainEveryMs ?? (Number(process.env.KODO_DRAIN_EVERY_MS) || 60_000);
  try {
    // The relay's drain, on EventBridge's schedule on AWS, runs here on an interval.
    const drain = await importHandler<ScheduledHandler>(await bundleHandler(path.join(buildDir, "relay-drain"), template, "RelayDrainFunction"));
    relay = runOnInterval(drain, (options.relayDrainSeconds ?? 5) * 1000);
    // The board standings' drain (StandingsDrainFunction, every minute on AWS).
    if (drainEvery > 0) {
      const drainStandings = await importHandler<ScheduledHandler>(await bundleHandler(path.join(buildDir, "standings-drain"), template, "StandingsDrainFunction"));
      standings = runOnInterval(drainStandings, drainEvery);
    }
    const api = await serveLambda(handler, { port, log: options.log ?? false });
    servers.push(api);
    if (sitePort !== null) {
      // The site function reads its configuration at start-up: http locally, and its API is
      // the API server above (on AWS: https, and the HTTP API the request came through).
      Object.assign(process.env, { SITE_PROTOCOL: "http", KODO_API_ORIGIN: api.url });
      const site = await importHandler<LambdaHandler>(await bundleSite(path.join(buildDir, "site"), template));
      servers.push(await serveLambda(edge(handler, site), { port: sitePort, log: options.log ?? false }));
    }
  } catch (err) {
    await Promise.all([relay?.stop(), standings?.stop()]);
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
      await Promise.all([relay?.stop(), standings?.stop()]);
      await Promise.all(servers.map((s) => s.close()));
      await dynamo?.close();
    },
  };
}

type ScheduledHandler = (event: unknown, context: { getRemainingTimeInMillis(): number }) => Promise<unknown>;

interface LocalSchedule {
  stop(): Promise<void>;
}

/**
 * A scheduled function played locally: called every `everyMs` after the previous run ended (runs
 * never overlap), with the Lambda's 60 s to finish; its failures are logged, as on AWS.
 */
function runOnInterval(handler: ScheduledHandler, everyMs: number): LocalSchedule {
  let stopped = false;
  let timer: NodeJS.Timeout | null = null;
  let running: Promise<unknown> = Promise.resolve();
  const tick = () => {
    const deadline = Date.now() + 60_000;
    running = handler({ source: "aws.events", "detail-type": "Scheduled Event" }, { getRemainingTimeInMillis: () => deadline - Date.now() })
      .catch((err: unknown) => console.error("scheduled function failed", err))
      .finally(() => {
        if (!stopped) timer = setTimeout(tick, everyMs);
      });
  };
  timer = setTimeout(tick, everyMs);
  return {
    async stop() {
      stopped = true;
      if (timer) clearTimeout(timer);
      await running;
    },
  };
}

/**
 * What sits in front of the two functions on AWS, played locally: CloudFront's viewer-request
 * function (template.yaml ViewerHeaders: the viewer's host and address, set over whatever the
 * client sent), the edge token CloudFront adds (src/edge.ts) and the HTTP API's routes (/api/{proxy+} to the API function, everything else
 * to the site function).
 */
export function edge(api: LambdaHandler, site: LambdaHandler, edgeToken = process.env.KODO_EDGE_TOKEN ?? ""): LambdaHandler {
  return (event, context) => {
    event.headers[FORWARDED_HOST_HEADER] = event.headers.host ?? event.requestContext.domainName;
    event.headers[CLIENT_IP_HEADER] = event.requestContext.http.sourceIp;
    event.headers[EDGE_TOKEN_HEADER] = edgeToken;
    return (/^\/api\/./.test(event.rawPath) ? api : site)(event, context);
  };
}
