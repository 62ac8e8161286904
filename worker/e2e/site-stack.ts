/**
 * The whole local stack for browser tests, on either platform: the API and the dashboard
 * (`cloudflare`: two wrangler dev processes, scripts/local-worker.mjs startKodo, as `npm start`;
 * `aws`: `npm run sam:local`'s entry, the two Lambda bundles behind the local HTTP API on
 * dynalite), a real OpenID Connect server (oauth2-mock-server) on loopback standing in for
 * Google/Facebook/Amazon, and Debian's chromium driven by Playwright. One stack per test file
 * (or per target of a file that runs on both).
 */
import { spawn } from "node:child_process";
import { mkdtemp, readdir, rm } from "node:fs/promises";
import os from "node:os";
import path from "node:path";
import { DatabaseSync } from "node:sqlite";
import { OAuth2Server } from "oauth2-mock-server";
import { chromium, type Browser, type BrowserContext, type Page } from "playwright-core";
import { DynamoDBClient, ListTablesCommand, ScanCommand } from "@aws-sdk/client-dynamodb";
import { ROOT, freePort, startKodo } from "../../scripts/local-worker.mjs";

/** Where the stack runs: `npm start`'s Cloudflare stand-in or `npm run sam:local`'s AWS one. */
export type Target = "cloudflare" | "aws";

/** The targets a file that runs on both should run on (KODO_E2E_TARGETS=cloudflare,aws by default). */
export const TARGETS: Target[] = (process.env.KODO_E2E_TARGETS ?? "cloudflare,aws").split(",").map((t) => {
  if (t !== "cloudflare" && t !== "aws") throw new Error(`KODO_E2E_TARGETS: unknown target ${t}`);
  return t;
});

export const CHROMIUM_ARGS = ["--headless", "--no-sandbox", "--disable-gpu", "--disable-background-networking", "--disable-component-update", "--disable-sync", "--no-first-run"];

/** Who the OIDC server says signed in; a test sets it before each OAuth sign-in. */
export interface Identity {
  sub: string;
  email: string;
  name: string;
}

export interface Stack {
  target: Target;
  siteUrl: string;
  apiUrl: string;
  issuerUrl: string;
  persistTo: string;
  browser: Browser;
  identity: Identity;
  /** Called with the provider's redirect back to Kodo (code + state); may change it in place. */
  onAuthorizeRedirect: ((url: URL) => void) | null;
  /** A fresh browser profile (cookies of its own). */
  newContext(): Promise<BrowserContext>;
  close(): Promise<void>;
  /** Worker output (for failures). */
  logs(): string;
  /**
   * Everything the stack stored (D1 and Durable Object rows; DynamoDB items), lower-cased, that
   * contains one of `needles` (lower-cased too): to look for traces of a user.
   */
  traces(needles: string[]): Promise<string[]>;
}

interface Platform {
  siteUrl: string;
  apiUrl: string;
  persistTo: string;
  logs(): string;
  stop(): Promise<unknown>;
  traces(needles: string[]): Promise<string[]>;
}

export interface StackOptions {
  /**
   * The name the dashboard is reached by: "localhost" for passkeys (WebAuthn refuses an IP
   * address as the relying party's id); 127.0.0.1 otherwise. It listens on 127.0.0.1 either way.
   */
  siteHost?: "127.0.0.1" | "localhost";
  /**
   * Offer GitHub sign-in, its OAuth endpoints on the stack's oauth2-mock-server (/authorize,
   * /token; client id "kodo-github-e2e") and its REST API (/user, /user/emails) at this URL.
   */
  githubApiUrl?: string;
}

