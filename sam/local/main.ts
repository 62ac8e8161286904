/**
 * `npm run sam:local` (from the repository root) or `npm run local -w sam`.
 *   KODO_PORT=8788        the API's port (default 8788; `npm start`'s worker uses 8787)
 *   KODO_SITE_PORT=8789   the dashboard's port (default 8789; `npm start`'s uses 8780)
 *   KODO_SITE=0           the API only (no dashboard: no site build)
 *   KODO_DYNALITE=memory  keep DynamoDB in memory instead of .kodo/dynalite
 *   KODO_DYNAMO_ENDPOINT  use an already running DynamoDB-compatible server
 *   KODO_KEY_FILE         where the dev account's key is kept (default .kodo/local-api-key)
 *   KODO_BUILD_DIR        where the Lambda bundle is written (default sam/.build/local)
 *   KODO_LOG=1            log each request
 *   KODO_RELAY_DRAIN_SECONDS=5  seconds between runs of the relay's drain (AWS: every minute)
 *   KODO_RELAY_SECRET     seals relay keys (default: made once, kept in .kodo/sam-relay-secret)
 *   BETTER_AUTH_URL, OIDC_ISSUER, GOOGLE_CLIENT_ID, ...  sign-in settings (core/src/auth/config.ts);
 *                         by default sign-in links go to the local outbox, on the dashboard's URL (the API's with KODO_SITE=0)
 */
import { startLocalRunner } from "./runner.ts";

if (process.env.KODO_SITE !== "0") console.log("Starting Kodo on the local AWS stand-in (the dashboard is rebuilt first when its sources changed)...");
const runner = await startLocalRunner({
  port: Number(process.env.KODO_PORT ?? 8788),
  sitePort: process.env.KODO_SITE === "0" ? null : Number(process.env.KODO_SITE_PORT ?? 8789),
  dynaliteDir: process.env.KODO_DYNALITE === "memory" ? null : undefined,
  ...(process.env.KODO_DYNAMO_ENDPOINT ? { dynamoEndpoint: process.env.KODO_DYNAMO_ENDPOINT } : {}),
  ...(process.env.KODO_KEY_FILE ? { keyFile: process.env.KODO_KEY_FILE } : {}),
  ...(process.env.KODO_BUILD_DIR ? { buildDir: process.env.KODO_BUILD_DIR } : {}),
  log: process.env.KODO_LOG === "1",
  ...(process.env.KODO_RELAY_DRAIN_SECONDS ? { relayDrainSeconds: Number(process.env.KODO_RELAY_DRAIN_SECONDS) } : {}),
});

console.log(`Kodo API: ${runner.url}`);
if (runner.siteUrl) console.log(`Kodo dashboard: ${runner.siteUrl}`);
console.log(`Local account "dev", API key: ${runner.devKey} (also in .kodo/local-api-key)`);
if (runner.siteUrl) console.log(`  sign in with any email address: the link shows at ${runner.siteUrl}/dev/outbox and here`);
else console.log(`Sign-in links (email) are printed here and listed at ${runner.url}/api/kodo/dev/outbox`);
console.log(`Running the Lambda bundle on a local HTTP API, DynamoDB on dynalite at ${runner.dynamoEndpoint}`);
console.log(`Point any WakaTime plugin here with these lines in ~/.wakatime.cfg:`);
console.log(`  [settings]\n  api_url = ${runner.url}/api/v1\n  api_key = ${runner.devKey}`);
console.log("Press Ctrl+C to stop.");

const shutdown = async () => {
  await runner.close();
  process.exit(0);
};
process.on("SIGINT", shutdown);
process.on("SIGTERM", shutdown);
