/**
 * The site's layout, accessibility and keyboard use in a real browser (Debian chromium), on the
 * local stack with eight months of seeded activity:
 * - the dashboard, project, public profile, settings and keys pages at 390, 768 and 1440 px:
 *   no horizontal overflow, the header on one row at 1440 (a menu on narrower screens) lined up
 *   with the page below it, every card's title and numbers inside the card and not clipped, the
 *   year heat map opening on its latest week on a phone; screenshots in site/docs/screenshots;
 * - the header fits on one row at every width from 320 to 1920 px;
 * - axe-core finds no serious or critical violation on any of those pages (light and dark, and
 *   the phone menu open), nor on a new user's empty dashboard and on an error page;
 * - the range picker, the filters, the heat map and the phone menu work from the keyboard alone.
 */
import { mkdir, readFile } from "node:fs/promises";
import path from "node:path";
import type { Page } from "playwright-core";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { ROOT } from "../../scripts/local-worker.mjs";
import { d1Rows, gotoReady, signInByEmail, startStack, type Stack } from "./site-stack.ts";
import { expectedSeconds, localDay, localMidnight, postSeed, seedActivity, shiftDay, type SeedBeat } from "./dashboard-seed.ts";

const TIME_ZONE = "Europe/Berlin";
const USERNAME = "layout-user";
const SHOTS = path.join(ROOT, "site", "docs", "screenshots");
const WIDTHS = [390, 768, 1440] as const;
const PAGES = [
  { name: "dashboard", path: "/dashboard?range=last_30_days" },
  { name: "project", path: "/projects/kodo?range=last_30_days" },
  { name: "profile", path: `/@${USERNAME}` },
  { name: "settings", path: "/account/settings" },
  { name: "keys", path: "/account/keys" },
] as const;

let stack: Stack;
let page: Page;
let beats: SeedBeat[];
let today: string;
let axeSource: string;

async function asUser<T>(method: string, apiPath: string, body?: unknown): Promise<T> {
  return page.evaluate(
    async ({ method, apiPath, body }) => {
      const account = await (await fetch("/api/kodo/account")).json();
      const res = await fetch(apiPath, { method, headers: { "content-type": "application/json", "x-csrf-token": account.csrf_token }, body: body === undefined ? undefined : JSON.stringify(body) });
      if (!res.ok) throw new Error(`${method} ${apiPath}: ${res.status} ${await res.text()}`);
      return res.status === 204 ? null : res.json();
    },
    { method, apiPath, body },
  ) as Promise<T>;
}

/** Serious and critical axe-core violations on the page as it is now (rule id and the first offending elements). */
async function axeViolations(p: Page): Promise<string[]> {
  if (!(await p.evaluate(() => "axe" in window))) await p.addScriptTag({ content: axeSource });
  const found = await p.evaluate(async () => {
    const axe = (window as unknown as { axe: { run(ctx: Document): Promise<{ violations: { id: string; impact: string | null; nodes: { target: unknown[] }[] }[] }> } }).axe;
    const result = await axe.run(document);
    return result.violations.map((v) => ({ id: v.id, impact: v.impact, targets: v.nodes.slice(0, 3).map((n) => JSON.stringify(n.target)) }));
  });
  return found.filter((v) => v.impact === "serious" || v.impact === "critical").map((v) => `${v.id} (${v.impact}): ${v.targets.join(" ")}`);
}

/** How far the page is wider than the window (0 or less: no horizontal scrolling). */
const overflow = (p: Page) => p.evaluate(() => document.documentElement.scrollWidth - document.documentElement.clientWidth);

/**
 * Every card's title and numbers: present, inside the window and their card horizontally, and
 * not cut (no text wider than its box). Returns what is wrong, for the failure message.
 */
