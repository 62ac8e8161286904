import type { Ports } from "@kodo/core";
import { memoryEdgeCache } from "@kodo/core/badge";
import { betterAuthSessions } from "@kodo/core/auth";
import { documentClient } from "./dynamo/client.ts";
import { dynamoAccounts } from "./dynamo/accounts.ts";
import { dynamoActivity } from "./dynamo/activity.ts";
import { dynamoAccountAdmin } from "./dynamo/account-admin.ts";
import { dynamoActivityAdmin } from "./dynamo/activity-admin.ts";
import { dynamoPublicDirectory } from "./dynamo/public-directory.ts";
import { dynamoSocial, exportedSharing } from "./dynamo/social.ts";
import { dynamoTeams } from "./dynamo/teams.ts";
import { deleteSocialItems } from "./dynamo/social-deletion.ts";
import { lambdaOutbound } from "./outbound.ts";
import { awsAuth, type AwsAuth } from "./auth/better-auth.ts";
import { dynamoExternalDurations } from "./dynamo/external-durations.ts";
import { MAX_EXTERNAL_PER_USER } from "@kodo/core";
import { dynamoRelay } from "./dynamo/relay.ts";

/** What the Lambda reads from its environment (set by template.yaml, or by the local runner). */
export interface LambdaEnv {
  ACCOUNTS_TABLE?: string;
  ACTIVITY_TABLE?: string;
  SOCIAL_TABLE?: string;
  /** Only for local runs against dynalite; on AWS the SDK finds DynamoDB itself. */
  DYNAMODB_ENDPOINT?: string;
  /** The owner account the stack creates (template parameters OwnerUsername / OwnerApiKeyHash). */
  OWNER_USERNAME?: string;
  OWNER_API_KEY_HASH?: string;
  OWNER_TIME_ZONE?: string;
  /** "1" only for local runs: remote import may then reach loopback (sam/src/outbound.ts). */
  KODO_ALLOW_LOOPBACK_IMPORT?: string;
  /** Seals relay upstream keys (at least 16 characters); unset: no relay (its routes answer 501). */
  KODO_RELAY_SECRET?: string;
  /** Seconds before the relay's first retry (doubling after each failure); default 30. */
  KODO_RELAY_RETRY_BASE_SECONDS?: string;
  /** Sign-in: BETTER_AUTH_SECRET, BETTER_AUTH_URL, providers, EMAIL_SENDER... (core/src/auth/config.ts). */
  [name: string]: string | undefined;
}

export interface LambdaPorts {
  ports: Ports;
  /** Sign-in, when configured (the entry mounts its routes). */
  auth: AwsAuth | null;
  /** Resolves once start-up work (the owner account) is done; retried on the next request if it failed. */
  ready(): Promise<void>;
}

export function portsFromEnv(env: LambdaEnv): LambdaPorts {
  const accountsTable = required(env, "ACCOUNTS_TABLE");
  const activityTable = required(env, "ACTIVITY_TABLE");
  const socialTable = required(env, "SOCIAL_TABLE");
  const doc = documentClient(env.DYNAMODB_ENDPOINT ? { endpoint: env.DYNAMODB_ENDPOINT } : {});
  const now = () => Date.now() / 1000;
  // Ingest marks the user's board standings dirty in the social table (standings.ts).
  // The relay is offered only with its secret (KODO_RELAY_SECRET); ingest then queues for it.
  const relay = dynamoRelay(doc, { table: activityTable, secret: env.KODO_RELAY_SECRET });
  const activity = dynamoActivity(doc, { table: activityTable, boardTable: socialTable, relay: relay !== undefined });
  const tables = { accountsTable, socialTable };
  const teams = dynamoTeams(doc, tables);
  const accountAdmin = dynamoAccountAdmin(doc, accountsTable);
  const auth = awsAuth(env, doc, accountsTable);
  const deleteAccountRows = accountAdmin.deleteAccountRows.bind(accountAdmin);
  // Deletion removes the user's social items (sharing first: public reads stop at once) before
  // the account rows, so a retry still finds the username that requests by name are kept under.
  accountAdmin.deleteAccountRows = async (userId) => {
    const user = await accountAdmin.findUser(userId);
    await deleteSocialItems(doc, tables, teams, userId, user?.username ?? null);
    await deleteAccountRows(userId);
  };
  accountAdmin.sharingOf = (userId) => exportedSharing(doc, socialTable, userId);
  const ports: Ports = {
    accounts: dynamoAccounts(doc, accountsTable),
    activity,
    now,
    accountAdmin,
    activityAdmin: dynamoActivityAdmin(doc, { table: activityTable, boardTable: socialTable }),
    publicDirectory: dynamoPublicDirectory(doc, tables),
    social: dynamoSocial(doc, { ...tables, activity }),
    teams,
    // Sign-in sessions (Better Auth on DynamoDB): key management and deletion need one.
    ...(auth ? { sessions: betterAuthSessions(auth.cfg, auth.made, (userId) => accountAdmin.findUser(userId)) } : {}),
    outbound: lambdaOutbound(env),
    // Public reads (badges, activity map, public stats) are kept per Lambda container under the
    // user's cache generation, which sharing changes and deletion bump: the origin-side cache
    // CloudFront cannot be (template.yaml PublicReadsCachePolicy, README "Decisions").
    edgeCache: memoryEdgeCache({ now: () => Date.now() / 1000 }),
    externalDurations: dynamoExternalDurations(doc, { table: activityTable, max: MAX_EXTERNAL_PER_USER }),
    ...(relay ? { relay } : {}),
  };

  let startup: Promise<void> | null = null;
  const ready = () => {
    startup ??= ensureOwner(ports, env).catch((err: unknown) => {
      startup = null;
      throw err;
    });
    return startup;
  };
  return { ports, auth, ready };
}

/**
 * A stack deployed with OwnerApiKeyHash gets its owner account on the first request (before
 * anyone signs in: the stack's owner can use the API with a key alone). The key itself never
 * reaches AWS, only its SHA-256 digest, the form keys are stored in anyway.
 */
async function ensureOwner(ports: Ports, env: LambdaEnv): Promise<void> {
  const keyHash = env.OWNER_API_KEY_HASH?.trim().toLowerCase();
  if (!keyHash) return;
  if (!/^[0-9a-f]{64}$/.test(keyHash)) throw new Error("OWNER_API_KEY_HASH must be a SHA-256 hex digest");
  await ports.accounts.ensureUserWithKey({
    username: env.OWNER_USERNAME?.trim() || "owner",
    keyHash,
    label: "owner (stack parameter)",
    timeZone: env.OWNER_TIME_ZONE?.trim() || "UTC",
  });
}

function required(env: LambdaEnv, name: "ACCOUNTS_TABLE" | "ACTIVITY_TABLE" | "SOCIAL_TABLE"): string {
  const value = env[name];
  if (!value) throw new Error(`${name} is not set`);
  return value;
}
