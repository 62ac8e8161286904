/**
 * Issue 9's sharing, friends, leaderboard and public-profile pages in a real browser (Debian
 * chromium) against the local site and worker: two users become friends through the friends
 * page and see each other on the friends leaderboard with totals computed here from the seeded
 * heartbeats; a friend's page shows only what their sharing allows (a hidden project's name
 * never reaches the HTML); a public profile renders with Open Graph tags in the server's HTML
 * while private and unknown users get the same 404. Screenshot: test-results/social/.
 */
import { mkdir } from "node:fs/promises";
import path from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { ROOT } from "../../scripts/local-worker.mjs";
import { A, asUser, B, SECRET, startSocialStack, type SocialStack } from "./social-helpers.ts";
import { expectedSeconds, postSeed } from "./dashboard-seed.ts";
import { gotoReady } from "./site-stack.ts";

const SHOTS = path.join(ROOT, "test-results", "social");
let s: SocialStack;

beforeAll(async () => {
  s = await startSocialStack();
  await mkdir(SHOTS, { recursive: true });
}, 300_000);

afterAll(async () => {
  await s?.close();
});

describe("sharing, friends and the friends leaderboard", () => {
  it("B shares languages but hides project names, through the sharing form", async () => {
    await gotoReady(s.pageB, `${s.stack.siteUrl}/account/sharing`);
    // Private by default: nothing ticked, projects hidden.
    expect(await s.pageB.getByLabel(/^Public profile/).isChecked()).toBe(false);
    expect(await s.pageB.getByLabel("Project names").inputValue()).toBe("hidden");
    await s.pageB.getByLabel("Languages", { exact: true }).check();
    await s.pageB.getByLabel("Editors", { exact: true }).uncheck();
    await s.pageB.screenshot({ path: path.join(SHOTS, "sharing.png"), fullPage: true });
    await s.pageB.getByRole("button", { name: "Save sharing settings" }).click();
    await s.pageB.getByText(/^Saved\./).waitFor();
    const sharing = await asUser<{ languages: boolean; editors: boolean; projects: string; publicProfile: boolean }>(s.pageB, "GET", "/api/kodo/sharing");
    expect(sharing).toMatchObject({ languages: true, editors: false, projects: "hidden", publicProfile: false });
  });

  it("A sends a request by username, B accepts, and each lists the other", async () => {
    await gotoReady(s.pageA, `${s.stack.siteUrl}/friends`);
    // An unknown username gets the same words as a real one, and is listed as pending like one.
    await s.pageA.getByLabel("Add a friend by username").fill("nobody-at-all-zz");
    await s.pageA.getByRole("button", { name: "Send request" }).click();
    await s.pageA.getByText("If @nobody-at-all-zz exists, they have your friend request").waitFor();
    await s.pageA.getByTestId("outgoing").filter({ hasText: "@nobody-at-all-zz" }).waitFor();
    await s.pageA.getByRole("button", { name: "Cancel request to @nobody-at-all-zz" }).click();
    await s.pageA.getByText("Done.").waitFor();
    expect(await s.pageA.getByTestId("outgoing").count()).toBe(0);
    await s.pageA.getByLabel("Add a friend by username").fill(B);
    await s.pageA.getByRole("button", { name: "Send request" }).click();
    await s.pageA.getByText(`If @${B} exists, they have your friend request`).waitFor();
    await s.pageA.getByTestId("outgoing").filter({ hasText: `@${B}` }).waitFor();

    await gotoReady(s.pageB, `${s.stack.siteUrl}/friends`);
    await s.pageB.getByRole("button", { name: `Accept @${A}` }).click();
    await s.pageB.getByTestId("friend").filter({ hasText: `@${A}` }).waitFor();

    await gotoReady(s.pageA, `${s.stack.siteUrl}/friends`);
    await s.pageA.getByTestId("friend").filter({ hasText: `@${B}` }).waitFor();
    expect(await s.pageA.getByTestId("outgoing").count()).toBe(0);
    await s.pageA.screenshot({ path: path.join(SHOTS, "friends.png"), fullPage: true });
  });

  it("A sees B on the friends leaderboard with the seeded totals, and A's own row highlighted", async () => {
    await s.pageA.setViewportSize({ width: 1280, height: 900 });
    await gotoReady(s.pageA, `${s.stack.siteUrl}/leaderboards?scope=friends&range=last_7_days`);
    const row = (u: string) => s.pageA.locator(`[data-testid=leader-row][data-username="${u}"]`);
    await row(B).waitFor();
    expect(Number(await row(B).getByTestId("leader-total").getAttribute("data-seconds"))).toBeCloseTo(s.week(s.beatsB), 0);
    expect(Number(await row(A).getByTestId("leader-total").getAttribute("data-seconds"))).toBeCloseTo(s.week(s.beatsA), 0);
    expect(await row(A).getAttribute("aria-current")).toBe("true");
    // B shares languages: listed; the hidden project's name is nowhere in the HTML.
    expect(await row(B).textContent()).toContain("Go");
    expect(await s.pageA.content()).not.toContain(SECRET);
    await s.pageA.screenshot({ path: path.join(SHOTS, "leaderboard-friends.png"), fullPage: true });
  });

  it("B opts in to the global leaderboard; A filters it by language", async () => {
    await gotoReady(s.pageB, `${s.stack.siteUrl}/account/sharing`);
    await s.pageB.getByLabel(/^Appear on the global leaderboard/).check();
    await s.pageB.getByRole("button", { name: "Save sharing settings" }).click();
    await s.pageB.getByText(/^Saved\./).waitFor();

    await gotoReady(s.pageA, `${s.stack.siteUrl}/leaderboards`);
    expect(await s.pageA.getByTestId("tab-global").getAttribute("aria-current")).toBe("page");
    await s.pageA.getByTestId("language").fill("Go");
    await s.pageA.getByTestId("language").press("Enter");
    await s.pageA.waitForURL(/language=Go/);
    const row = s.pageA.locator(`[data-testid=leader-row][data-username="${B}"]`);
    await row.waitFor();
    expect(Number(await row.getByTestId("leader-total").getAttribute("data-seconds"))).toBeCloseTo(s.week(s.beatsB, (b) => b.language === "Go"), 0);
    // A did not opt in: not listed, and told how to appear.
    expect(await s.pageA.locator(`[data-testid=leader-row][data-username="${A}"]`).count()).toBe(0);
    await s.pageA.getByText("You are not on the global board.").waitFor();
    expect(await s.pageA.content()).not.toContain(SECRET);
  });

  it("A's page of B's stats shows languages but no project names", async () => {
    await gotoReady(s.pageA, `${s.stack.siteUrl}/friends/${B}?range=last_7_days`);
    expect(Number(await s.pageA.getByTestId("stats-total").getAttribute("data-seconds"))).toBeCloseTo(s.week(s.beatsB), 0);
    expect(await s.pageA.getByTestId("list-languages").textContent()).toContain("Rust");
    expect(await s.pageA.getByTestId("list-projects").textContent()).toContain("Not shared");
    expect(await s.pageA.getByTestId("list-editors").textContent()).toContain("Not shared");
    const html = await s.pageA.content();
    expect(html).not.toContain(SECRET);
    expect(html).not.toContain("harbor");
    await s.pageA.screenshot({ path: path.join(SHOTS, "friend-stats.png"), fullPage: true });
  });
});