async function cardProblems(p: Page): Promise<string[]> {
  return p.evaluate(() => {
    const problems: string[] = [];
    const width = document.documentElement.clientWidth;
    const cards = [...document.querySelectorAll<HTMLElement>("main section.card, main .stat")].filter((c) => c.offsetParent !== null);
    if (cards.length === 0) problems.push("no cards");
    for (const card of cards) {
      const box = card.getBoundingClientRect();
      const name = card.getAttribute("data-testid") ?? card.querySelector("h2, dt")?.textContent?.trim() ?? "card";
      if (box.left < -0.5 || box.right > width + 0.5) problems.push(`${name}: card outside the window (${box.left}-${box.right})`);
      const title = card.querySelector<HTMLElement>("h2, dt");
      if (!title || title.offsetParent === null || title.textContent!.trim() === "") problems.push(`${name}: no visible title`);
      const texts = [...card.querySelectorAll<HTMLElement>("h2, dt, dd, [data-seconds], td.num, .pct")].filter((e) => e.offsetParent !== null && !e.closest("[hidden]"));
      for (const el of texts) {
        // Skip cells scrolled away inside a card's own scroll box (long legends).
        if (el.closest(".legend-box, .table-view") && el.getBoundingClientRect().top > (el.closest(".legend-box, .table-view") as HTMLElement).getBoundingClientRect().bottom) continue;
        if (el.matches("[data-day]")) continue;
        const r = el.getBoundingClientRect();
        if (r.width === 0) problems.push(`${name}: "${el.textContent}" has no width`);
        if (r.left < box.left - 0.5 || r.right > box.right + 0.5) problems.push(`${name}: "${el.textContent?.trim()}" sticks out of its card (${r.left}-${r.right} vs ${box.left}-${box.right})`);
        if (el.scrollWidth > el.clientWidth + 1 && getComputedStyle(el).display !== "inline") problems.push(`${name}: "${el.textContent?.trim()}" is cut (${el.scrollWidth} > ${el.clientWidth})`);
      }
    }
    return problems;
  });
}

/** The header: its visible items' vertical centres, its height, and its content edges against main's. */
async function headerShape(p: Page) {
  return p.evaluate(() => {
    const bar = document.querySelector<HTMLElement>(".site-header .bar")!;
    const main = document.querySelector<HTMLElement>("main")!;
    const edges = (el: HTMLElement) => {
      const r = el.getBoundingClientRect();
      const s = getComputedStyle(el);
      return { left: r.left + parseFloat(s.paddingLeft), right: r.right - parseFloat(s.paddingRight) };
    };
    const items = [...bar.querySelectorAll<HTMLElement>(".brand, nav a, .theme select, .who, button, .sign-in")].filter((e) => e.offsetParent !== null && e.getBoundingClientRect().height > 0);
    return {
      height: document.querySelector<HTMLElement>(".site-header")!.getBoundingClientRect().height,
      centres: items.map((e) => {
        const r = e.getBoundingClientRect();
        return { text: e.textContent!.trim() || e.tagName, centre: r.top + r.height / 2, right: r.right };
      }),
      bar: edges(bar),
      main: edges(main),
      menuButton: document.querySelector<HTMLElement>("[data-testid=menu-button]")!.offsetParent !== null,
    };
  });
}

/** Whether the heat map's last day (the latest week) is inside its scroll box's visible part. */
async function latestWeekVisible(p: Page, testid: string): Promise<{ visible: boolean; day: string; scrolls: boolean }> {
  return p.getByTestId(`${testid}-scroller`).evaluate((scroller) => {
    const cells = scroller.querySelectorAll<HTMLElement>("[data-day]");
    const last = cells[cells.length - 1]!;
    const box = scroller.getBoundingClientRect();
    const r = last.getBoundingClientRect();
    return { visible: r.left >= box.left - 0.5 && r.right <= box.right + 0.5 && r.width > 0, day: last.dataset.day!, scrolls: scroller.scrollWidth > scroller.clientWidth };
  });
}

async function setTheme(p: Page, theme: "light" | "dark") {
  await p.evaluate((t) => {
    document.documentElement.dataset.theme = t;
    document.cookie = `kodo-theme=${t}; Path=/; SameSite=Lax`;
  }, theme);
}

async function openPage(p: Page, pagePath: string) {
  await gotoReady(p, `${stack.siteUrl}${pagePath}`);
  // Charts mount live after hydration; the screenshots and measures wait for them.
  await p.waitForLoadState("networkidle");
}

