/**
 * Sign-in where developers are, in real Chromium on both platforms' local stacks
 * (KODO_E2E_TARGETS): GitHub through oauth2-mock-server (its /authorize and /token; GitHub's
 * REST API, /user and /user/emails, from a loopback stand-in here), and passkeys with Chrome's
 * virtual authenticator (CDP WebAuthn.addVirtualAuthenticator: CTAP2, internal, resident keys,
 * user verification): added on the account page, used to sign in, required as the second
 * factor after an email link, and gone with the account.
 *
 * The dashboard is reached as http://localhost:<port>: WebAuthn refuses an IP address as the
 * relying party's id, so BETTER_AUTH_URL (and the passkeys' rpID) is localhost here.
 */
import http from "node:http";
import type { AddressInfo } from "node:net";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import type { BrowserContext, CDPSession, Page } from "playwright-core";
import { TARGETS, gotoReady, signInByEmail, startStack, type Stack } from "./site-stack.ts";

/** Who GitHub's API says signed in, and its addresses (GitHub's /user/emails shape). */
interface GitHubUser {
  id: number;
  login: string;
  name: string | null;
  emails: { email: string; primary: boolean; verified: boolean; visibility: string | null }[];
}

/** GitHub's REST API as Kodo reads it: /user and /user/emails, for a bearer token. */
async function startGitHubApi(who: () => GitHubUser): Promise<{ url: string; tokens: string[]; close(): Promise<void> }> {
  const tokens: string[] = [];
  const server = http.createServer((req, res) => {
    const auth = req.headers.authorization ?? "";
    if (!/^Bearer \S+$/.test(auth)) {
      res.writeHead(401, { "content-type": "application/json" }).end(JSON.stringify({ message: "Requires authentication" }));
      return;
    }
    tokens.push(auth.slice(7));
    const user = who();
    const body = req.url === "/user" ? { id: user.id, login: user.login, name: user.name, avatar_url: `https://avatars.example/${user.id}` } : req.url === "/user/emails" ? user.emails : null;
    res.writeHead(body ? 200 : 404, { "content-type": "application/json" }).end(JSON.stringify(body ?? { message: "Not Found" }));
  });
  await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", resolve));
  return { url: `http://127.0.0.1:${(server.address() as AddressInfo).port}`, tokens, close: () => new Promise((resolve) => server.close(() => resolve())) };
}

/** Chrome's virtual authenticator on this page (a platform authenticator with a screen lock). */
async function virtualAuthenticator(context: BrowserContext, page: Page): Promise<{ cdp: CDPSession; authenticatorId: string }> {
  const cdp = await context.newCDPSession(page);
  await cdp.send("WebAuthn.enable");
  const { authenticatorId } = await cdp.send("WebAuthn.addVirtualAuthenticator", {
    options: { protocol: "ctap2", transport: "internal", hasResidentKey: true, hasUserVerification: true, isUserVerified: true, automaticPresenceSimulation: true },
  });
  return { cdp, authenticatorId };
}

const accountOf = (page: Page) => page.evaluate(async () => {
  const res = await fetch("/api/kodo/account");
  return { status: res.status, body: res.ok ? ((await res.json()) as { user: { id: string; email: string; username: string }; identities: { provider: string; name?: string }[] }) : null };
});

async function signOut(page: Page): Promise<void> {
  await page.getByRole("button", { name: "Sign out" }).click();
  await page.getByRole("link", { name: "Sign in", exact: true }).first().waitFor();
}