describe("public profile", () => {
  it("renders with Open Graph tags once enabled; private and unknown users get the same 404", async () => {
    const anon = await s.stack.newContext();
    try {
      const visitor = await anon.newPage();
      const privateRes = await visitor.goto(`${s.stack.siteUrl}/@${B}`);
      expect(privateRes?.status()).toBe(404);
      const privateText = await visitor.locator("main").textContent();
      const unknownRes = await visitor.goto(`${s.stack.siteUrl}/@nobody-here-123`);
      expect(unknownRes?.status()).toBe(404);
      expect(await visitor.locator("main").textContent()).toBe(privateText);

      await gotoReady(s.pageA, `${s.stack.siteUrl}/account/sharing`);
      await s.pageA.getByLabel(/^Public profile/).check();
      await s.pageA.getByLabel("Languages", { exact: true }).check();
      await s.pageA.getByRole("button", { name: "Save sharing settings" }).click();
      await s.pageA.getByText(/^Saved\./).waitFor();

      const res = await visitor.goto(`${s.stack.siteUrl}/@${A}`);
      expect(res?.status()).toBe(200);
      // Server-rendered: the tags are in the HTML as sent, before any script runs.
      const html = await res!.text();
      const meta = (attr: string, name: string) => html.match(new RegExp(`<meta ${attr}="${name}" content="([^"]*)"`))?.[1];
      expect(meta("property", "og:title")).toBe("Alice Social on Kodo");
      expect(meta("property", "og:description")).toMatch(/of coding in the last 7 days/);
      expect(meta("property", "og:image")).toBe(`${s.stack.siteUrl}/api/badge/${A}/last_7_days.svg`);
      expect(meta("name", "twitter:card")).toBe("summary");
      expect(Number(await visitor.getByTestId("stats-total").getAttribute("data-seconds"))).toBeCloseTo(s.week(s.beatsA), 0);
      expect(await visitor.getByTestId("list-languages").textContent()).toContain("TypeScript");
      // Phone width, dark theme: for looking at.
      await anon.addCookies([{ name: "kodo-theme", value: "dark", url: s.stack.siteUrl }]);
      await visitor.setViewportSize({ width: 390, height: 844 });
      await gotoReady(visitor, `${s.stack.siteUrl}/@${A}`);
      await visitor.screenshot({ path: path.join(SHOTS, "profile-phone-dark.png"), fullPage: true });
    } finally {
      await anon.close();
    }
  });
});

