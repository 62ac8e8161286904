/**
 * Better Auth on AWS: Kodo's shared configuration (@kodo/core/auth) on DynamoDB
 * (dynamo-adapter.ts, in the accounts table), sign-in rate limits in DynamoDB items
 * (rate-limit.ts), and mail through Amazon SES or, locally, the outbox.
 */
import { makeKodoAuth, readAuthConfig, resendSender, type AuthConfig, type AuthPlatform, type EmailSender, type MadeAuth, type Outbox } from "@kodo/core/auth";
import { GetCommand } from "@aws-sdk/lib-dynamodb";
import { accountKeys } from "../dynamo/keys.ts";
import type { Doc } from "../dynamo/client.ts";
import { dynamoAuthAdapter } from "./dynamo-adapter.ts";
import { dynamoOutbox } from "./outbox.ts";
import { dynamoRateLimitStorage } from "./rate-limit.ts";
import { sesSender } from "./ses.ts";

import { CLIENT_IP_HEADER } from "../edge.ts";

/**
 * Set by the Lambda entry (handler.ts) from edge.ts `caller`, after dropping any value the
 * client sent: the address sign-in limits count by.
 */
export { CLIENT_IP_HEADER };

export interface AwsAuth {
  cfg: AuthConfig;
  outbox: Outbox | null;
  /** The instance, built on first use and shared by the container's later requests. */
  made(): Promise<MadeAuth>;
}

/** Sign-in for this environment, or null when it is not configured (no secret or no URL). */
export function awsAuth(env: Record<string, string | undefined>, doc: Doc, table: string): AwsAuth | null {
  const cfg = readAuthConfig(env);
  if (!cfg) return null;
  const outbox = cfg.email?.kind === "outbox" ? dynamoOutbox(doc, table) : null;
  const sender: EmailSender | null =
    cfg.email?.kind === "ses" ? sesSender(cfg.email.from) : cfg.email?.kind === "resend" ? resendSender(cfg.email.apiKey, cfg.email.from) : outbox;
  const platform: AuthPlatform = {
    database: dynamoAuthAdapter({ doc, table }),
    rateLimitStorage: dynamoRateLimitStorage(doc, table),
    sender,
    async usernameTaken(candidate) {
      const res = await doc.send(new GetCommand({ TableName: table, Key: accountKeys.username(candidate), ConsistentRead: true }));
      return res.Item !== undefined;
    },
    ipAddressHeaders: [CLIENT_IP_HEADER],
    // DynamoDB's TTL removes expired sign-in links and OAuth states (a sweep would be a Scan).
    verificationCleanup: false,
  };
  let made: Promise<MadeAuth> | null = null;
  return {
    cfg,
    outbox,
    made() {
      made ??= (async () => {
        const auth = makeKodoAuth(platform, cfg);
        await auth.$context;
        return { auth, cfg };
      })().catch((err: unknown) => {
        made = null; // OIDC discovery failed: try again on the next request
        throw err;
      });
      return made;
    },
  };
}
