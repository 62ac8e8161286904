/**
 * The same browser tests against the dashboard on both platforms' local stand-ins: `npm start`
 * (Cloudflare: workerd through wrangler dev) and `npm run sam:local` (AWS: the Lambda bundles
 * behind the local HTTP API, DynamoDB on dynalite), one origin for the pages and /api/* on both.
 * Sign-in by an email link from the local outbox, the dashboard's totals for seeded activity
 * (computed here from the heartbeats), the keys page (a key used by a client, then revoked) and
 * account deletion (nothing stored references the user any more). KODO_E2E_TARGETS picks the
 * targets (default: both).
 */
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import type { BrowserContext, Page } from "playwright-core";
import { TARGETS, asUser as asPage, gotoReady, signInByEmail, startStack, type Stack } from "./site-stack.ts";
import { USER_AGENTS, expectedSeconds, localDay, localMidnight, postSeed, seedActivity, shiftDay, type SeedBeat } from "./dashboard-seed.ts";

const TIME_ZONE = "America/New_York";
const EMAIL = "plat.e2e@example.com";

describe.each(TARGETS)("the dashboard on %s", (target) => {
  let stack: Stack;
  let context: BrowserContext;
  let page: Page;
  let seedKey = "";
  let beats: SeedBeat[] = [];
  let today = "";

  beforeAll(async () => {
    stack = await startStack({}, target);
    context = await stack.newContext();
  }, 300_000);

  afterAll(async () => {
    await context?.close();
    await stack?.close();
  });

  const asUser = <T>(method: string, apiPath: string, body?: unknown): Promise<T> => asPage<T>(page, method, apiPath, body);
  const shown = async (testId: string) => Number(await page.getByTestId(testId).getAttribute("data-seconds"));
  const start = (day: string) => localMidnight(day, TIME_ZONE);

  it("signs in with an email link from the local outbox", async () => {
    page = await signInByEmail(stack, context, EMAIL).catch((err: unknown) => {
      throw new Error(`${err}\n${stack.logs()}`);
    });
    const account = await page.evaluate(async () => (await (await fetch("/api/kodo/account")).json()) as { auth: string; user: { email: string } });
    expect(account).toMatchObject({ auth: "session", user: { email: EMAIL } });
    // The session cookie belongs to the dashboard's origin, which serves the API too.
    const cookies = await context.cookies(stack.siteUrl);
    expect(cookies.some((c) => /kodo\.session_token$/.test(c.name) && c.httpOnly)).toBe(true);
  });

  it("shows the seeded user's totals, equal to those computed from the heartbeats", async () => {
    await asUser("PATCH", "/api/kodo/account", { time_zone: TIME_ZONE });
    seedKey = (await asUser<{ key: string }>("POST", "/api/kodo/account/keys", { label: "seed", scope: "full" })).key;
    const now = Date.now() / 1000;
    today = localDay(now, TIME_ZONE);
    beats = seedActivity(now, TIME_ZONE, 35, 11);
    await postSeed(stack.siteUrl, seedKey, beats);

    await gotoReady(page, `${stack.siteUrl}/dashboard?range=last_7_days`);
    const week = expectedSeconds(beats, () => true, start(shiftDay(today, -6)), start(shiftDay(today, 1)));
    expect(week).toBeGreaterThan(3600);
    expect(await shown("total")).toBeCloseTo(week, 2);
    expect(await shown("today-total")).toBeCloseTo(expectedSeconds(beats, () => true, start(today), start(shiftDay(today, 1))), 2);

    await page.getByTestId("range").selectOption("last_30_days");
    await page.waitForURL(/range=last_30_days/);
    await expect.poll(() => shown("total")).toBeCloseTo(expectedSeconds(beats, () => true, start(shiftDay(today, -29)), start(shiftDay(today, 1))), 2);
    await page.getByTestId("filter-project").selectOption("kodo");
    await page.waitForURL(/project=kodo/);
    await expect.poll(() => shown("total")).toBeCloseTo(expectedSeconds(beats, (b) => b.project === "kodo", start(shiftDay(today, -29)), start(shiftDay(today, 1))), 2);
  });

  it("creates a key on the keys page, shown once, that a WakaTime client uses; revoking it refuses the next request", async () => {
    await gotoReady(page, `${stack.siteUrl}/account/keys`);
    await page.getByLabel(/^Label/).fill("desk");
    await page.getByLabel("Full access (send heartbeats)").check();
    await page.getByRole("button", { name: "Create key" }).click();
    const key = (await page.getByTestId("new-key-value").textContent())!.trim();
    expect(key).toMatch(/^waka_[0-9a-f-]{36}$/);
    expect(await page.getByTestId("wakatime-cfg").textContent()).toContain(`api_url = ${stack.siteUrl}/api/v1`);

    const send = (time: number) =>
      fetch(`${stack.siteUrl}/api/v1/users/current/heartbeats`, {
        method: "POST",
        headers: { authorization: `Basic ${btoa(key)}`, "content-type": "application/json", "user-agent": USER_AGENTS["VS Code"] },
        body: JSON.stringify({ entity: "/home/plat/desk.ts", type: "file", time, project: "desk", language: "TypeScript" }),
      });
    expect((await send(Date.now() / 1000 - 30)).status).toBe(201);

    await gotoReady(page, `${stack.siteUrl}/account/keys`);
    page.once("dialog", (d) => void d.accept());
    await page.getByRole("button", { name: "Revoke desk" }).click();
    await page.getByText("Key revoked").waitFor();
    // The seed key is still listed; the revoked one is not, and the client is refused.
    expect(await page.getByTestId("keys-table").textContent()).not.toContain("desk");
    await expect.poll(async () => (await send(Date.now() / 1000 - 20)).status, { timeout: 10_000 }).toBe(401);
  });

  it("deletes the account from the dashboard: nothing stored references the user, the old session is dead", async () => {
    const account = await page.evaluate(async () => (await (await fetch("/api/kodo/account")).json()) as { user: { id: string; username: string } });
    const needles = [account.user.id, EMAIL, "/home/dev/kodo/src/"];
    expect((await stack.traces(needles)).length).toBeGreaterThan(0);
    const cookie = (await context.cookies(stack.siteUrl)).map((c) => `${c.name}=${c.value}`).join("; ");

    await gotoReady(page, `${stack.siteUrl}/account/delete`);
    await page.getByLabel(/Type your username/).fill(account.user.username);
    await page.getByRole("button", { name: "Delete my account and all my data" }).click();
    await page.waitForURL(`${stack.siteUrl}/?deleted`);
    await page.getByText("Your account and everything Kodo held about it have been deleted.").waitFor();

    expect(await stack.traces(needles)).toEqual([]);
    expect((await fetch(`${stack.siteUrl}/api/kodo/account`, { headers: { cookie } })).status).toBe(401);
    expect((await fetch(`${stack.siteUrl}/api/v1/users/current`, { headers: { authorization: `Basic ${btoa(seedKey)}` } })).status).toBe(401);
  });
});