export async function startStack(vars: Record<string, string> = {}, target: Target = "cloudflare", options: StackOptions = {}): Promise<Stack> {
  const siteHost = options.siteHost ?? "127.0.0.1";
  const persistTo = await mkdtemp(path.join(os.tmpdir(), "kodo-site-e2e-"));
  const oauth = new OAuth2Server();
  await oauth.issuer.keys.generate("RS256");
  await oauth.start(await freePort(), "127.0.0.1");
  const issuerUrl = oauth.issuer.url!;
  const stack = { identity: { sub: "oidc-user-1", email: "oidc.user@example.com", name: "Oidc User" }, onAuthorizeRedirect: null } as Stack;
  oauth.service.on("beforeAuthorizeRedirect", (redirect: { url: URL }) => stack.onAuthorizeRedirect?.(redirect.url));
  // The provider vouches for whoever the test says, in the ID token and at userinfo.
  oauth.service.on("beforeTokenSigning", (token) => {
    if (token.payload.aud === "kodo-e2e") Object.assign(token.payload, { sub: stack.identity.sub, email: stack.identity.email, email_verified: true, name: stack.identity.name });
  });
  oauth.service.on("beforeUserinfo", (userInfo) => {
    userInfo.body = { sub: stack.identity.sub, email: stack.identity.email, email_verified: true, name: stack.identity.name };
  });

  const allVars = {
    BETTER_AUTH_SECRET: "e2e-secret-0123456789abcdef0123456789abcdef",
    KODO_LOCAL_OUTBOX: "1",
    OIDC_ISSUER: issuerUrl,
    OIDC_CLIENT_ID: "kodo-e2e",
    OIDC_CLIENT_SECRET: "kodo-e2e-secret",
    OIDC_NAME: "Test SSO",
    ...(options.githubApiUrl
      ? {
          GITHUB_CLIENT_ID: "kodo-github-e2e",
          GITHUB_CLIENT_SECRET: "kodo-github-e2e-secret",
          GITHUB_AUTHORIZATION_URL: `${issuerUrl}/authorize`,
          GITHUB_TOKEN_URL: `${issuerUrl}/token`,
          GITHUB_API_URL: options.githubApiUrl,
        }
      : {}),
    ...vars,
  };
  const kodo = await (target === "aws" ? startSamLocal(persistTo, allVars, siteHost) : startCloudflare(persistTo, allVars, siteHost)).catch(async (err) => {
    await oauth.stop();
    await rm(persistTo, { recursive: true, force: true });
    throw err;
  });
  const browser = await chromium.launch({ executablePath: "/usr/bin/chromium", args: CHROMIUM_ARGS }).catch(async (err) => {
    await kodo.stop();
    await oauth.stop();
    await rm(persistTo, { recursive: true, force: true });
    throw new Error(`chromium did not start (apt-get install chromium): ${err}`);
  });

  return Object.assign(stack, {
    target,
    siteUrl: kodo.siteUrl,
    apiUrl: kodo.apiUrl,
    issuerUrl,
    persistTo,
    browser,
    newContext: () => browser.newContext({ acceptDownloads: true }),
    logs: kodo.logs,
    traces: kodo.traces,
    async close() {
      await browser.close().catch(() => {});
      await kodo.stop();
      await oauth.stop();
      await rm(persistTo, { recursive: true, force: true });
    },
  });
}

/** `npm start`'s stack: the worker and the site as two `wrangler dev` processes. */
async function startCloudflare(persistTo: string, vars: Record<string, string>, siteHost: string): Promise<Platform> {
  const kodo = await startKodo({ persistTo, vars, siteHost });
  return {
    siteUrl: kodo.site.url,
    apiUrl: kodo.api.url,
    persistTo,
    logs: () => `--- api ---\n${kodo.api.output().slice(-4000)}\n--- site ---\n${kodo.site.output().slice(-2000)}`,
    stop: () => kodo.stop(),
    async traces(needles) {
      const lower = needles.map((n) => n.toLowerCase());
      return (await persistedRows(persistTo)).filter(({ row }) => lower.some((n) => row.includes(n))).map((t) => `${t.file} ${t.table}: ${t.row.slice(0, 300)}`);
    },
  };
}

