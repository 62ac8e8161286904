/**
 * The stored board standings (issue 16) on dynalite: the drainer turns ingest's dirty marks
 * into `STAND#` items from core's boardStanding, refreshes them at the user's next local
 * midnight, deletes what went to zero, keeps the BCOUNT counters, and the sparse GSI
 * attributes follow sharing at once. Account deletion leaves nothing of the user.
 */
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import type { Ports, User } from "@kodo/core";
import { DeleteCommand, QueryCommand } from "@aws-sdk/lib-dynamodb";
import { aRun } from "../../core/src/testing/builders.ts";
import { portsFromEnv } from "../src/ports.ts";
import { dynamoActivity } from "../src/dynamo/activity.ts";
import { drainStandings, standingItemKeys, type StandingDeps, type StandingItem } from "../src/dynamo/standings.ts";
import { getItem } from "../src/dynamo/social-table.ts";
import { standingPartition, standingSortKey } from "../src/dynamo/standing-keys.ts";
import { dropLegacyBoardItems, markEveryUserDirty, recountBoards } from "../tools/backfill-standings.ts";
import { standingReads } from "../src/dynamo/standing-reads.ts";
import { batchWrite } from "../src/dynamo/client.ts";
import { ACCOUNTS_TABLE, ACTIVITY_TABLE, SOCIAL_TABLE, allItems, createUser, localDynamo, startRunner } from "./helpers.ts";

let dynamo: Awaited<ReturnType<typeof localDynamo>>;
let ports: Ports;
let clock = Date.now() / 1000;
let deps: StandingDeps;

const DAY = 86400;
/** Epoch seconds of UTC `hour` on the day `daysAgo` before today (real time: ingest dates days by it). */
const utcTime = (daysAgo: number, hour: number) => Math.floor(Date.now() / 1000 / DAY) * DAY - daysAgo * DAY + hour * 3600;
const OPTED_IN = { publicProfile: false, leaderboards: true, projects: "hidden", languages: true, editors: true, operatingSystems: true, machines: false, historyDays: 0 } as const;

async function standings(userId: string): Promise<StandingItem[]> {
  const res = await dynamo.doc.send(new QueryCommand({ TableName: SOCIAL_TABLE, KeyConditionExpression: "pk = :pk", ExpressionAttributeValues: { ":pk": standingItemKeys.partition(userId) }, ConsistentRead: true }));
  return (res.Items ?? []) as StandingItem[];
}
const count = async (range: "last_7_days" | "this_month", language: string | null) =>
  (await getItem<{ n: number }>(dynamo.doc, SOCIAL_TABLE, standingItemKeys.count(range, language)))?.n ?? 0;

beforeAll(async () => {
  dynamo = await localDynamo();
  ports = portsFromEnv({ ACCOUNTS_TABLE, ACTIVITY_TABLE, SOCIAL_TABLE, DYNAMODB_ENDPOINT: dynamo.endpoint }).ports;
  deps = { doc: dynamo.doc, accountsTable: ACCOUNTS_TABLE, socialTable: SOCIAL_TABLE, activity: dynamoActivity(dynamo.doc, { table: ACTIVITY_TABLE, boardTable: SOCIAL_TABLE }), now: () => clock };
});
afterAll(() => dynamo?.close());

async function userWith(minutesAgo: { daysAgo: number; count: number; language?: string }[]): Promise<User> {
  const { user } = await createUser(dynamo.doc);
  for (const m of minutesAgo) await ports.activity.ingest(user, aRun(utcTime(m.daysAgo, 9), m.count, 60, m.language ? { language: m.language } : {}));
  return user;
}

