import { DynamoDBClient } from "@aws-sdk/client-dynamodb";
import { BatchWriteCommand, DynamoDBDocumentClient, QueryCommand, type QueryCommandInput } from "@aws-sdk/lib-dynamodb";
import { BATCH_WRITE_MAX } from "./limits.ts";
import { chunk } from "./pool.ts";

export type Doc = DynamoDBDocumentClient;

export interface ClientOptions {
  /** Local DynamoDB-compatible server (dynalite); unset on AWS. */
  endpoint?: string;
  region?: string;
}

/**
 * The document client the stores use. On Lambda the region and credentials come from the
 * environment; locally an endpoint (dynalite on loopback) and dummy credentials.
 */
export function documentClient(options: ClientOptions = {}): Doc {
  const client = new DynamoDBClient({
    maxAttempts: 5,
    ...(options.endpoint
      ? { endpoint: options.endpoint, region: options.region ?? "local", credentials: { accessKeyId: "local", secretAccessKey: "local" } }
      : options.region
        ? { region: options.region }
        : {}),
  });
  return DynamoDBDocumentClient.from(client, { marshallOptions: { removeUndefinedValues: true } });
}

export function isConditionFailure(err: unknown): boolean {
  return err instanceof Error && err.name === "ConditionalCheckFailedException";
}

/**
 * The pages of a Query, following `LastEvaluatedKey` (a page is at most 1 MB, or `Limit`
 * items): the one paging loop every reader shares. Stop early by leaving the loop.
 */
export async function* queryPages<T = Record<string, unknown>>(doc: Doc, input: QueryCommandInput): AsyncGenerator<{ items: T[]; count: number }> {
  let startKey: Record<string, unknown> | undefined = input.ExclusiveStartKey;
  do {
    const page = await doc.send(new QueryCommand({ ...input, ExclusiveStartKey: startKey }));
    yield { items: (page.Items ?? []) as T[], count: page.Count ?? 0 };
    startKey = page.LastEvaluatedKey;
  } while (startKey);
}

/** Every item of a Query, following pagination. */
export async function queryAll<T = Record<string, unknown>>(doc: Doc, input: QueryCommandInput): Promise<T[]> {
  const items: T[] = [];
  for await (const page of queryPages<T>(doc, input)) items.push(...page.items);
  return items;
}

/** Writes (unconditionally) in BatchWriteItem calls of 25, retrying what DynamoDB leaves unprocessed. */
export async function batchWrite(doc: Doc, table: string, requests: ({ put: Record<string, unknown> } | { delete: Record<string, unknown> })[]): Promise<void> {
  for (const group of chunk(requests, BATCH_WRITE_MAX)) {
    let pending: NonNullable<ConstructorParameters<typeof BatchWriteCommand>[0]["RequestItems"]>[string] = group.map((r) =>
      "put" in r ? { PutRequest: { Item: r.put } } : { DeleteRequest: { Key: r.delete } },
    );
    for (let attempt = 0; pending.length > 0; attempt++) {
      if (attempt > 0) await sleep(Math.min(1000, 25 * 2 ** attempt) * Math.random());
      const res = await doc.send(new BatchWriteCommand({ RequestItems: { [table]: pending } }));
      pending = res.UnprocessedItems?.[table] ?? [];
      if (attempt > 10 && pending.length > 0) throw new Error(`BatchWriteItem left ${pending.length} items unprocessed`);
    }
  }
}

export const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));