describe("goals", () => {
  it("creates a weekly goal on one project through the form and shows its progress", async () => {
    // This week (Monday, UTC: A's zone) so far, on project atlas, from the seeded heartbeats.
    const DAY = 86_400;
    const today = Math.floor(Date.now() / 1000 / DAY) * DAY;
    const monday = today - ((new Date(today * 1000).getUTCDay() + 6) % 7) * DAY;
    // Ten more minutes on atlas, inside this week, so its progress is never empty (even minutes
    // after Monday's midnight, when "12 minutes ago" is last week: then they end a little ahead,
    // within the hour ingest accepts).
    const now = Math.floor(Date.now() / 1000);
    const start = Math.max(now - 720, monday + 60);
    const fresh = Array.from({ length: 11 }, (_, i) => ({ ...s.beatsA[0]!, time: start + i * 60 }));
    const { key } = await asUser<{ key: string }>(s.pageA, "POST", "/api/kodo/account/keys", { label: "goals", scope: "full" });
    await postSeed(s.stack.apiUrl, key, fresh);
    const expected = expectedSeconds([...s.beatsA, ...fresh], (b) => b.project === "atlas", monday, today + DAY);
    expect(expected).toBeGreaterThanOrEqual(600);
    await gotoReady(s.pageA, `${s.stack.siteUrl}/goals`);
    await s.pageA.getByLabel("Every").selectOption("week");
    await s.pageA.getByLabel("Hours").fill("3");
    await s.pageA.getByLabel("Minutes").fill("0");
    await s.pageA.getByLabel("Counting").selectOption("project");
    await s.pageA.getByLabel("Project", { exact: true }).fill("atlas");
    await s.pageA.getByRole("button", { name: "Add goal" }).click();
    await s.pageA.getByText("Goal created.").waitFor();
    const goal = s.pageA.getByTestId("goal").filter({ hasText: "3 hrs on atlas a week" });
    expect(Number(await goal.getAttribute("data-seconds"))).toBeCloseTo(expected, 0);
    const [listed] = await asUser<{ progress: { seconds: number } }[]>(s.pageA, "GET", "/api/kodo/goals");
    expect(listed!.progress.seconds).toBeCloseTo(expected, 0);
    // The dashboard shows the same progress in its goals card.
    await gotoReady(s.pageA, `${s.stack.siteUrl}/dashboard`);
    const card = s.pageA.getByTestId("goals-card").getByTestId("goal").filter({ hasText: "3 hrs on atlas a week" });
    expect(Number(await card.getAttribute("data-seconds"))).toBeCloseTo(expected, 0);
    await gotoReady(s.pageA, `${s.stack.siteUrl}/goals`);
    await goal.locator("xpath=..").getByRole("button", { name: "Delete" }).click();
    await s.pageA.getByText("No goals yet.").waitFor();
  });
});
