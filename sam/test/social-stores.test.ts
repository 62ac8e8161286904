/**
 * The social ports on DynamoDB (dynalite), held to the same store contract as Cloudflare's D1
 * stores (core/contract/social-store-contract.ts; worker/test/social-store-contract.test.ts):
 * built by `portsFromEnv` exactly as the Lambda builds them. Deletion is checked by scanning
 * every table afterwards for any item that still holds the user's id or name.
 */
import { afterAll, beforeAll, describe } from "vitest";
import { ScanCommand } from "@aws-sdk/lib-dynamodb";
import type { Ports, User } from "@kodo/core";
import { purgeUserCaches } from "../../core/src/http/user-caches.ts";
import { defineSocialStoreContract, type SocialStoreHarness } from "../../core/contract/social-store-contract.ts";
import { portsFromEnv } from "../src/ports.ts";
import { ACCOUNTS_TABLE, ACTIVITY_TABLE, SOCIAL_TABLE, createUser, localDynamo } from "./helpers.ts";

let dynamo: Awaited<ReturnType<typeof localDynamo>>;
let harness: SocialStoreHarness;

/** Every item of a table (a test-only Scan; the Lambda never scans). */
async function scanAll(table: string): Promise<Record<string, unknown>[]> {
  const items: Record<string, unknown>[] = [];
  let start: Record<string, unknown> | undefined;
  do {
    const page = await dynamo.doc.send(new ScanCommand({ TableName: table, ExclusiveStartKey: start, ConsistentRead: true }));
    items.push(...(page.Items ?? []));
    start = page.LastEvaluatedKey;
  } while (start);
  return items;
}

/** Whether any key or attribute of the item holds the user's id, or their username as a whole value or key segment. */
function names(item: Record<string, unknown>, user: User): boolean {
  const values: string[] = [];
  const walk = (v: unknown) => {
    if (typeof v === "string") values.push(v);
    else if (Array.isArray(v)) v.forEach(walk);
    else if (v && typeof v === "object" && !(v instanceof Uint8Array)) Object.values(v).forEach(walk);
  };
  walk(item);
  const lower = user.username.toLowerCase();
  return values.some((v) => v.includes(user.id) || v.split("#").some((part) => part === user.username || part === lower));
}

beforeAll(async () => {
  dynamo = await localDynamo();
  const { ports }: { ports: Ports } = portsFromEnv({ ACCOUNTS_TABLE, ACTIVITY_TABLE, SOCIAL_TABLE, DYNAMODB_ENDPOINT: dynamo.endpoint });
  harness = {
    social: ports.social!,
    teams: ports.teams!,
    directory: ports.publicDirectory!,
    createUser: async (opts) => (await createUser(dynamo.doc, opts)).user,
    seed: async (user, heartbeats) => {
      await ports.activity.ingest(user, heartbeats);
    },
    // The storage side of DELETE /api/kodo/account (core/src/http/routes/account.ts), in its order.
    deleteAccount: async (user) => {
      await ports.accountAdmin!.revokeAllAccess(user.id);
      await ports.activityAdmin!.deleteAll(user);
      await ports.accountAdmin!.deleteAccountRows(user.id);
      await purgeUserCaches(ports, user.id);
    },
    leftovers: async (user) => {
      const found: string[] = [];
      for (const table of [ACCOUNTS_TABLE, ACTIVITY_TABLE, SOCIAL_TABLE]) {
        for (const item of await scanAll(table)) if (names(item, user)) found.push(`${table}: ${String(item.pk)} / ${String(item.sk)}`);
      }
      return found;
    },
  };
});
afterAll(() => dynamo?.close());

describe("social store contract on DynamoDB (dynalite)", () => {
  defineSocialStoreContract(() => harness);
});
