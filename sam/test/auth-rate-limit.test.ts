/**
 * Sign-in rate limits on DynamoDB (src/auth/rate-limit.ts) hold across Lambda containers: two
 * containers' storages (two clients) racing on one key let exactly `max` calls through per
 * window, and a new window starts once it ended.
 */
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { documentClient } from "../src/dynamo/client.ts";
import { dynamoRateLimitStorage } from "../src/auth/rate-limit.ts";
import { ACCOUNTS_TABLE, localDynamo } from "./helpers.ts";

let dynamo: Awaited<ReturnType<typeof localDynamo>>;
beforeAll(async () => {
  dynamo = await localDynamo();
});
afterAll(async () => dynamo?.close());

describe("DynamoDB rate-limit storage", () => {
  it("lets exactly max calls through when two containers race on one key", async () => {
    const clients = [documentClient({ endpoint: dynamo.endpoint }), documentClient({ endpoint: dynamo.endpoint })];
    const storages = clients.map((doc) => dynamoRateLimitStorage(doc, ACCOUNTS_TABLE));
    const key = `email|race-${crypto.randomUUID()}@example.com`;
    const results = await Promise.all(Array.from({ length: 24 }, (_, i) => storages[i % 2]!.consume(key, { window: 60, max: 5 })));
    expect(results.filter((r) => r.allowed)).toHaveLength(5);
    for (const r of results.filter((r) => !r.allowed)) expect(r.retryAfter).toBeGreaterThanOrEqual(1);
    for (const c of clients) c.destroy();
  });

  it("starts a new window when the old one ended", async () => {
    let now = 1_000_000;
    const storage = dynamoRateLimitStorage(dynamo.doc, ACCOUNTS_TABLE, () => now);
    const key = `1.2.3.4|/sign-in/magic-link|${crypto.randomUUID()}`;
    const rule = { window: 10, max: 2 };
    expect((await storage.consume(key, rule)).allowed).toBe(true);
    expect((await storage.consume(key, rule)).allowed).toBe(true);
    expect(await storage.consume(key, rule)).toEqual({ allowed: false, retryAfter: 10 });
    now += 9_000;
    expect(await storage.consume(key, rule)).toEqual({ allowed: false, retryAfter: 1 });
    now += 1_000;
    expect((await storage.consume(key, rule)).allowed).toBe(true);
    expect((await storage.consume(key, rule)).allowed).toBe(true);
    expect((await storage.consume(key, rule)).allowed).toBe(false);
  });
});
