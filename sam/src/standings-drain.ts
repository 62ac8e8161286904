/**
 * The board standings drainer (issue 16; sam/README.md, "Leaderboards"): a Lambda that
 * EventBridge runs every minute (template.yaml StandingsDrainFunction; `npm run sam:local`
 * runs the same drain on an interval). Each run refreshes the users ingest marked dirty and
 * the standings whose local midnight passed (src/dynamo/standings.ts).
 */
import { documentClient } from "./dynamo/client.ts";
import { dynamoActivity } from "./dynamo/activity.ts";
import { drainStandings, type DrainResult, type StandingDeps } from "./dynamo/standings.ts";

function required(env: Record<string, string | undefined>, name: string): string {
  const value = env[name];
  if (!value) throw new Error(`${name} is not set`);
  return value;
}

/** The drain's stores from the function's environment (the API function's table variables). */
export function standingDepsFromEnv(env: Record<string, string | undefined>): StandingDeps {
  const doc = documentClient(env.DYNAMODB_ENDPOINT ? { endpoint: env.DYNAMODB_ENDPOINT } : {});
  const socialTable = required(env, "SOCIAL_TABLE");
  return {
    doc,
    accountsTable: required(env, "ACCOUNTS_TABLE"),
    socialTable,
    activity: dynamoActivity(doc, { table: required(env, "ACTIVITY_TABLE"), boardTable: socialTable }),
  };
}

let deps: StandingDeps | null = null;

export async function drain(): Promise<DrainResult> {
  deps ??= standingDepsFromEnv(process.env);
  const result = await drainStandings(deps);
  if (result.refreshed > 0 || result.conflicts > 0) console.log(JSON.stringify({ standingsDrain: result }));
  return result;
}
