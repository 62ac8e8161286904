/**
 * The settings page that deletes heartbeats, in a real browser against the local stack: a
 * project, then a range of days, each only after typing the confirmation; the API then no
 * longer shows them.
 */
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import type { BrowserContext, Page } from "playwright-core";
import { gotoReady, signInByEmail, startStack, type Stack } from "./site-stack.ts";

const DAY = 86_400;
let stack: Stack;
let context: BrowserContext;
let page: Page;
let key = "";

const iso = (t: number) => new Date(t * 1000).toISOString().slice(0, 10);
const base = Math.floor(Date.now() / 1000 / DAY) * DAY - 5 * DAY + 9 * 3600;

async function apiGet(path: string) {
  const res = await fetch(`${stack.siteUrl}${path}`, { headers: { authorization: `Basic ${Buffer.from(key).toString("base64")}` } });
  expect(res.status).toBe(200);
  return (await res.json()) as any;
}

beforeAll(async () => {
  stack = await startStack();
  context = await stack.newContext();
  page = await signInByEmail(stack, context, "del.e2e@example.com");
  await gotoReady(page, `${stack.siteUrl}/account/keys`);
  await page.getByLabel(/^Label/).fill("cli");
  await page.getByLabel("Full access (send heartbeats)").check();
  await page.getByRole("button", { name: "Create key" }).click();
  key = (await page.getByTestId("new-key-value").textContent())!.trim();
  // Two days, each with "keep" and "gone" time.
  const beats = [0, DAY].flatMap((d) => [0, 60, 120, 600, 660, 720].map((s, i) => ({ entity: `/src/${i}.ts`, type: "file", time: base + d + s, project: i < 3 ? "keep" : "gone", language: "Go" })));
  const res = await fetch(`${stack.siteUrl}/api/v1/users/current/heartbeats.bulk`, {
    method: "POST",
    headers: { authorization: `Basic ${Buffer.from(key).toString("base64")}`, "content-type": "application/json" },
    body: JSON.stringify(beats),
  });
  expect(res.status).toBe(201);
});

afterAll(async () => {
  await context?.close();
  await stack?.close();
});

describe("deleting heartbeats from the settings pages", () => {
  it("deletes a project after the confirmation, and only then", async () => {
    await gotoReady(page, `${stack.siteUrl}/account/heartbeats`);
    await page.getByLabel("A project", { exact: true }).check();
    await page.getByLabel("Project", { exact: true }).fill("gone");
    await page.getByLabel(/^To confirm, type/).fill("keep");
    await page.getByRole("button", { name: "Delete these heartbeats" }).click();
    await expect.poll(() => page.getByRole("alert").textContent()).toContain("Type the project name to confirm.");
    expect((await apiGet("/api/v1/users/current/projects")).data.map((p: { name: string }) => p.name).sort()).toEqual(["gone", "keep"]);

    await page.getByLabel("Project", { exact: true }).fill("gone");
    await page.getByLabel(/^To confirm, type/).fill("gone");
    await page.getByRole("button", { name: "Delete these heartbeats" }).click();
    await expect.poll(() => page.getByRole("status").textContent()).toContain("Deleted 6 heartbeats.");
    expect((await apiGet("/api/v1/users/current/projects")).data.map((p: { name: string }) => p.name)).toEqual(["keep"]);
    const stats = await apiGet("/api/v1/users/current/stats/last_7_days");
    expect(stats.data.projects.map((p: { name: string }) => p.name)).toEqual(["keep"]);
    expect(stats.data.total_seconds).toBe(2 * 120);
  });

  it("deletes a range of days", async () => {
    await gotoReady(page, `${stack.siteUrl}/account/heartbeats`);
    await page.getByLabel("A range of days", { exact: true }).check();
    await page.getByLabel("First day").fill(iso(base));
    await page.getByLabel("Last day").fill(iso(base));
    await page.getByLabel(/^To confirm, type/).fill(`${iso(base)} ${iso(base)}`);
    await page.getByRole("button", { name: "Delete these heartbeats" }).click();
    await expect.poll(() => page.getByRole("status").textContent()).toContain("Deleted 3 heartbeats.");
    expect((await apiGet(`/api/v1/users/current/heartbeats?date=${iso(base)}`)).data).toEqual([]);
    expect((await apiGet(`/api/v1/users/current/heartbeats?date=${iso(base + DAY)}`)).data.length).toBe(3);
  });
});
