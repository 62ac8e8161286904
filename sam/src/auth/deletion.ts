/**
 * Removing a user's sign-in items from the accounts table (account deletion, sam/README.md
 * "Data model"): every one is found by key, from the user's partition (sessions, provider
 * accounts, passkeys) and the address's (the email claim, pending sign-in links), plus the per-address
 * sign-in limit and local outbox mails.
 */
import { DeleteCommand, QueryCommand } from "@aws-sdk/lib-dynamodb";
import { emailRateLimitKey } from "@kodo/core/auth";
import { batchWrite, isConditionFailure, queryAll, type Doc } from "../dynamo/client.ts";
import { deleteAuthRecord } from "./dynamo-adapter.ts";
import { emailPartition } from "./layout.ts";
import { OUTBOX_PARTITION } from "./outbox.ts";
import { rateLimitKey } from "./rate-limit.ts";

type Listed = { pk: string; sk: string; ref?: string; userId?: string };

async function listed(doc: Doc, table: string, pk: string, prefix: string): Promise<Listed[]> {
  return queryAll<Listed>(doc, {
    TableName: table,
    KeyConditionExpression: "pk = :pk AND begins_with(sk, :prefix)",
    ExpressionAttributeValues: { ":pk": pk, ":prefix": prefix },
    ConsistentRead: true,
  });
}

/** Ends every sign-in session of the user (its cookie stops working at once). */
export async function endSessions(doc: Doc, table: string, userId: string): Promise<void> {
  for (const s of await listed(doc, table, `USER#${userId}`, "SESSION#")) {
    if (s.ref) await deleteAuthRecord(doc, table, "session", s.ref);
    await doc.send(new DeleteCommand({ TableName: table, Key: { pk: s.pk, sk: s.sk } }));
  }
}

/** Every sign-in item of the user but the profile and username claim (the account store's). */
export async function deleteAuthItems(doc: Doc, table: string, userId: string, email: string | null): Promise<void> {
  await endSessions(doc, table, userId);
  for (const a of await listed(doc, table, `USER#${userId}`, "ACCOUNT#")) {
    if (a.ref) await deleteAuthRecord(doc, table, "account", a.ref);
    await doc.send(new DeleteCommand({ TableName: table, Key: { pk: a.pk, sk: a.sk } }));
  }
  // Passkeys: the record, its credential claim, then the listing.
  for (const p of await listed(doc, table, `USER#${userId}`, "PASSKEY#")) {
    if (p.ref) await deleteAuthRecord(doc, table, "passkey", p.ref);
    await doc.send(new DeleteCommand({ TableName: table, Key: { pk: p.pk, sk: p.sk } }));
  }
  if (!email) return;
  const address = email.toLowerCase();
  for (const item of await listed(doc, table, emailPartition(address), "")) {
    if (item.sk.startsWith("VERIFICATION#") && item.ref) await deleteAuthRecord(doc, table, "verification", item.ref);
    if (item.sk === "EMAIL" && item.ref !== userId) continue; // the address is someone else's now
    try {
      await doc.send(new DeleteCommand({ TableName: table, Key: { pk: item.pk, sk: item.sk } }));
    } catch (err) {
      if (!isConditionFailure(err)) throw err;
    }
  }
  await doc.send(new DeleteCommand({ TableName: table, Key: rateLimitKey(emailRateLimitKey(address)) }));
  // Local development's outbox (one small partition; empty on AWS, where mail goes to SES).
  let startKey: Record<string, unknown> | undefined;
  const mails: { pk: string; sk: string }[] = [];
  do {
    const page = await doc.send(
      new QueryCommand({
        TableName: table,
        KeyConditionExpression: "pk = :pk",
        FilterExpression: "recipient = :to OR recipient = :raw",
        ExpressionAttributeValues: { ":pk": OUTBOX_PARTITION, ":to": address, ":raw": email },
        ProjectionExpression: "pk, sk",
        ExclusiveStartKey: startKey,
        ConsistentRead: true,
      }),
    );
    for (const i of page.Items ?? []) mails.push({ pk: i.pk as string, sk: i.sk as string });
    startKey = page.LastEvaluatedKey;
  } while (startKey);
  await batchWrite(doc, table, mails.map((m) => ({ delete: m })));
}
