/**
 * The dashboard in a real browser (Debian chromium) against the local site and worker, on
 * activity seeded through the heartbeat API: the totals the page shows equal totals computed
 * here from the seeded heartbeats, for several ranges and filters; range changes, project
 * drill-down, the theme switch and "today so far" refreshing without a reload work; and
 * screenshots at desktop and phone widths are saved to test-results/dashboard/.
 */
import { mkdir, copyFile } from "node:fs/promises";
import path from "node:path";
import type { Page } from "playwright-core";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { ROOT } from "../../scripts/local-worker.mjs";
import { asUser as asPage, gotoReady, signInByEmail, startStack, type Stack } from "./site-stack.ts";
import { expectedSeconds, localDay, localMidnight, postSeed, seedActivity, shiftDay, type SeedBeat } from "./dashboard-seed.ts";

const TIME_ZONE = "Europe/Berlin";
const SHOTS = path.join(ROOT, "test-results", "dashboard");
const README_SHOTS = path.join(ROOT, "site", "docs", "screenshots");

let stack: Stack;
let page: Page;
let key: string;
let beats: SeedBeat[];
let today: string;

/** Calls the API from the signed-in page (its cookie, its CSRF token), as the dashboard's forms do. */
const asUser = <T>(method: string, apiPath: string, body?: unknown): Promise<T> => asPage<T>(page, method, apiPath, body);

/** The total the page shows (seconds, from the stat's data attribute) once the page has settled. */
async function shownTotal(testId = "total"): Promise<number> {
  return Number(await page.getByTestId(testId).getAttribute("data-seconds"));
}

const start = (day: string) => localMidnight(day, TIME_ZONE);
const all = () => true;

beforeAll(async () => {
  stack = await startStack();
  const context = await stack.newContext();
  await context.addInitScript(() => localStorage.clear());
  page = await signInByEmail(stack, context, "dash@example.com");
  await asUser("PATCH", "/api/kodo/account", { time_zone: TIME_ZONE });
  key = (await asUser<{ key: string }>("POST", "/api/kodo/account/keys", { label: "seed", scope: "full" })).key;
  const now = Date.now() / 1000;
  today = localDay(now, TIME_ZONE);
  beats = seedActivity(now, TIME_ZONE, 60);
  await postSeed(stack.apiUrl, key, beats);
}, 240_000);

afterAll(async () => {
  await stack?.close();
});

