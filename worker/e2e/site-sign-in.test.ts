/**
 * Real-browser sign-in against the locally running worker and dashboard: OpenID Connect
 * through oauth2-mock-server (state + PKCE), email links read from the local outbox, and the
 * failures: a forged OAuth state, a replayed link, cross-site posts.
 */
import http from "node:http";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { freePort } from "../../scripts/local-worker.mjs";
import { d1Rows, signInByEmail, startStack, type Stack } from "./site-stack.ts";

let stack: Stack;

beforeAll(async () => {
  stack = await startStack();
});
afterAll(async () => {
  await stack?.close();
});

async function sessionCount() {
  return (await d1Rows(stack.persistTo, "auth_sessions")).length;
}

describe("sign-in with an OpenID Connect provider", () => {
  it("offers only configured providers, signs a new user in, and back in later as the same user", async () => {
    stack.identity = { sub: "sub-ada-1", email: "ada@example.com", name: "Ada Lovelace" };
    const context = await stack.newContext();
    const page = await context.newPage();
    await page.goto(`${stack.siteUrl}/sign-in`);
    const providerButtons = page.locator("form[action^='/sign-in/'] button");
    expect(await providerButtons.allTextContents()).toEqual(["Continue with Test SSO"]);

    // The authorization request carries state and a PKCE challenge (S256).
    const authorize = page.waitForRequest((r) => r.url().startsWith(`${stack.issuerUrl}/authorize`));
    await page.getByRole("button", { name: "Continue with Test SSO" }).click();
    const params = new URL((await authorize).url()).searchParams;
    expect(params.get("state")).toBeTruthy();
    expect(params.get("code_challenge")).toBeTruthy();
    expect(params.get("code_challenge_method")).toBe("S256");
    expect(params.get("redirect_uri")).toBe(`${stack.siteUrl}/api/auth/callback/oidc`);

    // A new user lands on the settings page, with a username derived from the address.
    await page.waitForURL(`${stack.siteUrl}/account/settings?welcome`);
    await expect.poll(() => page.getByLabel(/^Username/).inputValue()).toBe("ada");
    expect(await page.getByLabel("Display name").inputValue()).toBe("Ada Lovelace");
    const cookie = (await context.cookies()).find((c) => c.name === "kodo.session_token")!;
    expect(cookie).toMatchObject({ httpOnly: true, sameSite: "Lax", secure: false, path: "/" });

    await page.getByRole("button", { name: "Sign out" }).click();
    await page.getByRole("link", { name: "Sign in", exact: true }).first().waitFor();
    expect((await context.cookies()).some((c) => c.name === "kodo.session_token" && c.value)).toBe(false);

    await page.goto(`${stack.siteUrl}/sign-in`);
    await page.getByRole("button", { name: "Continue with Test SSO" }).click();
    await page.waitForURL(`${stack.siteUrl}/`);
    await page.getByTestId("today-total").waitFor();
    const users = (await d1Rows(stack.persistTo, "users")).filter((u) => u.email === "ada@example.com");
    expect(users).toHaveLength(1);
    const accounts = await d1Rows(stack.persistTo, "auth_accounts");
    const ada = accounts.find((a) => a.user_id === users[0]!.id)!;
    expect(ada).toMatchObject({ provider_id: "oidc", account_id: "sub-ada-1" });
    // Kodo keeps no provider tokens.
    expect([ada.access_token, ada.refresh_token, ada.id_token]).toEqual([null, null, null]);
    await context.close();
  });

  it("refuses a callback whose state was forged: no session, an explanation", async () => {
    stack.identity = { sub: "sub-mallory", email: "mallory@example.com", name: "Mallory" };
    const context = await stack.newContext();
    const page = await context.newPage();
    // The provider's redirect comes back with a real code but a state Kodo never issued.
    stack.onAuthorizeRedirect = (url) => url.searchParams.set("state", "forged-state-value");
    const before = await sessionCount();
    try {
      await page.goto(`${stack.siteUrl}/sign-in`);
      await page.getByRole("button", { name: "Continue with Test SSO" }).click();
      await page.waitForURL(/\/sign-in\?error=/);
    } finally {
      stack.onAuthorizeRedirect = null;
    }
    expect(await page.getByTestId("sign-in-error").textContent()).toMatch(/start again|not valid|could not be verified/);
    expect((await context.cookies()).some((c) => c.name === "kodo.session_token" && c.value)).toBe(false);
    expect(await sessionCount()).toBe(before);
    expect((await d1Rows(stack.persistTo, "users")).some((u) => u.email === "mallory@example.com")).toBe(false);
    await context.close();
  });

  it("an OAuth callback replayed in another browser is refused (the state is bound to the browser that started)", async () => {
    stack.identity = { sub: "sub-eve", email: "eve@example.com", name: "Eve" };
    const victim = await stack.newContext();
    const page = await victim.newPage();
    let callback = "";
    // Record the provider's redirect back (code + state) and send the victim elsewhere.
    stack.onAuthorizeRedirect = (url) => {
      callback = url.href;
      url.href = `${stack.siteUrl}/dev/outbox`;
    };
    try {
      await page.goto(`${stack.siteUrl}/sign-in`);
      await page.getByRole("button", { name: "Continue with Test SSO" }).click();
      await page.waitForURL(`${stack.siteUrl}/dev/outbox`);
    } finally {
      stack.onAuthorizeRedirect = null;
    }
    expect(callback).toMatch(/\/api\/auth\/callback\/oidc\?.*state=/);
    const attacker = await stack.newContext();
    const other = await attacker.newPage();
    const before = await sessionCount();
    await other.goto(callback);
    await other.waitForURL(/\/sign-in\?error=/);
    expect((await attacker.cookies()).some((c) => c.name === "kodo.session_token" && c.value)).toBe(false);
    expect(await sessionCount()).toBe(before);
    expect((await d1Rows(stack.persistTo, "users")).some((u) => u.email === "eve@example.com")).toBe(false);
    await victim.close();
    await attacker.close();
  });
});

