/**
 * Local development's outbox on DynamoDB (`npm run sam:local`, KODO_LOCAL_OUTBOX=1): sign-in
 * mails are printed and kept in one partition, newest first, for the dashboard's /dev/outbox
 * page, as `npm start` keeps them in D1. Never configured when a real sender is (config.ts).
 */
import { PutCommand, QueryCommand } from "@aws-sdk/lib-dynamodb";
import { logOutboxMessage, type Outbox, type OutboxMessage } from "@kodo/core/auth";
import type { Doc } from "../dynamo/client.ts";

export const OUTBOX_PARTITION = "OUTBOX";
/** Local mails are kept a week. */
const OUTBOX_TTL_SECONDS = 7 * 86_400;

export function dynamoOutbox(doc: Doc, table: string): Outbox {
  return {
    async send(m) {
      logOutboxMessage(m);
      const id = crypto.randomUUID();
      const createdAt = new Date().toISOString();
      const item: OutboxMessage = { id, recipient: m.to, subject: m.subject, text: m.text, link: m.link, createdAt };
      await doc.send(new PutCommand({ TableName: table, Item: { pk: OUTBOX_PARTITION, sk: `${createdAt}#${id}`, ...item, ttl: Math.ceil(Date.now() / 1000) + OUTBOX_TTL_SECONDS } }));
    },
    async newestFirst(limit = 20) {
      const res = await doc.send(
        new QueryCommand({
          TableName: table,
          KeyConditionExpression: "pk = :pk",
          ExpressionAttributeValues: { ":pk": OUTBOX_PARTITION },
          ScanIndexForward: false,
          Limit: limit,
          ConsistentRead: true,
        }),
      );
      return (res.Items ?? []).map((i) => ({ id: i.id, recipient: i.recipient, subject: i.subject, text: i.text, link: i.link ?? null, createdAt: i.createdAt }) as OutboxMessage);
    },
  };
}