describe.each(TARGETS)("GitHub and passkeys on %s", (target) => {
  let stack: Stack;
  let github: Awaited<ReturnType<typeof startGitHubApi>>;
  let githubUser: GitHubUser;

  beforeAll(async () => {
    github = await startGitHubApi(() => githubUser);
    // The issuer's URL is only known once the stack started it: GitHub's endpoints point at it
    // through the stack's own OIDC server (same /authorize and /token as any OAuth 2.0 server).
    stack = await startStack({}, target, { siteHost: "localhost", githubApiUrl: github.url });
  }, 300_000);

  afterAll(async () => {
    await stack?.close();
    await github?.close();
  });

  it("signs in with GitHub: state and PKCE at GitHub's authorize, the verified primary address, a new account", async () => {
    githubUser = {
      id: 4242,
      login: "octo-dev",
      name: "Octo Dev",
      emails: [
        { email: "octo.noreply@example.com", primary: false, verified: true, visibility: null },
        { email: "octo@example.com", primary: true, verified: true, visibility: "public" },
      ],
    };
    const context = await stack.newContext();
    const page = await context.newPage();
    await gotoReady(page, `${stack.siteUrl}/sign-in`);
    expect(await page.locator("form[action^='/sign-in/'] button").allTextContents()).toContain("Continue with GitHub");
    const authorize = page.waitForRequest((r) => r.url().startsWith(`${stack.issuerUrl}/authorize`));
    await page.getByRole("button", { name: "Continue with GitHub" }).click();
    const params = new URL((await authorize).url()).searchParams;
    expect(params.get("client_id")).toBe("kodo-github-e2e");
    expect(params.get("scope")).toBe("read:user user:email");
    expect(params.get("code_challenge_method")).toBe("S256");
    expect(params.get("state")).toBeTruthy();
    expect(params.get("redirect_uri")).toBe(`${stack.siteUrl}/api/auth/callback/github`);

    await page.waitForURL(`${stack.siteUrl}/account/settings?welcome`);
    const account = await accountOf(page);
    expect(account.body).toMatchObject({ user: { email: "octo@example.com", username: "octo" } });
    expect(account.body!.identities.map((i) => i.provider)).toContain("github");
    // Kodo read GitHub's API with the token the provider issued, and keeps no token itself.
    expect(github.tokens.length).toBeGreaterThanOrEqual(2);
    expect(await stack.traces([github.tokens.at(-1)!])).toEqual([]);
    await context.close();
  });

  it("refuses a GitHub account whose primary address is not verified, even when the address has a Kodo account", async () => {
    const owner = await stack.newContext();
    const ownerPage = await signInByEmail(stack, owner, "victim@example.com");
    const victim = (await accountOf(ownerPage)).body!;
    await owner.close();

    githubUser = { id: 666, login: "mallory", name: "Mallory", emails: [{ email: "victim@example.com", primary: true, verified: false, visibility: null }] };
    const context = await stack.newContext();
    const page = await context.newPage();
    await gotoReady(page, `${stack.siteUrl}/sign-in`);
    await page.getByRole("button", { name: "Continue with GitHub" }).click();
    await page.waitForURL(/\/sign-in\?error=/);
    expect(await page.getByTestId("sign-in-error").textContent()).toMatch(/verified primary address/);
    expect((await accountOf(page)).status).toBe(401);
    // The victim's account gained no GitHub identity.
    const again = await stack.newContext();
    const check = await signInByEmail(stack, again, "victim@example.com");
    const after = (await accountOf(check)).body!;
    expect(after.user.id).toBe(victim.user.id);
    expect(after.identities.map((i) => i.provider)).toEqual(["email"]);
    await again.close();
    await context.close();
  });

  describe("passkeys", () => {
    let context: BrowserContext;
    let page: Page;
    let authenticator: { cdp: CDPSession; authenticatorId: string };
    let userId = "";
    const NAME = "e2e desk passkey";

    beforeAll(async () => {
      context = await stack.newContext();
    });
    afterAll(async () => context?.close());

    it("adds a passkey on the account page and renames it; the browser's authenticator holds it", async () => {
      page = await signInByEmail(stack, context, "passkey.user@example.com");
      authenticator = await virtualAuthenticator(context, page);
      userId = (await accountOf(page)).body!.user.id;

      await gotoReady(page, `${stack.siteUrl}/account/passkeys`);
      await page.getByText("No passkeys yet.").waitFor();
      await page.getByLabel(/^Name/).fill("Laptop");
      await page.getByRole("button", { name: "Add a passkey" }).click();
      await page.getByTestId("passkey-added").waitFor();
      await expect.poll(() => page.getByTestId("passkeys-table").textContent()).toContain("This device only");

      const { credentials } = await authenticator.cdp.send("WebAuthn.getCredentials", { authenticatorId: authenticator.authenticatorId });
      expect(credentials).toHaveLength(1);
      expect(credentials[0]).toMatchObject({ isResidentCredential: true, rpId: "localhost" });

      await page.getByLabel("Name of Laptop").fill(NAME);
      await page.getByRole("button", { name: "Rename Laptop" }).click();
      await page.getByText("Passkey renamed.").waitFor();
      await expect.poll(async () => (await accountOf(page)).body!.identities.find((i) => i.provider === "passkey")?.name).toBe(NAME);
    });

    it("signs out and back in with the passkey alone", async () => {
      await signOut(page);
      await gotoReady(page, `${stack.siteUrl}/sign-in?next=/account/passkeys`);
      await page.getByRole("button", { name: "Sign in with a passkey" }).click();
      await page.waitForURL(`${stack.siteUrl}/account/passkeys`);
      await page.getByRole("button", { name: "Sign out" }).waitFor();
      const account = await accountOf(page);
      expect(account.body!.user.id).toBe(userId);
      // The signature counter moved on (a cloned credential would fall behind).
      const { credentials } = await authenticator.cdp.send("WebAuthn.getCredentials", { authenticatorId: authenticator.authenticatorId });
      expect(credentials[0]!.signCount).toBeGreaterThanOrEqual(1);
    });

    it("as the second factor: an email link alone no longer signs in; the passkey completes it", async () => {
      await gotoReady(page, `${stack.siteUrl}/account/passkeys`);
      await page.getByLabel("Require a passkey after signing in").check();
      await page.getByRole("button", { name: "Save" }).click();
      await page.getByText("From now on, every sign-in must be confirmed with a passkey.").waitFor();
      // This session (the one that turned it on) is still signed in.
      expect((await accountOf(page)).status).toBe(200);
      await signOut(page);

      await gotoReady(page, `${stack.siteUrl}/sign-in`);
      await page.getByLabel("Email address").fill("passkey.user@example.com");
      await page.getByRole("button", { name: "Email me a sign-in link" }).click();
      await page.getByText("We sent a sign-in link to passkey.user@example.com").waitFor();
      await page.goto(`${stack.siteUrl}/dev/outbox`);
      await page.getByTestId("outbox-message").filter({ hasText: "passkey.user@example.com" }).first().getByTestId("outbox-link").click();
      // The link lands on the home page (its callback), signed out as far as Kodo is concerned.
      await page.waitForURL(`${stack.siteUrl}/`);
      await page.waitForSelector("html[data-hydrated]", { state: "attached" });
      await page.getByRole("link", { name: "Sign in", exact: true }).first().waitFor();
      // Signed in to Better Auth, not to Kodo: the pages send it to the passkey step.
      expect((await accountOf(page)).status).toBe(401);
      await gotoReady(page, `${stack.siteUrl}/account/keys`);
      await page.waitForURL(/\/sign-in\?next=%2Faccount%2Fkeys/);
      await page.getByTestId("second-factor").waitFor();
      expect(await page.getByRole("heading", { level: 1 }).textContent()).toBe("Confirm it's you");
      // It can manage no passkeys meanwhile.
      const list = await page.evaluate(async () => (await fetch("/api/auth/passkey/list-user-passkeys")).status);
      expect(list).toBe(403);

      const sessionCookie = async () => (await context.cookies(stack.siteUrl)).filter((c) => /session_token$/.test(c.name)).map((c) => `${c.name}=${c.value}`).join("; ");
      const limited = await sessionCookie();
      await page.getByRole("button", { name: "Confirm with a passkey" }).click();
      await page.waitForURL(`${stack.siteUrl}/account/keys`);
      const account = await accountOf(page);
      expect(account.status).toBe(200);
      expect(account.body!.user.id).toBe(userId);
      // The limited session was replaced, not left behind: its cookie is worth nothing now.
      expect(await sessionCookie()).not.toBe(limited);
      const old = await fetch(`${stack.siteUrl.replace("//localhost:", "//127.0.0.1:")}/api/auth/get-session`, { headers: { cookie: limited } });
      expect(await old.json()).toBeNull();
    });

    it("deleting the account deletes its passkeys: nothing stored names the user or the passkey", async () => {
      expect((await stack.traces([userId, NAME])).length).toBeGreaterThan(0);
      const username = (await accountOf(page)).body!.user.username;
      await gotoReady(page, `${stack.siteUrl}/account/delete`);
      await page.getByLabel(/Type your username/).fill(username);
      await page.getByRole("button", { name: "Delete my account and all my data" }).click();
      await page.waitForURL(`${stack.siteUrl}/?deleted`);
      expect(await stack.traces([userId, NAME])).toEqual([]);
      // The authenticator still holds the credential; it signs no one in any more.
      await gotoReady(page, `${stack.siteUrl}/sign-in`);
      await page.getByRole("button", { name: "Sign in with a passkey" }).click();
      await page.getByTestId("passkey-error").waitFor();
      expect((await accountOf(page)).status).toBe(401);
    });
  });
});
