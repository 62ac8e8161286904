import type { AddressInfo } from "node:net";
import { mkdirSync } from "node:fs";
import dynalite from "dynalite";
import { CreateTableCommand, DescribeTableCommand, DynamoDBClient, type CreateTableCommandInput } from "@aws-sdk/client-dynamodb";
import { resourcesOfType, type Template } from "../tools/template.ts";

export interface LocalDynamo {
  endpoint: string;
  close(): Promise<void>;
}

/**
 * dynalite (a DynamoDB-compatible server in Node) on loopback: in memory, or on disk when
 * `dir` is given. It has DynamoDB's item and batch limits but no transactions, which Kodo's
 * DynamoDB stores do not use.
 */
export async function startDynalite({ dir, port = 0 }: { dir?: string; port?: number } = {}): Promise<LocalDynamo> {
  if (dir) mkdirSync(dir, { recursive: true });
  const server = dynalite({ ...(dir ? { path: dir } : {}), createTableMs: 0, deleteTableMs: 0, updateTableMs: 0 });
  await new Promise<void>((resolve, reject) => {
    server.once("error", reject);
    server.listen(port, "127.0.0.1", () => resolve());
  });
  const { port: bound } = server.address() as AddressInfo;
  return {
    endpoint: `http://127.0.0.1:${bound}`,
    close: () => new Promise<void>((resolve) => server.close(() => resolve())),
  };
}

export function localClient(endpoint: string): DynamoDBClient {
  return new DynamoDBClient({ endpoint, region: "local", credentials: { accessKeyId: "local", secretAccessKey: "local" } });
}

/**
 * Creates the template's DynamoDB tables (named by their logical ids) unless they exist, with
 * the key schema and indexes written in template.yaml, so local and deployed tables cannot drift.
 */
export async function createTablesFromTemplate(client: DynamoDBClient, template: Template): Promise<string[]> {
  const names: string[] = [];
  for (const [logicalId, resource] of resourcesOfType(template, "AWS::DynamoDB::Table")) {
    const p = (resource.Properties ?? {}) as Record<string, unknown>;
    const input: CreateTableCommandInput = {
      TableName: logicalId,
      KeySchema: p.KeySchema as CreateTableCommandInput["KeySchema"],
      AttributeDefinitions: p.AttributeDefinitions as CreateTableCommandInput["AttributeDefinitions"],
      BillingMode: "PAY_PER_REQUEST",
      ...(p.GlobalSecondaryIndexes ? { GlobalSecondaryIndexes: p.GlobalSecondaryIndexes as CreateTableCommandInput["GlobalSecondaryIndexes"] } : {}),
    };
    try {
      await client.send(new CreateTableCommand(input));
    } catch (err) {
      if (!(err instanceof Error && err.name === "ResourceInUseException")) throw err;
    }
    for (let i = 0; ; i++) {
      const { Table } = await client.send(new DescribeTableCommand({ TableName: logicalId }));
      if (Table?.TableStatus === "ACTIVE") break;
      if (i > 200) throw new Error(`table ${logicalId} did not become active`);
      await new Promise((r) => setTimeout(r, 25));
    }
    names.push(logicalId);
  }
  return names;
}
