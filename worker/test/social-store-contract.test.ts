/**
 * The social ports on D1 (inside workerd, real migrations), held to the same store contract as
 * AWS's DynamoDB stores (core/contract/social-store-contract.ts; sam/test/social-stores.test.ts).
 * Deletion is checked by searching every D1 row afterwards for the user's id or name.
 */
import { env } from "cloudflare:workers";
import { beforeAll, describe } from "vitest";
import type { Ports, User } from "@kodo/core";
import { purgeUserCaches } from "../../core/src/http/user-caches.ts";
import { defineSocialStoreContract, type SocialStoreHarness } from "../../core/contract/social-store-contract.ts";
import { d1Accounts } from "../src/stores/accounts.ts";
import { cloudflareActivity } from "../src/stores/activity.ts";
import { d1AccountAdmin } from "../src/stores/account-admin.ts";
import { cloudflareActivityAdmin } from "../src/stores/activity-admin.ts";
import { d1PublicDirectory } from "../src/stores/public-directory.ts";
import { d1Social } from "../src/stores/social.ts";
import { d1Teams } from "../src/stores/social-teams.ts";
import { aUser, freshStorage, stubFor } from "./helpers.ts";

let harness: SocialStoreHarness;

beforeAll(async () => {
  await freshStorage();
  const ports: Ports = {
    accounts: d1Accounts(env.DB),
    activity: cloudflareActivity(env),
    publicDirectory: d1PublicDirectory(env.DB),
    accountAdmin: d1AccountAdmin(env.DB),
    activityAdmin: cloudflareActivityAdmin(env),
    social: d1Social(env.DB),
    teams: d1Teams(env.DB),
    now: () => Date.now() / 1000,
  };
  harness = {
    social: ports.social!,
    teams: ports.teams!,
    directory: ports.publicDirectory!,
    async createUser(opts) {
      const { id } = await aUser({ timeZone: opts?.timeZone });
      return (await ports.accountAdmin!.findUser(id))!;
    },
    async seed(user, heartbeats) {
      await ports.activity.ingest(user, heartbeats);
      await stubFor(user.id).flush(); // the standing reaches D1's board_entries, which boards read
    },
    // The storage side of DELETE /api/kodo/account (core/src/http/routes/account.ts), in its order.
    async deleteAccount(user) {
      await ports.accountAdmin!.revokeAllAccess(user.id);
      await ports.activityAdmin!.deleteAll(user);
      await ports.accountAdmin!.deleteAccountRows(user.id);
      await purgeUserCaches(ports, user.id);
    },
    async leftovers(user: User) {
      const tables = await env.DB.prepare(
        "SELECT name FROM sqlite_master WHERE type = 'table' AND name NOT LIKE 'sqlite_%' AND name NOT LIKE '_cf_%' AND name != 'd1_migrations'",
      ).all<{ name: string }>();
      const found: string[] = [];
      for (const { name } of tables.results) {
        for (const row of (await env.DB.prepare(`SELECT * FROM "${name}"`).all()).results) {
          const text = JSON.stringify(row).toLowerCase();
          if (text.includes(user.id.toLowerCase()) || text.includes(`"${user.username.toLowerCase()}"`)) found.push(`${name}: ${text.slice(0, 120)}`);
        }
      }
      return found;
    },
  };
});

describe("social store contract on D1 (workerd)", () => {
  defineSocialStoreContract(() => harness);
});