describe("dashboard", () => {
  it("shows totals equal to the seeded heartbeats' for several ranges and filters", async () => {
    await page.setViewportSize({ width: 1440, height: 900 });
    await gotoReady(page, `${stack.siteUrl}/dashboard?range=last_7_days`);
    const week = expectedSeconds(beats, all, start(shiftDay(today, -6)), start(shiftDay(today, 1)));
    expect(week).toBeGreaterThan(3600);
    expect(await shownTotal()).toBeCloseTo(week, 2);
    expect(await shownTotal("today-total")).toBeCloseTo(expectedSeconds(beats, all, start(today), start(shiftDay(today, 1))), 2);

    // The range picker (a real select): last 30 days, then today, then custom dates.
    await page.getByTestId("range").selectOption("last_30_days");
    await page.waitForURL(/range=last_30_days/);
    await expect.poll(() => shownTotal()).toBeCloseTo(expectedSeconds(beats, all, start(shiftDay(today, -29)), start(shiftDay(today, 1))), 2);

    await page.getByTestId("range").selectOption("yesterday");
    await page.waitForURL(/range=yesterday/);
    await expect.poll(() => shownTotal()).toBeCloseTo(expectedSeconds(beats, all, start(shiftDay(today, -1)), start(today)), 2);

    const from = shiftDay(today, -20);
    const to = shiftDay(today, -10);
    await page.getByTestId("range").selectOption("custom");
    // Each date applies as soon as it changes (a navigation): wait for the first before the second,
    // or the re-render after it can overwrite the second date while it is being typed.
    await page.getByTestId("start").fill(from);
    await page.getByTestId("start").dispatchEvent("change");
    await page.waitForURL(new RegExp(`start=${from}&`));
    await page.getByTestId("end").fill(to);
    await page.getByTestId("end").dispatchEvent("change");
    await page.waitForURL(new RegExp(`start=${from}&end=${to}`));
    await expect.poll(() => shownTotal()).toBeCloseTo(expectedSeconds(beats, all, start(from), start(shiftDay(to, 1))), 2);

    // Combined filters: computed from sessions, so exact.
    await gotoReady(page, `${stack.siteUrl}/dashboard?range=last_30_days`);
    await page.getByTestId("filter-project").selectOption("kodo");
    await page.waitForURL(/project=kodo/);
    const kodo = (b: SeedBeat) => b.project === "kodo";
    const month = [start(shiftDay(today, -29)), start(shiftDay(today, 1))] as const;
    await expect.poll(() => shownTotal()).toBeCloseTo(expectedSeconds(beats, kodo, ...month), 2);
    await page.getByTestId("filter-editor").selectOption("VS Code");
    await page.waitForURL(/editor=VS/);
    await expect.poll(() => shownTotal()).toBeCloseTo(expectedSeconds(beats, (b) => kodo(b) && b.editor === "VS Code", ...month), 2);
    await page.getByTestId("filter-language").selectOption("TypeScript");
    await expect.poll(() => shownTotal()).toBeCloseTo(expectedSeconds(beats, (b) => kodo(b) && b.editor === "VS Code" && b.language === "TypeScript", ...month), 2);
  });

  it("lists projects whose totals match, and drills down to a project with its files", async () => {
    await gotoReady(page, `${stack.siteUrl}/dashboard?range=last_30_days`);
    const month = [start(shiftDay(today, -29)), start(shiftDay(today, 1))] as const;
    const rows = page.getByTestId("project-row");
    const count = await rows.count();
    expect(count).toBeGreaterThan(2);
    for (let i = 0; i < count; i++) {
      const name = await rows.nth(i).getByTestId("project-link").textContent();
      const seconds = Number(await rows.nth(i).locator("[data-seconds]").getAttribute("data-seconds"));
      expect(seconds, name!).toBeCloseTo(expectedSeconds(beats, (b) => b.project === name, ...month), 2);
    }
    await rows.first().getByTestId("project-link").click();
    await page.waitForURL(/\/projects\/[^?]+\?range=last_30_days/);
    const name = (await page.getByTestId("project-name").textContent())!;
    const expected = expectedSeconds(beats, (b) => b.project === name, ...month);
    expect(await shownTotal("project-total")).toBeCloseTo(expected, 2);
    // Per-file time from the Durable Object's raw log adds up to the project's total.
    const files = page.getByTestId("file-row");
    expect(await files.count()).toBeGreaterThan(0);
    const fileSeconds = await files.locator("[data-seconds]").evaluateAll((cells) => cells.reduce((a, c) => a + Number(c.getAttribute("data-seconds")), 0));
    expect(fileSeconds).toBeCloseTo(expected, 1);
    const oneFile = beats.find((b) => b.project === name)!.entity;
    const fileRow = files.filter({ has: page.locator(`th[title="${oneFile}"]`) });
    if ((await fileRow.count()) > 0) {
      const shown = Number(await fileRow.locator("[data-seconds]").getAttribute("data-seconds"));
      expect(shown).toBeCloseTo(expectedSeconds(beats, (b) => b.project === name && b.entity === oneFile, ...month), 2);
    }
    await mkdir(SHOTS, { recursive: true });
    await page.screenshot({ path: path.join(SHOTS, "project-desktop.png"), fullPage: true });
    await page.getByRole("navigation", { name: "Breadcrumb" }).getByRole("link", { name: "Dashboard" }).click();
    await page.waitForURL(/\/dashboard\?range=last_30_days/);
  });

  it("switches theme and renders at desktop and phone widths (screenshots)", async () => {
    await mkdir(SHOTS, { recursive: true });
    await mkdir(README_SHOTS, { recursive: true });
    await page.setViewportSize({ width: 1440, height: 900 });
    await gotoReady(page, `${stack.siteUrl}/dashboard?range=last_30_days`);
    await page.locator(".theme select").selectOption("light");
    await page.getByTestId("chart-daily").and(page.locator("[data-live]")).waitFor();
    const lightBg = await page.evaluate(() => getComputedStyle(document.body).backgroundColor);
    await page.screenshot({ path: path.join(SHOTS, "dashboard-desktop.png"), fullPage: true });

    await page.locator(".theme select").selectOption("dark");
    expect(await page.evaluate(() => document.documentElement.dataset.theme)).toBe("dark");
    const darkBg = await page.evaluate(() => getComputedStyle(document.body).backgroundColor);
    expect(darkBg).not.toBe(lightBg);
    // Chart text follows the theme (currentColor), without re-rendering the chart.
    const axisText = await page.getByTestId("chart-daily").evaluate((el) => getComputedStyle(el).color);
    expect(axisText).toBe(await page.evaluate(() => getComputedStyle(document.documentElement).getPropertyValue("--muted").trim()).then(hexToRgb));
    await page.screenshot({ path: path.join(SHOTS, "dashboard-desktop-dark.png"), fullPage: true });
    // The choice survives a reload (cookie; the server renders it).
    await page.reload();
    expect(await page.evaluate(() => document.documentElement.dataset.theme)).toBe("dark");
    await page.locator(".theme select").selectOption("light");

    await page.setViewportSize({ width: 390, height: 844 });
    await gotoReady(page, `${stack.siteUrl}/dashboard?range=last_30_days`);
    await page.getByTestId("chart-daily").and(page.locator("[data-live]")).waitFor();
    const overflow = await page.evaluate(() => document.documentElement.scrollWidth - document.documentElement.clientWidth);
    expect(overflow).toBeLessThanOrEqual(0); // nothing wider than the phone (the year calendar scrolls in its card)
    await page.screenshot({ path: path.join(SHOTS, "dashboard-phone.png"), fullPage: true });
    // The long phone page in screen-sized parts too, for looking at it closely.
    const height = await page.evaluate(() => document.documentElement.scrollHeight);
    for (let y = 0, i = 1; y < height; y += 844, i++) {
      await page.screenshot({ path: path.join(SHOTS, `dashboard-phone-part-${i}.png`), fullPage: true, clip: { x: 0, y, width: 390, height: Math.min(844, height - y) } });
    }
    await copyFile(path.join(SHOTS, "dashboard-desktop.png"), path.join(README_SHOTS, "dashboard-desktop.png"));
    await copyFile(path.join(SHOTS, "dashboard-phone.png"), path.join(README_SHOTS, "dashboard-phone.png"));
    await page.setViewportSize({ width: 1440, height: 900 });
  });

  it("has a table view for every graph and works from the keyboard", async () => {
    await gotoReady(page, `${stack.siteUrl}/dashboard?range=last_7_days`);
    for (const id of ["daily", "hours", "heat-map", "timeline"]) {
      const card = page.getByTestId(`card-${id}`);
      const toggle = card.getByRole("button", { name: "Show table" });
      await toggle.focus();
      await page.keyboard.press("Enter");
      await expect.poll(() => card.locator("table").isVisible()).toBe(true);
      expect(await card.getByRole("button", { name: "Show chart" }).getAttribute("aria-pressed")).toBe("true");
    }
    const dailyRows = await page.getByTestId("daily-table").locator("tbody td[data-seconds]").evaluateAll((cells) => cells.reduce((a, c) => a + Number(c.getAttribute("data-seconds")), 0));
    expect(dailyRows).toBeCloseTo(await shownTotal(), 2);
    // The range select is reachable and usable by keyboard.
    await page.getByTestId("range").focus();
    await page.getByTestId("range").selectOption("last_30_days");
    await page.waitForURL(/range=last_30_days/);
    expect(await page.evaluate(() => document.activeElement?.getAttribute("data-testid"))).toBe("range");
  });

  it("updates today so far without a reload", async () => {
    await page.clock.install();
    await gotoReady(page, `${stack.siteUrl}/dashboard?range=today`);
    const before = await shownTotal("today-total");
    await page.evaluate(() => ((window as unknown as { marker: string }).marker = "same page"));
    const now = Date.now() / 1000;
    const more: SeedBeat[] = Array.from({ length: 11 }, (_, i) => ({ time: now - 600 + i * 60 - 0.5, project: "live", language: "Rust", branch: "main", entity: "/home/dev/live/src/main.rs", editor: "VS Code", machine: "laptop" }));
    await postSeed(stack.apiUrl, key, more);
    beats.push(...more);
    await page.clock.fastForward(61_000);
    await expect.poll(() => shownTotal("today-total"), { timeout: 15_000 }).toBeGreaterThan(before);
    expect(await shownTotal("today-total")).toBeCloseTo(expectedSeconds(beats, all, start(today), start(shiftDay(today, 1))), 2);
    expect(await page.evaluate(() => (window as unknown as { marker?: string }).marker)).toBe("same page");
  });

  it("renders its first view on the server: one page request, no API calls from the browser", async () => {
    const apiCalls: string[] = [];
    const onRequest = (r: { url(): string }) => {
      if (new URL(r.url()).pathname.startsWith("/api/")) apiCalls.push(r.url());
    };
    page.on("request", onRequest);
    await page.goto(`${stack.siteUrl}/dashboard?range=last_year`, { waitUntil: "networkidle" });
    page.off("request", onRequest);
    expect(apiCalls).toEqual([]);
    expect(await shownTotal()).toBeCloseTo(expectedSeconds(beats, all), 2); // every seeded beat lies in the last year

    // Without JavaScript at all, the numbers and the graphs (server-rendered SVG) are there.
    const noScript = await page.context().browser()!.newContext({ javaScriptEnabled: false });
    await noScript.addCookies(await page.context().cookies());
    const plain = await noScript.newPage();
    await plain.goto(`${stack.siteUrl}/dashboard?range=last_30_days`);
    expect(Number(await plain.getByTestId("total").getAttribute("data-seconds"))).toBeCloseTo(expectedSeconds(beats, all, start(shiftDay(today, -29)), start(shiftDay(today, 1))), 2);
    for (const id of ["chart-daily", "chart-hours"]) expect(await plain.getByTestId(id).locator("svg rect, svg path").count(), id).toBeGreaterThan(10);
    // The year heat map is HTML: all 365 days, with the seeded days shaded.
    expect(await plain.getByTestId("chart-heat-map").locator("[data-day]").count()).toBe(365);
    expect(await plain.getByTestId("chart-heat-map").locator("[data-day]:not([data-level='0'])").count()).toBeGreaterThan(30);
    await noScript.close();
  });

  it("is the home page for a signed-in user", async () => {
    await page.goto(`${stack.siteUrl}/`);
    await page.getByTestId("dashboard").waitFor();
    expect(await shownTotal()).toBeCloseTo(expectedSeconds(beats, all, start(shiftDay(today, -6)), start(shiftDay(today, 1))), 2);
    // Its controls stay on the home page.
    await page.getByTestId("range").selectOption("last_30_days");
    await page.waitForURL(`${stack.siteUrl}/?range=last_30_days`);
  });

  it("tells a new user how to connect an editor, and fills itself once they have", async () => {
    const context = await stack.newContext();
    const fresh = await signInByEmail(stack, context, "newcomer@example.com");
    await fresh.goto(`${stack.siteUrl}/dashboard`);
    const empty = fresh.getByTestId("empty-state");
    await empty.waitFor();
    expect(await empty.getByTestId("wakatime-cfg").textContent()).toContain(`api_url = ${stack.siteUrl}/api/v1`);
    expect(await empty.getByRole("link", { name: /create an api key/i }).getAttribute("href")).toBe("/account/keys");
    expect(await fresh.getByTestId("total").getAttribute("data-seconds")).toBe("0");

    // On the home page the key is made right there, and shown once inside the config lines.
    await fresh.goto(`${stack.siteUrl}/`);
    await fresh.getByRole("button", { name: "Create a key for this machine" }).click();
    const cfg = fresh.getByTestId("empty-state").getByTestId("wakatime-cfg");
    await expect.poll(() => cfg.textContent()).toMatch(/api_key = waka_[0-9a-f-]{36}/);
    const newKey = /api_key = (waka_[0-9a-f-]{36})/.exec((await cfg.textContent())!)![1]!;
    const now = Date.now() / 1000;
    const first: SeedBeat[] = Array.from({ length: 6 }, (_, i) => ({ time: now - 400 + i * 60, project: "hello", language: "Go", branch: "main", entity: "/src/main.go", editor: "Vim", machine: "mac-mini" }));
    await postSeed(stack.apiUrl, newKey, first);
    await fresh.reload();
    await fresh.getByTestId("dashboard").waitFor();
    expect(await fresh.getByTestId("empty-state").count()).toBe(0);
    const zone = await fresh.evaluate(async () => ((await (await fetch("/api/kodo/account")).json()) as { user: { time_zone: string } }).user.time_zone);
    expect(await shownTotalOn(fresh, "today-total")).toBeCloseTo(expectedSeconds(first, all, localMidnight(localDay(now, zone), zone)), 2);
    await context.close();
  });
});

async function shownTotalOn(p: Page, testId: string): Promise<number> {
  return Number(await p.getByTestId(testId).getAttribute("data-seconds"));
}

function hexToRgb(hex: string): string {
  const h = hex.replace("#", "");
  const [r, g, b] = [0, 2, 4].map((i) => parseInt(h.slice(i, i + 2), 16));
  return `rgb(${r}, ${g}, ${b})`;
}