beforeAll(async () => {
  axeSource = await readFile(path.join(ROOT, "node_modules", "axe-core", "axe.min.js"), "utf8");
  // Days reach D1 (what the public profile reads) a second after the seeding goes quiet.
  stack = await startStack({ FLUSH_QUIET_SECONDS: "1", FLUSH_MAX_DELAY_SECONDS: "2" });
  const context = await stack.newContext();
  page = await signInByEmail(stack, context, "layout@example.com");
  await asUser("PATCH", "/api/kodo/account", { username: USERNAME, display_name: "Layout User", time_zone: TIME_ZONE });
  const { key } = await asUser<{ key: string }>("POST", "/api/kodo/account/keys", { label: "laptop", scope: "full" });
  const now = Date.now() / 1000;
  today = localDay(now, TIME_ZONE);
  beats = seedActivity(now, TIME_ZONE, 240, 11);
  await postSeed(stack.apiUrl, key, beats);
  const deadline = Date.now() + 120_000;
  const userId = await asUser<{ user: { id: string } }>("GET", "/api/kodo/account").then((a) => a.user.id);
  // Reads come from the Durable Object at once; boards wait for its flush of the board entries.
  while (!(await d1Rows(stack.persistTo, "board_entries")).some((r) => r.user_id === userId)) {
    if (Date.now() > deadline) throw new Error(`the seeded standing never reached D1\n${stack.logs()}`);
    await new Promise((r) => setTimeout(r, 1000));
  }
  // Shared only now that the flush is done: the public answers are cached, and a sharing change clears them.
  await asUser("PATCH", "/api/kodo/sharing", { publicProfile: true, projects: "public", languages: true, editors: true, operatingSystems: true, machines: true });
  await mkdir(SHOTS, { recursive: true });
}, 300_000);

afterAll(async () => {
  await stack?.close();
});

