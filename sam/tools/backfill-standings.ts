/**
 * The upgrade step of the stored board standings (issue 16; sam/README.md, "Leaderboards",
 * item 7): standings are written by the drainer for users marked dirty, so after deploying them
 * every existing user is marked once; the scheduled drainer then fills their standings (users
 * without days cost it one empty Query). Run once with the stack's table names:
 *
 *   ACCOUNTS_TABLE=... SOCIAL_TABLE=... npm run backfill:standings -w sam
 *
 * It Scans the accounts table (an operator's one-off, with the operator's credentials: the
 * functions never Scan) and writes `DIRTY#<bucket>` / `<userId>` marks in batches of 25.
 *
 * Once the drainer has taken the marks (the `DIRTY#` partitions are empty), two more steps for
 * a stack that ran an earlier build:
 * - `-- --recount`: sets every board's `BCOUNT` total and `BHIST` rank histogram from the
 *   standing items themselves (a Scan), since histograms did not exist before (and repairs
 *   counters a crash left off by one; a drain running meanwhile may leave them off again by
 *   the entries it moved: run it again, or pause the schedule);
 * - `-- --drop-legacy`: deletes what the issue-14 board build left (`BD#<day>` rows,
 *   `BOARD` / `DIRTY#` marks and `CACHE#` board items).
 */
import { pathToFileURL } from "node:url";
import { ScanCommand } from "@aws-sdk/lib-dynamodb";
import { batchWrite, documentClient, type Doc } from "../src/dynamo/client.ts";
import { LEADERBOARD_RANGES } from "@kodo/core/social";
import { RANGE_CODES, standingItemKeys, type StandingItem } from "../src/dynamo/standings.ts";
import { rankBucket } from "../src/dynamo/standing-keys.ts";

/** Every item of a Scan matching `filter` (an operator's tool only). */
async function scanAll<T>(doc: Doc, table: string, filter: string, values: Record<string, unknown>, projection?: string): Promise<T[]> {
  const items: T[] = [];
  let startKey: Record<string, unknown> | undefined;
  do {
    const page = await doc.send(new ScanCommand({ TableName: table, FilterExpression: filter, ExpressionAttributeValues: values, ProjectionExpression: projection, ExclusiveStartKey: startKey }));
    items.push(...((page.Items ?? []) as T[]));
    startKey = page.LastEvaluatedKey;
  } while (startKey);
  return items;
}

/** Rewrites every board's total and rank histogram from the standing items; returns how many counter items it wrote. */
export async function recountBoards(doc: Doc, socialTable: string): Promise<number> {
  const counters = new Map<string, { pk: string; sk: string; n: number }>();
  const add = (key: { pk: string; sk: string }) => {
    const k = `${key.pk}|${key.sk}`;
    counters.set(k, { ...key, n: (counters.get(k)?.n ?? 0) + 1 });
  };
  for (const item of await scanAll<StandingItem>(doc, socialTable, "begins_with(pk, :p)", { ":p": "STAND#" })) {
    const language = item.language === "" ? null : item.language;
    for (const r of LEADERBOARD_RANGES) {
      const c = RANGE_CODES[r];
      if (item[`g${c}pk`] === undefined) continue;
      add(standingItemKeys.count(r, language));
      add(standingItemKeys.hist(r, language, rankBucket(Number(item[`s${c}`] ?? 0))));
    }
  }
  const old = await scanAll<{ pk: string; sk: string }>(doc, socialTable, "begins_with(pk, :c) OR begins_with(pk, :h)", { ":c": "BCOUNT#", ":h": "BHIST#" }, "pk, sk");
  const gone = old.filter((o) => !counters.has(`${o.pk}|${o.sk}`)).map((o) => ({ delete: { pk: o.pk, sk: o.sk } }));
  await batchWrite(doc, socialTable, [...[...counters.values()].map((c) => ({ put: c })), ...gone]);
  return counters.size;
}

/** Deletes the issue-14 build's leftovers (`BD#` rows, `BOARD` marks and cached boards); returns how many. */
export async function dropLegacyBoardItems(doc: Doc, socialTable: string): Promise<number> {
  const items = await scanAll<{ pk: string; sk: string }>(
    doc,
    socialTable,
    "begins_with(pk, :bd) OR (pk = :board AND (begins_with(sk, :dirty) OR begins_with(sk, :cache)))",
    { ":bd": "BD#", ":board": "BOARD", ":dirty": "DIRTY#", ":cache": "CACHE#" },
    "pk, sk",
  );
  await batchWrite(doc, socialTable, items.map((i) => ({ delete: { pk: i.pk, sk: i.sk } })));
  return items.length;
}

/** Marks every user with a profile dirty for the standings drainer; returns how many. */
export async function markEveryUserDirty(doc: Doc, accountsTable: string, socialTable: string): Promise<number> {
  let marked = 0;
  let startKey: Record<string, unknown> | undefined;
  do {
    const page = await doc.send(
      new ScanCommand({
        TableName: accountsTable,
        FilterExpression: "sk = :profile AND begins_with(pk, :user)",
        ExpressionAttributeValues: { ":profile": "PROFILE", ":user": "USER#" },
        ProjectionExpression: "pk",
        ExclusiveStartKey: startKey,
      }),
    );
    const ids = (page.Items ?? []).map((i) => String(i.pk).slice("USER#".length));
    await batchWrite(doc, socialTable, ids.map((id) => ({ put: { ...standingItemKeys.dirty(id), at: Date.now() } })));
    marked += ids.length;
    startKey = page.LastEvaluatedKey;
  } while (startKey);
  return marked;
}

if (import.meta.url === pathToFileURL(process.argv[1] ?? "").href) {
  const { ACCOUNTS_TABLE, SOCIAL_TABLE, DYNAMODB_ENDPOINT } = process.env;
  if (!ACCOUNTS_TABLE || !SOCIAL_TABLE) {
    console.error("set ACCOUNTS_TABLE and SOCIAL_TABLE (the stack's table names)");
    process.exit(2);
  }
  // One step per run; anything else (a typo) stops here rather than running the default step.
  const args = process.argv.slice(2);
  if (args.length > 1 || (args.length === 1 && args[0] !== "--recount" && args[0] !== "--drop-legacy")) {
    console.error(`unknown arguments: ${args.join(" ")} (use no argument, --recount or --drop-legacy)`);
    process.exit(2);
  }
  const doc = documentClient(DYNAMODB_ENDPOINT ? { endpoint: DYNAMODB_ENDPOINT } : {});
  if (process.argv.includes("--recount")) console.log(`wrote ${await recountBoards(doc, SOCIAL_TABLE)} board counters from the standing items`);
  else if (process.argv.includes("--drop-legacy")) console.log(`deleted ${await dropLegacyBoardItems(doc, SOCIAL_TABLE)} items of the old board build`);
  else console.log(`marked ${await markEveryUserDirty(doc, ACCOUNTS_TABLE, SOCIAL_TABLE)} users for the standings drainer`);
  doc.destroy();
}