/**
 * `npm run sam:local`'s stack, started as a developer starts it (sam/local/main.ts, its own
 * process), on free ports and an in-memory dynalite; `vars` reach both functions' environment.
 */
async function startSamLocal(persistTo: string, vars: Record<string, string>, siteHost: string): Promise<Platform> {
  const sitePort = await freePort();
  const child = spawn(process.execPath, [path.join(ROOT, "sam", "local", "main.ts")], {
    cwd: path.join(ROOT, "sam"),
    env: {
      ...process.env,
      ...(siteHost === "127.0.0.1" ? {} : { BETTER_AUTH_URL: `http://${siteHost}:${sitePort}` }),
      ...vars,
      KODO_PORT: String(await freePort()),
      KODO_SITE_PORT: String(sitePort),
      KODO_DYNALITE: "memory",
      KODO_KEY_FILE: path.join(persistTo, "local-api-key"),
      KODO_BUILD_DIR: path.join(persistTo, "build"),
    },
    stdio: ["ignore", "pipe", "pipe"],
    detached: true,
  });
  let output = "";
  const onData = (d: Buffer) => {
    output += d.toString();
    if (output.length > 200_000) output = output.slice(-100_000);
  };
  child.stdout.on("data", onData);
  child.stderr.on("data", onData);
  const stop = () =>
    new Promise<void>((resolve) => {
      if (child.exitCode !== null || child.signalCode !== null) return resolve();
      child.once("exit", () => resolve());
      process.kill(-child.pid!, "SIGTERM");
      setTimeout(() => {
        try {
          process.kill(-child.pid!, "SIGKILL");
        } catch {
          /* gone */
        }
      }, 5_000).unref();
    });
  const started = await new Promise<RegExpExecArray>((resolve, reject) => {
    const timer = setTimeout(() => reject(new Error(`sam:local did not start in 240 s:\n${output.slice(-4000)}`)), 240_000);
    const check = () => {
      const m = /Kodo API: (\S+)\nKodo dashboard: (\S+)\n[\s\S]*DynamoDB on dynalite at (\S+)/.exec(output);
      if (m) {
        clearTimeout(timer);
        resolve(m);
      }
    };
    child.stdout.on("data", check);
    child.once("exit", (code) => {
      clearTimeout(timer);
      reject(new Error(`sam:local exited (${code}):\n${output.slice(-4000)}`));
    });
  }).catch(async (err) => {
    await stop();
    throw err;
  });
  const [, apiUrl, siteUrl, dynamoEndpoint] = started;
  return {
    siteUrl: siteUrl!.replace("//127.0.0.1:", `//${siteHost}:`),
    apiUrl: apiUrl!,
    persistTo,
    logs: () => `--- sam:local ---\n${output.slice(-6000)}`,
    stop,
    async traces(needles) {
      const lower = needles.map((n) => n.toLowerCase());
      const client = new DynamoDBClient({ endpoint: dynamoEndpoint, region: "local", credentials: { accessKeyId: "local", secretAccessKey: "local" } });
      const found: string[] = [];
      try {
        for (const table of (await client.send(new ListTablesCommand({}))).TableNames ?? []) {
          let start: Record<string, unknown> | undefined;
          do {
            const page = await client.send(new ScanCommand({ TableName: table, ExclusiveStartKey: start as never }));
            for (const item of page.Items ?? []) {
              const row = JSON.stringify(item).toLowerCase();
              if (lower.some((n) => row.includes(n))) found.push(`${table}: ${row.slice(0, 300)}`);
            }
            start = page.LastEvaluatedKey;
          } while (start);
        }
      } finally {
        client.destroy();
      }
      return found;
    },
  };
}

/** Goes to `url` and waits until the page is interactive (the layout marks <html data-hydrated>). */
export async function gotoReady(page: Page, url: string): Promise<void> {
  await page.goto(url);
  await page.waitForSelector("html[data-hydrated]", { state: "attached" });
}