describe("standings drainer (dynalite)", () => {
  it("turns a dirty mark into standing items, listed only when opted in, and clears the mark", async () => {
    clock = Date.now() / 1000;
    const user = await userWith([{ daysAgo: 2, count: 31, language: "Zig" }]);
    expect(await getItem(dynamo.doc, SOCIAL_TABLE, standingItemKeys.dirty(user.id))).not.toBeNull();
    await drainStandings(deps);
    expect(await getItem(dynamo.doc, SOCIAL_TABLE, standingItemKeys.dirty(user.id))).toBeNull();
    const items = await standings(user.id);
    expect(items.map((i) => i.language).sort()).toEqual(["", "Zig"]);
    const all = items.find((i) => i.language === "")!;
    expect(all.sl7).toBe(1800);
    expect(all.dl7).toBe(7);
    expect(all.onBoard).toBe(false);
    // Not opted in: in no index (friends boards read the item by key).
    expect(Object.keys(all).filter((k) => k.startsWith("g") && k.endsWith("pk"))).toEqual([]);
    // A refresh is filed for the next UTC midnight.
    const midnight = (Math.floor(clock / DAY) + 1) * DAY;
    expect(await getItem(dynamo.doc, SOCIAL_TABLE, standingItemKeys.due(Math.floor(midnight / 3600), user.id))).toMatchObject({ refreshAt: midnight });
    // Draining again with nothing changed writes nothing.
    await drainStandings(deps);
    expect((await standings(user.id)).map((i) => i.ver)).toEqual(items.map((i) => i.ver));
  });

  it("sets and removes the GSI attributes and counts at once when sharing changes", async () => {
    clock = Date.now() / 1000;
    const zig = `Zig${Date.now()}`;
    const user = await userWith([{ daysAgo: 1, count: 61, language: zig }]);
    await drainStandings(deps);
    const [global0, zig0] = [await count("last_7_days", null), await count("last_7_days", zig)];
    await ports.social!.updateSharing(user.id, OPTED_IN);
    let items = await standings(user.id);
    const all = items.find((i) => i.language === "")!;
    expect(all.gl7pk).toBe(standingPartition(user.id, null));
    expect(all.gl7sk).toBe(standingSortKey(3600, user.username));
    expect(items.find((i) => i.language === zig)!.gl7pk).toBe(standingPartition(user.id, zig));
    expect([await count("last_7_days", null), await count("last_7_days", zig)]).toEqual([global0 + 1, zig0 + 1]);
    // The sparse index (template.yaml's StandingsL7, created on dynalite from the template) lists them.
    const listedOn = async (language: string) =>
      (
        await dynamo.doc.send(
          new QueryCommand({ TableName: SOCIAL_TABLE, IndexName: "StandingsL7", KeyConditionExpression: "gl7pk = :pk", ExpressionAttributeValues: { ":pk": standingPartition(user.id, language) } }),
        )
      ).Items?.map((i) => i.username as string) ?? [];
    expect(await listedOn(zig)).toEqual([user.username]);

    // Hiding languages takes the user off language boards only, before the call returns.
    await ports.social!.updateSharing(user.id, { languages: false });
    items = await standings(user.id);
    expect(items.find((i) => i.language === "")!.gl7pk).toBeDefined();
    expect(items.find((i) => i.language === zig)!.gl7pk).toBeUndefined();
    expect(await listedOn(zig)).toEqual([]);
    expect([await count("last_7_days", null), await count("last_7_days", zig)]).toEqual([global0 + 1, zig0]);

    // Leaving leaderboards takes them off every board.
    await ports.social!.updateSharing(user.id, { leaderboards: false, languages: true });
    items = await standings(user.id);
    expect(items.every((i) => i.gl7pk === undefined && i.gtmpk === undefined)).toBe(true);
    expect([await count("last_7_days", null), await count("last_7_days", zig)]).toEqual([global0, zig0]);
  });

  it("refreshes at the user's next local midnight: a day leaving a range leaves its board, zeroed items go", async () => {
    clock = Date.now() / 1000;
    const lang = `Nim${Date.now()}`;
    const user = await userWith([{ daysAgo: 6, count: 11, language: lang }]);
    await ports.social!.updateSharing(user.id, OPTED_IN);
    await drainStandings(deps);
    const before = (await standings(user.id)).find((i) => i.language === lang)!;
    expect(before.sl7).toBe(600);
    expect(before.gl7pk).toBeDefined();
    const week0 = await count("last_7_days", lang);
    expect(week0).toBe(1);

    // Two days on, the day is 8 days old: off "last 7 days", still in "last 30 days".
    clock += 2 * DAY;
    await drainStandings(deps);
    const after = (await standings(user.id)).find((i) => i.language === lang)!;
    expect(after.sl7).toBe(0);
    expect(after.gl7pk).toBeUndefined();
    expect(after.sl30).toBe(600);
    expect(after.gl30pk).toBeDefined();
    expect(await count("last_7_days", lang)).toBe(0);

    // 40 days on, no range holds the day: the items go, and with them the counts and the refresh.
    clock += 38 * DAY;
    const month0 = await count("this_month", lang);
    await drainStandings(deps);
    expect(await standings(user.id)).toEqual([]);
    expect(await count("this_month", lang)).toBe(month0 - (after.gtmpk !== undefined ? 1 : 0));
    expect((await allItems(dynamo.endpoint)).filter(({ item }) => String(item.pk).startsWith("DUE#") && item.sk === user.id)).toEqual([]);
  });

  it("account deletion removes the user's standings, marks and counts", async () => {
    clock = Date.now() / 1000;
    const lang = `Odin${Date.now()}`;
    const user = await userWith([{ daysAgo: 0, count: 21, language: lang }]);
    await ports.social!.updateSharing(user.id, OPTED_IN);
    await drainStandings(deps);
    expect(await count("last_7_days", lang)).toBe(1);
    // The activity side of account deletion (the social side, U# and BOARD items, is the social contract's).
    await ports.activityAdmin!.deleteAll(user);
    expect(await count("last_7_days", lang)).toBe(0);
    const left = (await allItems(dynamo.endpoint)).filter(({ item }) => JSON.stringify(item).includes(user.id));
    expect(left.filter(({ table }) => table === SOCIAL_TABLE).map(({ item }) => `${String(item.pk)} / ${String(item.sk)}`).filter((k) => !k.startsWith("U#") && !k.startsWith("BOARD"))).toEqual([]);
  });

  it("sam:local runs the bundled drain function on an interval: a heartbeat sent over HTTP becomes a standing", async () => {
    const runner = await startRunner(dynamo.endpoint, { KODO_DRAIN_EVERY_MS: "250" });
    try {
      const { key, user } = await createUser(dynamo.doc);
      const from = Math.floor(Date.now() / 1000) - 3600;
      const res = await fetch(`${runner.url}/api/v1/users/current/heartbeats.bulk`, {
        method: "POST",
        headers: { authorization: `Basic ${btoa(key)}`, "content-type": "application/json" },
        body: JSON.stringify(aRun(from, 11, 60).map((h) => ({ ...h, language: "Go" }))),
      });
      expect(res.status).toBeLessThan(300);
      let items: StandingItem[] = [];
      for (let i = 0; i < 100 && items.length === 0; i++) {
        await new Promise((r) => setTimeout(r, 200));
        items = await standings(user.id);
      }
      expect(items.find((i) => i.language === "")?.sl7).toBe(600);
    } finally {
      await runner.stop();
    }
  }, 60_000);

  it("the upgrade backfill marks every existing user, and the drainer then fills their standings", async () => {
    clock = Date.now() / 1000;
    const user = await userWith([{ daysAgo: 3, count: 16, language: "Go" }]);
    // As before the upgrade: days exist, no standings mark.
    await dynamo.doc.send(new DeleteCommand({ TableName: SOCIAL_TABLE, Key: standingItemKeys.dirty(user.id) }));
    await drainStandings(deps);
    expect(await standings(user.id)).toEqual([]);
    expect(await markEveryUserDirty(dynamo.doc, ACCOUNTS_TABLE, SOCIAL_TABLE)).toBeGreaterThanOrEqual(1);
    await drainStandings(deps);
    expect((await standings(user.id)).find((i) => i.language === "Go")?.sl7).toBe(900);
  });

  it("the upgrade's recount rebuilds every board's total and rank histogram from the items; --drop-legacy removes the old build's rows", async () => {
    clock = Date.now() / 1000;
    const made = [await userWith([{ daysAgo: 1, count: 41 }]), await userWith([{ daysAgo: 2, count: 121 }]), await userWith([{ daysAgo: 1, count: 41 }])];
    for (const u of made) await ports.social!.updateSharing(u.id, { leaderboards: true });
    await drainStandings(deps);
    const q = { range: "last_7_days" as const, language: null };
    const reads = standingReads(dynamo.doc, SOCIAL_TABLE);
    const ranks = async () => Promise.all(made.map(async (u) => (await reads.entry(q, u.id))?.rank));
    const before = await ranks();
    const total = await count("last_7_days", null);
    // As a stack upgraded from a build without histograms: counters missing or off.
    const countersNow = async () => (await allItems(dynamo.endpoint)).filter(({ table, item }) => table === SOCIAL_TABLE && /^(BCOUNT|BHIST)#/.test(String(item.pk))).map(({ item }) => item);
    const nonZero = async () => Object.fromEntries((await countersNow()).filter((i) => Number(i.n) !== 0).map((i) => [`${String(i.pk)}|${String(i.sk)}`, Number(i.n)]));
    const kept = await nonZero();
    const counters = await countersNow();
    await batchWrite(dynamo.doc, SOCIAL_TABLE, counters.map((i) => ({ delete: { pk: i.pk, sk: i.sk } })));
    await batchWrite(dynamo.doc, SOCIAL_TABLE, [{ put: { pk: `BD#2026-01-01`, sk: made[0]!.id, c: 60 } }, { put: { pk: "BOARD", sk: `DIRTY#${made[0]!.id}`, at: 1 } }, { put: { pk: "BOARD", sk: "CACHE#abc", v: 1 } }]);
    expect(await count("last_7_days", null)).toBe(0);
    expect(await recountBoards(dynamo.doc, SOCIAL_TABLE)).toBe(Object.keys(kept).length);
    expect(await nonZero()).toEqual(kept);
    expect(await count("last_7_days", null)).toBe(total);
    expect(await ranks()).toEqual(before);
    expect(before[1]).toBeLessThan(before[0]!);
    expect(await dropLegacyBoardItems(dynamo.doc, SOCIAL_TABLE)).toBe(3);
    expect((await allItems(dynamo.endpoint)).filter(({ item }) => String(item.pk).startsWith("BD#") || String(item.sk).startsWith("CACHE#")).length).toBe(0);
  });
});
