import type { Ports } from "@kodo/core";
import { documentClient } from "./dynamo/client.ts";
import { dynamoAccounts } from "./dynamo/accounts.ts";
import { dynamoActivity } from "./dynamo/activity.ts";
import { dynamoAccountAdmin } from "./dynamo/account-admin.ts";
import { dynamoActivityAdmin } from "./dynamo/activity-admin.ts";
import { dynamoPublicDirectory } from "./dynamo/public-directory.ts";
import { dynamoSocial } from "./dynamo/social.ts";
import { dynamoTeams } from "./dynamo/teams.ts";
import { deleteSocialItems } from "./dynamo/social-deletion.ts";
import { memoryEdgeCache } from "@kodo/core/badge";
import { lambdaOutbound } from "./outbound.ts";
import { dynamoExternalDurations } from "./dynamo/external-durations.ts";
import { MAX_EXTERNAL_PER_USER } from "@kodo/core";

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
}

export interface LambdaPorts {
  ports: Ports;
  /** Resolves once start-up work (the owner account) is done; retried on the next request if it failed. */
  ready(): Promise<void>;
}

export function portsFromEnv(env: LambdaEnv): LambdaPorts {
  const accountsTable = required(env, "ACCOUNTS_TABLE");
  const activityTable = required(env, "ACTIVITY_TABLE");
  const socialTable = required(env, "SOCIAL_TABLE");
  const doc = documentClient(env.DYNAMODB_ENDPOINT ? { endpoint: env.DYNAMODB_ENDPOINT } : {});
  const now = () => Date.now() / 1000;
  const activity = dynamoActivity(doc, { table: activityTable });
  const tables = { accountsTable, socialTable };
  const teams = dynamoTeams(doc, tables);
  const accountAdmin = dynamoAccountAdmin(doc, accountsTable);
  const deleteAccountRows = accountAdmin.deleteAccountRows.bind(accountAdmin);
  // Deletion removes the user's social items (sharing first: public reads stop at once) before
  // the account rows, so a retry still finds the username that requests by name are kept under.
  accountAdmin.deleteAccountRows = async (userId) => {
    const user = await accountAdmin.findUser(userId);
    await deleteSocialItems(doc, tables, teams, userId, user?.username ?? null);
    await deleteAccountRows(userId);
  };
  const ports: Ports = {
    accounts: dynamoAccounts(doc, accountsTable),
    activity,
    now,
    // Account routes that an API key may use (profile and settings, export, import). Sign-in
    // sessions (and so key management and deletion, which need one) are Cloudflare-only for now.
    accountAdmin,
    activityAdmin: dynamoActivityAdmin(doc, { table: activityTable }),
    publicDirectory: dynamoPublicDirectory(doc, tables),
    // Per container: cache keys carry the user's generation, read on every public read, so a
    // sharing change or deletion is never answered from it (CloudFront is configured elsewhere).
    edgeCache: memoryEdgeCache({ now }),
    social: dynamoSocial(doc, { ...tables, activity }),
    teams,
    outbound: lambdaOutbound(env),
    externalDurations: dynamoExternalDurations(doc, { table: activityTable, max: MAX_EXTERNAL_PER_USER }),
  };

  let startup: Promise<void> | null = null;
  const ready = () => {
    startup ??= ensureOwner(ports, env).catch((err: unknown) => {
      startup = null;
      throw err;
    });
    return startup;
  };
  return { ports, ready };
}

/**
 * A stack deployed with OwnerApiKeyHash gets its owner account on the first request: AWS has no
 * sign-up flow yet (accounts and sign-in are Cloudflare-only for now), and the key itself never
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
