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
 */
import { pathToFileURL } from "node:url";
import { ScanCommand } from "@aws-sdk/lib-dynamodb";
import { batchWrite, documentClient, type Doc } from "../src/dynamo/client.ts";
import { standingItemKeys } from "../src/dynamo/standings.ts";

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
  const doc = documentClient(DYNAMODB_ENDPOINT ? { endpoint: DYNAMODB_ENDPOINT } : {});
  console.log(`marked ${await markEveryUserDirty(doc, ACCOUNTS_TABLE, SOCIAL_TABLE)} users for the standings drainer`);
  doc.destroy();
}