describe("sign-in by email link", () => {
  it("signs in from the local outbox; the same link used again is refused", async () => {
    const context = await stack.newContext();
    const page = await signInByEmail(stack, context, "grace@example.com");
    await page.goto(`${stack.siteUrl}/account/settings`);
    expect(await page.getByLabel(/^Username/).inputValue()).toBe("grace");
    await page.goto(`${stack.siteUrl}/dev/outbox`);
    const link = await page.getByTestId("outbox-message").filter({ hasText: "grace@example.com" }).first().getByTestId("outbox-link").getAttribute("href");
    expect(link).toMatch(/\/api\/auth\/magic-link\/verify\?token=/);
    await context.close();

    const replay = await stack.newContext();
    const again = await replay.newPage();
    const before = await sessionCount();
    await again.goto(link!);
    await again.waitForURL(/\/sign-in\?error=/);
    expect(await again.getByTestId("sign-in-error").textContent()).toMatch(/not valid|expired/);
    expect((await replay.cookies()).some((c) => c.name === "kodo.session_token" && c.value)).toBe(false);
    expect(await sessionCount()).toBe(before);
    await replay.close();
  });
});

describe("cross-site requests from another origin on the same host", () => {
  it("a page elsewhere cannot post to the dashboard or the API with the user's cookies", async () => {
    const context = await stack.newContext();
    const page = await signInByEmail(stack, context, "victim@example.com");
    const keysBefore = (await d1Rows(stack.persistTo, "api_keys")).length;
    const usersBefore = (await d1Rows(stack.persistTo, "users")).length;

    // 127.0.0.1 on another port is the same *site* (SameSite=Lax cookies go along), but
    // another *origin*: exactly what Origin and CSRF-token checks must stop.
    const evilPort = await freePort();
    const evil = http.createServer((_req, res) => {
      res.setHeader("content-type", "text/html");
      res.end(`<!doctype html><form id="f" method="POST" action="${stack.siteUrl}/account/delete"><input name="confirm" value="victim"></form>
        <script>
          window.fetchResult = fetch("${stack.siteUrl}/api/kodo/account/keys", { method: "POST", credentials: "include", headers: { "content-type": "application/json" }, body: "{}" })
            .then((r) => "status " + r.status, (e) => "blocked: " + e.message);
        </script>`);
    });
    await new Promise<void>((resolve) => evil.listen(evilPort, "127.0.0.1", resolve));
    try {
      await page.goto(`http://127.0.0.1:${evilPort}/`);
      expect(await page.evaluate(() => (window as unknown as { fetchResult: Promise<string> }).fetchResult)).toMatch(/^blocked|status 40[13]/);
      const [response] = await Promise.all([page.waitForResponse((r) => r.url().startsWith(`${stack.siteUrl}/account/delete`)), page.evaluate(() => (document.getElementById("f") as HTMLFormElement).submit())]);
      expect(response.status()).toBe(403);
      await page.waitForURL(`${stack.siteUrl}/account/delete`);
      expect(await page.textContent("body")).toMatch(/Cross-site POST form submissions are forbidden/);
    } finally {
      evil.close();
    }
    expect((await d1Rows(stack.persistTo, "api_keys")).length).toBe(keysBefore);
    expect((await d1Rows(stack.persistTo, "users")).length).toBe(usersBefore);
    await page.goto(`${stack.siteUrl}/account/settings`);
    expect(await page.getByLabel(/^Username/).inputValue()).toBe("victim");
    await context.close();
  });
});