/** Calls the API from a signed-in page (its cookie, its CSRF token), as the dashboard's own scripts do. */
export function asUser<T>(page: Page, method: string, apiPath: string, body?: unknown): Promise<T> {
  return page.evaluate(
    async ({ method, apiPath, body }) => {
      const account = await (await fetch("/api/kodo/account")).json();
      const res = await fetch(apiPath, { method, headers: { "content-type": "application/json", "x-csrf-token": account.csrf_token }, body: body === undefined ? undefined : JSON.stringify(body) });
      if (!res.ok) throw new Error(`${method} ${apiPath}: ${res.status} ${await res.text()}`);
      return res.json();
    },
    { method, apiPath, body },
  ) as Promise<T>;
}

/** Signs in through the email link read from the local outbox page; returns the page. */
export async function signInByEmail(stack: Stack, context: BrowserContext, email: string): Promise<Page> {
  const page = await context.newPage();
  await gotoReady(page, `${stack.siteUrl}/sign-in`);
  await page.getByLabel("Email address").fill(email);
  await page.getByRole("button", { name: "Email me a sign-in link" }).click();
  await page.getByText(`We sent a sign-in link to ${email}`).waitFor();
  await page.goto(`${stack.siteUrl}/dev/outbox`);
  const message = page.getByTestId("outbox-message").filter({ hasText: email }).first();
  await message.getByTestId("outbox-link").click();
  await page.getByRole("button", { name: "Sign out" }).waitFor();
  return page;
}

/**
 * Every row of every table of D1 and of every Durable Object the stack persisted, lower-cased,
 * with where it came from: to look for traces of a user. (wrangler dev's own local log store,
 * v3/observability, holds console output and is not Kodo's data.)
 */
export async function persistedRows(persistTo: string): Promise<{ file: string; table: string; row: string }[]> {
  const out: { file: string; table: string; row: string }[] = [];
  const inStorage = (f: string) => f.startsWith(path.join("v3", "d1") + path.sep) || f.startsWith(path.join("v3", "do") + path.sep);
  const files = (await readdir(persistTo, { recursive: true })).filter((f) => f.endsWith(".sqlite") && inStorage(f));
  for (const file of files) {
    const db = new DatabaseSync(path.join(persistTo, file), { readOnly: true });
    try {
      const tables = db.prepare("SELECT name FROM sqlite_master WHERE type = 'table' AND name NOT LIKE 'sqlite_%'").all() as { name: string }[];
      for (const { name } of tables) {
        // Integers such as workerd's own alarm times (nanoseconds) exceed a double: read as BigInt.
        const rows = db.prepare(`SELECT * FROM "${name}"`);
        rows.setReadBigInts(true);
        for (const row of rows.all()) {
          out.push({ file, table: name, row: JSON.stringify(row, (_, v) => (typeof v === "bigint" ? v.toString() : v)).toLowerCase() });
        }
      }
    } finally {
      db.close();
    }
  }
  return out;
}

/** Rows of D1's table (read straight from its SQLite file). */
export async function d1Rows(persistTo: string, table: string): Promise<Record<string, unknown>[]> {
  const files = (await readdir(persistTo, { recursive: true })).filter((f) => f.includes(`${path.sep}d1${path.sep}`) && f.endsWith(".sqlite"));
  const rows: Record<string, unknown>[] = [];
  for (const file of files) {
    const db = new DatabaseSync(path.join(persistTo, file), { readOnly: true });
    try {
      const has = db.prepare("SELECT 1 FROM sqlite_master WHERE type = 'table' AND name = ?").get(table);
      if (has) rows.push(...(db.prepare(`SELECT * FROM "${table}"`).all() as Record<string, unknown>[]));
    } finally {
      db.close();
    }
  }
  return rows;
}
