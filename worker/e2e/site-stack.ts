/**
 * The whole local stack for browser tests: the API worker and the dashboard (two wrangler dev
 * processes, scripts/local-worker.mjs startKodo), a real OpenID Connect server
 * (oauth2-mock-server) on loopback standing in for Google/Facebook/Amazon, and Debian's
 * chromium driven by Playwright. One stack per test file.
 */
import { mkdtemp, readdir, rm } from "node:fs/promises";
import os from "node:os";
import path from "node:path";
import { DatabaseSync } from "node:sqlite";
import { OAuth2Server } from "oauth2-mock-server";
import { chromium, type Browser, type BrowserContext, type Page } from "playwright-core";
import { freePort, startKodo } from "../../scripts/local-worker.mjs";

export const CHROMIUM_ARGS = ["--headless", "--no-sandbox", "--disable-gpu", "--disable-background-networking", "--disable-component-update", "--disable-sync", "--no-first-run"];

/** Who the OIDC server says signed in; a test sets it before each OAuth sign-in. */
export interface Identity {
  sub: string;
  email: string;
  name: string;
}

export interface Stack {
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
}

export async function startStack(vars: Record<string, string> = {}): Promise<Stack> {
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

  const apiPort = await freePort();
  const sitePort = await freePort();
  const kodo = await startKodo({
    apiPort,
    sitePort,
    persistTo,
    vars: {
      BETTER_AUTH_SECRET: "e2e-secret-0123456789abcdef0123456789abcdef",
      KODO_LOCAL_OUTBOX: "1",
      OIDC_ISSUER: issuerUrl,
      OIDC_CLIENT_ID: "kodo-e2e",
      OIDC_CLIENT_SECRET: "kodo-e2e-secret",
      OIDC_NAME: "Test SSO",
      ...vars,
    },
  }).catch(async (err) => {
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
    siteUrl: kodo.site.url,
    apiUrl: kodo.api.url,
    issuerUrl,
    persistTo,
    browser,
    newContext: () => browser.newContext({ acceptDownloads: true }),
    logs: () => `--- api ---\n${kodo.api.output().slice(-4000)}\n--- site ---\n${kodo.site.output().slice(-2000)}`,
    async close() {
      await browser.close().catch(() => {});
      await kodo.stop();
      await oauth.stop();
      await rm(persistTo, { recursive: true, force: true });
    },
  });
}

/** Goes to `url` and waits until the page is interactive (the layout marks <html data-hydrated>). */
export async function gotoReady(page: Page, url: string): Promise<void> {
  await page.goto(url);
  await page.waitForSelector("html[data-hydrated]", { state: "attached" });
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