/** Serves `html` on another loopback port (same site, other origin) while `run` goes. */
async function withForeignPage(html: string, run: (url: string) => Promise<void>): Promise<void> {
  const port = await freePort();
  const server = http.createServer((_req, res) => {
    res.setHeader("content-type", "text/html");
    res.end(html);
  });
  await new Promise<void>((resolve) => server.listen(port, "127.0.0.1", resolve));
  try {
    await run(`http://127.0.0.1:${port}/`);
  } finally {
    server.close();
  }
}

describe("sign-out and sign-in/{provider} only from the site's own pages", () => {
  it("a page on another origin posting to /sign-out (a form, or a body-less no-cors fetch) leaves the user signed in", async () => {
    const context = await stack.newContext();
    const page = await signInByEmail(stack, context, "stays@example.com");
    const sessions = await sessionCount();
    await withForeignPage(
      `<!doctype html><form id="f" method="POST" action="${stack.siteUrl}/sign-out"></form>
      <script>
        // No body, so no content type: SvelteKit's own CSRF check does not look at it.
        window.bare = fetch("${stack.siteUrl}/sign-out", { method: "POST", mode: "no-cors", credentials: "include" }).then(() => "sent", (e) => "failed " + e.message);
        window.provider = fetch("${stack.siteUrl}/sign-in/oidc", { method: "POST", mode: "no-cors", credentials: "include" }).then(() => "sent", (e) => "failed " + e.message);
      </script>`,
      async (url) => {
        const refusals: number[] = [];
        page.on("response", (r) => {
          if (r.url().startsWith(`${stack.siteUrl}/sign-`)) refusals.push(r.status());
        });
        await page.goto(url);
        expect(await page.evaluate(() => (window as unknown as { bare: Promise<string> }).bare)).toBe("sent");
        expect(await page.evaluate(() => (window as unknown as { provider: Promise<string> }).provider)).toBe("sent");
        const [response] = await Promise.all([page.waitForResponse((r) => r.url() === `${stack.siteUrl}/sign-out`), page.evaluate(() => (document.getElementById("f") as HTMLFormElement).submit())]);
        expect(response.status()).toBe(403);
        // The form navigated this tab to the refusal: let that navigation end before the next.
        await page.waitForURL(`${stack.siteUrl}/sign-out`, { waitUntil: "load" });
        expect(refusals).toEqual([403, 403, 403]);
      },
    );
    expect(await sessionCount()).toBe(sessions);
    const cookie = (await context.cookies()).find((c) => c.name === "kodo.session_token");
    expect(cookie?.value).toBeTruthy();
    await page.goto(`${stack.siteUrl}/account/settings`);
    expect(await page.getByLabel(/^Username/).inputValue()).toBe("stays");

    // The site's own sign-out button still works.
    await page.getByRole("button", { name: "Sign out" }).click();
    await page.getByRole("link", { name: "Sign in", exact: true }).first().waitFor();
    expect((await context.cookies()).some((c) => c.name === "kodo.session_token" && c.value)).toBe(false);
    expect(await sessionCount()).toBe(sessions - 1);
    await context.close();
  });

  it("the site's own routes read at most 16 KiB of a body, declared or chunked", async () => {
    const form = { origin: stack.siteUrl, "content-type": "application/x-www-form-urlencoded" };
    const declared = await fetch(`${stack.siteUrl}/sign-in?/email`, { method: "POST", headers: form, body: `email=${"a".repeat(100_000)}` });
    expect(declared.status).toBe(413);
    expect(await declared.json()).toEqual({ error: "Body too large: at most 16384 bytes" });
    let pulled = 0;
    const chunked = new ReadableStream<Uint8Array>({
      pull(controller) {
        if (pulled >= 64 * 1024 * 1024) return controller.close();
        pulled += 65_536;
        controller.enqueue(new Uint8Array(65_536).fill(97));
      },
    });
    // The server answers 413 and closes: the client sees the answer or, mid-upload, the close.
    const res = await fetch(`${stack.siteUrl}/sign-in?/email`, { method: "POST", headers: form, body: chunked, duplex: "half" } as RequestInit).then(
      (r) => r.status,
      (e: Error & { cause?: { code?: string } }) => e.cause?.code ?? e.message,
    );
    expect([413, "EPIPE", "ECONNRESET"]).toContain(res);
    // Socket buffers hold some; nowhere near the 64 MiB offered.
    expect(pulled).toBeLessThan(16 * 1024 * 1024);
    const mails = (await d1Rows(stack.persistTo, "outbox_messages")).length;
    const ok = await fetch(`${stack.siteUrl}/sign-in?/email`, { method: "POST", headers: { ...form, accept: "application/json" }, body: "email=small%40example.com" });
    expect(ok.status).toBe(200);
    expect((await d1Rows(stack.persistTo, "outbox_messages")).length).toBe(mails + 1);
  });
});