describe("site layout", () => {
  for (const width of WIDTHS) {
    it(`fits every page at ${width} px: no overflow, the header's shape, every card's title and numbers (screenshots)`, async () => {
      await page.setViewportSize({ width, height: 900 });
      await setTheme(page, "light");
      for (const target of PAGES) {
        await openPage(page, target.path);
        const where = `${target.name} at ${width} px`;
        expect(await overflow(page), where).toBeLessThanOrEqual(0);

        const header = await headerShape(page);
        // The header's content and the page's share one column: their edges line up.
        expect(Math.abs(header.bar.left - header.main.left), `${where}: left edges`).toBeLessThanOrEqual(1);
        expect(Math.abs(header.bar.right - header.main.right), `${where}: right edges`).toBeLessThanOrEqual(1);
        expect(header.height, `${where}: header height`).toBeLessThanOrEqual(66);
        const centres = header.centres.map((c) => c.centre);
        expect(Math.max(...centres) - Math.min(...centres), `${where}: header items on one row ${JSON.stringify(header.centres)}`).toBeLessThanOrEqual(4);
        if (width >= 1440) {
          expect(header.menuButton, where).toBe(false);
          expect(header.centres.map((c) => c.text)).toEqual(expect.arrayContaining(["Kodo", "Dashboard", "Leaderboards", "Account", "Sign out"]));
        } else {
          expect(header.menuButton, where).toBe(true);
        }
        expect(await cardProblems(page), where).toEqual([]);

        if (target.name === "dashboard" || target.name === "profile") {
          const testid = target.name === "dashboard" ? "chart-heat-map" : "profile-heat-map";
          const latest = await latestWeekVisible(page, testid);
          expect(latest.day, where).toBe(today);
          expect(latest.visible, `${where}: the heat map's latest week is in view`).toBe(true);
          if (width === 390) expect(latest.scrolls, `${where}: the year scrolls sideways on a phone`).toBe(true);
          // Full width of its card: the grid spans the card's content box (to the pixel, up to its max square size).
          const fill = await page.getByTestId(testid).evaluate((heat) => heat.getBoundingClientRect().width / heat.parentElement!.getBoundingClientRect().width);
          expect(fill, `${where}: heat map fills its card`).toBeGreaterThan(0.9);
        }
        await page.screenshot({ path: path.join(SHOTS, `${target.name}-${width}.png`), fullPage: true });
      }
    });
  }

  it("keeps the header on one row at every width from 320 to 1920 px, with a menu on narrow screens", async () => {
    for (const width of [320, 360, 414, 600, 1000, 1024, 1100, 1280, 1600, 1920]) {
      await page.setViewportSize({ width, height: 800 });
      await openPage(page, "/dashboard?range=last_7_days");
      expect(await overflow(page), `${width} px`).toBeLessThanOrEqual(0);
      const header = await headerShape(page);
      const centres = header.centres.map((c) => c.centre);
      expect(Math.max(...centres) - Math.min(...centres), `${width} px: ${JSON.stringify(header.centres)}`).toBeLessThanOrEqual(4);
      expect(header.height, `${width} px`).toBeLessThanOrEqual(66);
      expect(Math.max(...header.centres.map((c) => c.right)), `${width} px: header items inside the window`).toBeLessThanOrEqual(width);
      expect(header.menuButton, `${width} px`).toBe(width < 1024);
      if (width < 1024) {
        // The menu opens under the bar with every link, inside the window.
        await page.getByTestId("menu-button").click();
        const links = page.getByTestId("site-menu").getByRole("link");
        expect(await links.count()).toBe(6);
        for (const box of await links.evaluateAll((els) => els.map((e) => e.getBoundingClientRect().toJSON() as DOMRect))) {
          expect(box.left).toBeGreaterThanOrEqual(0);
          expect(box.right).toBeLessThanOrEqual(width);
        }
        await expect.poll(() => page.getByRole("button", { name: "Sign out" }).isVisible()).toBe(true);
        await page.getByTestId("menu-button").click();
        await expect.poll(() => page.getByTestId("site-menu").isVisible()).toBe(false);
      }
    }
  });

  it("renders the dashboard in the dark theme at every width (screenshots)", async () => {
    for (const width of WIDTHS) {
      await page.setViewportSize({ width, height: 900 });
      await openPage(page, "/dashboard?range=last_30_days");
      await setTheme(page, "dark");
      expect(await page.evaluate(() => getComputedStyle(document.body).backgroundColor)).toBe("rgb(13, 18, 16)");
      expect(await overflow(page)).toBeLessThanOrEqual(0);
      await page.screenshot({ path: path.join(SHOTS, `dashboard-${width}-dark.png`), fullPage: true });
    }
    await setTheme(page, "light");
  });

  it("shows a day's total and top project in the heat map's tooltip", async () => {
    await page.setViewportSize({ width: 1440, height: 900 });
    await openPage(page, "/dashboard?range=last_30_days");
    // The busiest seeded day of the last year, and its largest project, computed from the seed.
    const days = new Map<string, number>();
    for (const b of beats) days.set(localDay(b.time, TIME_ZONE), 0);
    let best = { day: "", seconds: 0 };
    for (const day of days.keys()) {
      const seconds = expectedSeconds(beats, () => true, localMidnight(day, TIME_ZONE), localMidnight(shiftDay(day, 1), TIME_ZONE));
      if (seconds > best.seconds) best = { day, seconds };
    }
    const inDay = (p: string) => expectedSeconds(beats, (b) => b.project === p, localMidnight(best.day, TIME_ZONE), localMidnight(shiftDay(best.day, 1), TIME_ZONE));
    const top = [...new Set(beats.map((b) => b.project))].sort((a, b) => inDay(b) - inDay(a) || (a < b ? -1 : 1))[0]!;
    const cell = page.getByTestId("chart-heat-map").locator(`[data-day="${best.day}"]`);
    expect(await cell.getAttribute("data-level")).toBe("4");
    expect(Number(await cell.getAttribute("data-seconds"))).toBeCloseTo(best.seconds, 0);
    await cell.hover();
    const tip = page.getByTestId("chart-heat-map-tip");
    await tip.waitFor();
    const text = (await tip.textContent())!;
    expect(text).toContain(`Top project: ${top}`);
    const hours = Math.floor(best.seconds / 3600);
    expect(text).toContain(`${hours} hr`);
    // The tooltip stays inside the window.
    const box = (await tip.boundingBox())!;
    expect(box.x).toBeGreaterThanOrEqual(0);
    expect(box.x + box.width).toBeLessThanOrEqual(1440);
  });

  it("has no serious or critical axe-core violations on any page, light and dark, and with the phone menu open", async () => {
    const found: string[] = [];
    await page.setViewportSize({ width: 1440, height: 900 });
    for (const target of PAGES) {
      for (const theme of ["light", "dark"] as const) {
        await openPage(page, target.path);
        await setTheme(page, theme);
        found.push(...(await axeViolations(page)).map((v) => `${target.name} ${theme}: ${v}`));
      }
    }
    await page.setViewportSize({ width: 390, height: 844 });
    for (const target of PAGES) {
      await openPage(page, target.path);
      await page.getByTestId("menu-button").click();
      found.push(...(await axeViolations(page)).map((v) => `${target.name} phone: ${v}`));
    }
    // Error states: an unknown project, a range the API refuses, a page that does not exist.
    for (const bad of ["/projects/no-such-project?range=last_7_days", "/dashboard?range=next_century", "/no/such/page"]) {
      await page.goto(`${stack.siteUrl}${bad}`);
      found.push(...(await axeViolations(page)).map((v) => `${bad}: ${v}`));
    }
    await page.setViewportSize({ width: 1440, height: 900 });
    expect(found).toEqual([]);
  });

  it("fits the other signed-in pages too (leaderboards, friends, teams, goals): no overflow at 390 px, no serious axe-core violation", async () => {
    const found: string[] = [];
    for (const other of ["/leaderboards", "/friends", "/teams", "/goals"]) {
      for (const width of [390, 1440]) {
        await page.setViewportSize({ width, height: 900 });
        await openPage(page, other);
        expect(await overflow(page), `${other} at ${width} px`).toBeLessThanOrEqual(0);
        const header = await headerShape(page);
        expect(Math.abs(header.bar.left - header.main.left), `${other} at ${width} px: left edges`).toBeLessThanOrEqual(1);
        found.push(...(await axeViolations(page)).map((v) => `${other} at ${width} px: ${v}`));
      }
    }
    expect(found).toEqual([]);
  });

  it("tells what to do on error pages", async () => {
    await page.setViewportSize({ width: 390, height: 844 });
    await gotoReady(page, `${stack.siteUrl}/projects/no-such-project?range=last_7_days`);
    await page.getByTestId("problem").waitFor();
    expect(await page.getByTestId("problem-card").textContent()).toMatch(/pick it from the projects list/);
    expect(await page.getByRole("link", { name: "Back to the dashboard" }).getAttribute("href")).toBe("/dashboard");
    await gotoReady(page, `${stack.siteUrl}/dashboard?range=next_century`);
    expect(await page.getByTestId("problem-card").textContent()).toMatch(/choose again/);
    await page.goto(`${stack.siteUrl}/no/such/page`);
    expect(await page.getByTestId("error-page").textContent()).toMatch(/Check the address/);
    expect(await overflow(page)).toBeLessThanOrEqual(0);
    await page.screenshot({ path: path.join(SHOTS, "error-390.png"), fullPage: true });
    await page.setViewportSize({ width: 1440, height: 900 });
  });

  it("works from the keyboard alone: range picker, filters, heat map, phone menu", async () => {
    await page.setViewportSize({ width: 1440, height: 900 });
    await openPage(page, "/dashboard?range=last_7_days");
    const focused = () => page.evaluate(() => document.activeElement?.getAttribute("data-testid") ?? document.activeElement?.tagName ?? null);
    const tabTo = async (testid: string) => {
      for (let i = 0; i < 60 && (await focused()) !== testid; i++) await page.keyboard.press("Tab");
      expect(await focused()).toBe(testid);
    };
    await page.locator("body").focus();
    await tabTo("range");
    await page.keyboard.press("ArrowDown"); // Last 7 days -> Last 30 days
    await page.waitForURL(/range=last_30_days/);
    expect(await focused()).toBe("range");
    const month = [localMidnight(shiftDay(today, -29), TIME_ZONE), localMidnight(shiftDay(today, 1), TIME_ZONE)] as const;
    await expect.poll(async () => Number(await page.getByTestId("total").getAttribute("data-seconds"))).toBeCloseTo(expectedSeconds(beats, () => true, ...month), 2);

    await tabTo("filter-project");
    await page.keyboard.press("ArrowDown"); // All -> the largest project
    await page.waitForURL(/project=/);
    const project = new URL(page.url()).searchParams.get("project")!;
    expect(await focused()).toBe("filter-project");
    await expect.poll(async () => Number(await page.getByTestId("total").getAttribute("data-seconds"))).toBeCloseTo(expectedSeconds(beats, (b) => b.project === project, ...month), 2);
    await tabTo("filter-language");
    await page.keyboard.press("ArrowDown");
    await page.waitForURL(/language=/);
    const language = new URL(page.url()).searchParams.get("language")!;
    await expect.poll(async () => Number(await page.getByTestId("total").getAttribute("data-seconds"))).toBeCloseTo(expectedSeconds(beats, (b) => b.project === project && b.language === language, ...month), 2);

    // The heat map: focus shows today; arrows move by a week (left/right) and a day (up/down).
    await tabTo("chart-heat-map-scroller");
    const tip = page.getByTestId("chart-heat-map-tip");
    await tip.waitFor();
    const valueText = () => page.getByTestId("chart-heat-map-scroller").getAttribute("aria-valuetext");
    expect(await valueText()).toMatch(new RegExp(`^\\w+, \\w+ ${Number(today.slice(8))}, ${today.slice(0, 4)}`));
    await page.keyboard.press("ArrowLeft");
    const weekBefore = shiftDay(today, -7);
    expect(await page.getByTestId("chart-heat-map").locator(".active").getAttribute("data-day")).toBe(weekBefore);
    expect(await tip.textContent()).toContain(`${Number(weekBefore.slice(8))}, ${weekBefore.slice(0, 4)}`);
    await page.keyboard.press("ArrowUp");
    expect(await page.getByTestId("chart-heat-map").locator(".active").getAttribute("data-day")).toBe(shiftDay(weekBefore, -1));
    await page.keyboard.press("Escape");
    await expect.poll(() => tip.count()).toBe(0);

    // The phone menu: reached by Tab, opened with Enter, its links next, closed by Escape.
    await page.setViewportSize({ width: 390, height: 844 });
    await openPage(page, "/dashboard?range=last_7_days");
    await page.locator("body").focus();
    await tabTo("menu-button");
    await page.keyboard.press("Enter");
    expect(await page.getByTestId("menu-button").getAttribute("aria-expanded")).toBe("true");
    await page.keyboard.press("Tab");
    expect(await page.evaluate(() => document.activeElement?.textContent)).toBe("Dashboard");
    await page.keyboard.press("Escape");
    expect(await page.getByTestId("menu-button").getAttribute("aria-expanded")).toBe("false");
    expect(await focused()).toBe("menu-button");
    await page.setViewportSize({ width: 1440, height: 900 });
  });

  it("shows a new user how to connect an editor, and every card says it is empty (screenshots)", async () => {
    const context = await stack.newContext();
    const fresh = await signInByEmail(stack, context, "layout-newcomer@example.com");
    for (const width of [390, 1440]) {
      await fresh.setViewportSize({ width, height: 900 });
      await gotoReady(fresh, `${stack.siteUrl}/dashboard`);
      const empty = fresh.getByTestId("empty-state");
      expect(await empty.getByTestId("wakatime-cfg").textContent()).toBe(`[settings]\napi_url = ${stack.siteUrl}/api/v1\napi_key = <your API key>`);
      expect(await empty.getByTestId("copy-cfg").isVisible()).toBe(true);
      for (const id of ["daily", "hours", "projects", "languages", "editors", "operating-systems", "machines", "categories"]) {
        expect(await fresh.getByTestId(`card-${id}`).locator(".card-empty").textContent(), id).toMatch(/Nothing recorded yet|No projects|Nothing recorded in this range/);
      }
      expect(await fresh.getByTestId("chart-heat-map").locator("[data-level='0']").count()).toBe(365);
      expect(await overflow(fresh)).toBeLessThanOrEqual(0);
      expect(await cardProblems(fresh)).toEqual([]);
      expect(await axeViolations(fresh)).toEqual([]);
      await fresh.screenshot({ path: path.join(SHOTS, `dashboard-empty-${width}.png`), fullPage: true });
    }
    await context.close();
  });
});
