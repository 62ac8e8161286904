import { spawn, type ChildProcess } from "node:child_process";
import { createHash, randomUUID } from "node:crypto";
import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import path from "node:path";
import type { User } from "@kodo/core";
import { ListTablesCommand } from "@aws-sdk/client-dynamodb";
import { DynamoDBDocumentClient, ScanCommand } from "@aws-sdk/lib-dynamodb";
import { documentClient, type Doc } from "../src/dynamo/client.ts";
import { dynamoAccounts } from "../src/dynamo/accounts.ts";
import { createTablesFromTemplate, localClient, startDynalite } from "../local/dynamo.ts";
import { SAM_DIR, loadTemplate } from "../tools/template.ts";

export const ACCOUNTS_TABLE = "AccountsTable";
export const ACTIVITY_TABLE = "ActivityTable";
export const SOCIAL_TABLE = "SocialTable";

export const sha256 = (s: string) => createHash("sha256").update(s).digest("hex");

/** dynalite in memory on loopback, with the tables of template.yaml. */
export async function localDynamo() {
  const dynamo = await startDynalite();
  const client = localClient(dynamo.endpoint);
  await createTablesFromTemplate(client, loadTemplate());
  client.destroy();
  const doc = documentClient({ endpoint: dynamo.endpoint });
  return {
    endpoint: dynamo.endpoint,
    doc,
    close: async () => {
      doc.destroy();
      await dynamo.close();
    },
  };
}

/** Every item of every table (a Scan per table, from the test: the function itself never scans). */
export async function allItems(endpoint: string): Promise<{ table: string; item: Record<string, unknown> }[]> {
  const client = localClient(endpoint);
  const doc = DynamoDBDocumentClient.from(client);
  const out: { table: string; item: Record<string, unknown> }[] = [];
  try {
    for (const table of (await client.send(new ListTablesCommand({}))).TableNames ?? []) {
      let startKey: Record<string, unknown> | undefined;
      do {
        const page = await doc.send(new ScanCommand({ TableName: table, ExclusiveStartKey: startKey, ConsistentRead: true }));
        for (const item of page.Items ?? []) out.push({ table, item });
        startKey = page.LastEvaluatedKey;
      } while (startKey);
    }
  } finally {
    client.destroy();
  }
  return out;
}

/** A user with a full-access key, straight in the accounts table (as the worker's ensureUser does in D1). */
export async function createUser(doc: Doc, opts: { timeZone?: string } = {}): Promise<{ key: string; user: User }> {
  const key = `waka_${randomUUID()}`;
  const user = await dynamoAccounts(doc, ACCOUNTS_TABLE).ensureUserWithKey({
    username: `user_${randomUUID().slice(0, 8)}`,
    keyHash: sha256(key),
    label: "test",
    timeZone: opts.timeZone ?? "UTC",
  });
  return { key, user };
}

export interface RunnerProcess {
  url: string;
  output(): string;
  stop(): Promise<void>;
}

/**
 * Starts `npm run sam:local`'s entry (local/main.ts) as its own process, pointed at a shared
 * DynamoDB endpoint, the way a developer runs it; resolves once it prints its URL.
 */
export async function startRunner(dynamoEndpoint: string, vars: Record<string, string> = {}): Promise<RunnerProcess> {
  const scratch = mkdtempSync(path.join(tmpdir(), "kodo-sam-"));
  const child: ChildProcess = spawn(process.execPath, [path.join(SAM_DIR, "local", "main.ts")], {
    cwd: SAM_DIR,
    env: {
      ...process.env,
      KODO_PORT: "0",
      KODO_SITE: "0",
      KODO_DYNAMO_ENDPOINT: dynamoEndpoint,
      KODO_KEY_FILE: path.join(scratch, "local-api-key"),
      KODO_BUILD_DIR: path.join(scratch, "build"),
      BETTER_AUTH_SECRET: "sam-test-secret-0123456789abcdef0123456789abcdef",
      // Set here so that no test run writes the runner's kept secret into the repository's .kodo.
      KODO_RELAY_SECRET: "sam-test-relay-secret-0123456789abcdef",
      ...vars,
    },
    stdio: ["ignore", "pipe", "pipe"],
  });
  let output = "";
  const onData = (d: Buffer) => {
    output += d.toString();
    if (output.length > 200_000) output = output.slice(-100_000);
  };
  child.stdout!.on("data", onData);
  child.stderr!.on("data", onData);
  const url = await new Promise<string>((resolve, reject) => {
    const timer = setTimeout(() => reject(new Error(`sam:local did not start in 150 s:\n${output}`)), 150_000);
    const check = () => {
      const m = /Kodo API: (http:\/\/127\.0\.0\.1:\d+)/.exec(output);
      if (m) {
        clearTimeout(timer);
        resolve(m[1]!);
      }
    };
    child.stdout!.on("data", check);
    child.once("exit", (code) => {
      clearTimeout(timer);
      reject(new Error(`sam:local exited (${code}):\n${output}`));
    });
  });
  return {
    url,
    output: () => output,
    stop: () =>
      new Promise<void>((resolve) => {
        rmSync(scratch, { recursive: true, force: true });
        if (child.exitCode !== null || child.signalCode !== null) return resolve();
        child.once("exit", () => resolve());
        child.kill("SIGTERM");
        setTimeout(() => child.kill("SIGKILL"), 5_000).unref();
      }),
  };
}
