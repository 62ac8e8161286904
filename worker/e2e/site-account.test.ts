/**
 * Real-browser account flows against the locally running worker and dashboard: keys used by
 * a WakaTime client and revoked, export, import of a WakaTime dump and from a WakaTime-
 * compatible server (with a failed day resumed), settings with the history recompute, the
 * relay to an upstream server, and account deletion checked against every row the stack
 * persisted.
 */
import { mkdtemp, readFile, rm, writeFile } from "node:fs/promises";
import { createServer, type Server } from "node:http";
import os from "node:os";
import path from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import type { BrowserContext, Page } from "playwright-core";
import { gotoReady, persistedRows, signInByEmail, startStack, type Stack } from "./site-stack.ts";
import { startFakeWakaTime, type FakeHeartbeat, type FakeWakaTime } from "./fake-wakatime.ts";

const DAY = 86_400;
const EMAIL = "kim.e2e@example.com";
const SECRET_PATH = "/home/kim/very-secret-project";

let stack: Stack;
let fake: FakeWakaTime;
let context: BrowserContext;
let page: Page;
let tmp: string;
const fakeDays = new Map<string, FakeHeartbeat[]>();

const iso = (t: number) => new Date(t * 1000).toISOString().slice(0, 10);
const dayStart = (t: number) => Math.floor(t / DAY) * DAY;

beforeAll(async () => {
  tmp = await mkdtemp(path.join(os.tmpdir(), "kodo-site-files-"));
  // Five remote days, 20-30 days ago: three heartbeats two minutes apart on each.
  const base = dayStart(Date.now() / 1000) - 30 * DAY;
  for (let d = 0; d < 5; d++) {
    const t = base + d * DAY + 9 * 3600;
    fakeDays.set(iso(t), [0, 120, 240].map((s) => ({ entity: `/remote/src/day${d}.go`, time: t + s, project: "remote-project", language: "Go" })));
  }
  fake = await startFakeWakaTime(fakeDays);
  // The fake server is on loopback: allowed only by the local-development switch.
  stack = await startStack({ KODO_ALLOW_LOOPBACK_IMPORT: "1", KODO_RELAY_SECRET: "e2e-relay-secret-0123456789abcdef", KODO_RELAY_RETRY_BASE_SECONDS: "1" });
  context = await stack.newContext();
  page = await signInByEmail(stack, context, EMAIL);
});

afterAll(async () => {
  await context?.close();
  await stack?.close();
  await fake?.close();
  if (tmp) await rm(tmp, { recursive: true, force: true });
});

async function sendBeats(key: string, beats: object[]) {
  return fetch(`${stack.siteUrl}/api/v1/users/current/heartbeats.bulk`, {
    method: "POST",
    headers: { authorization: `Basic ${Buffer.from(key).toString("base64")}`, "content-type": "application/json", "user-agent": "wakatime/v1.102.1 (linux-6.8.0-x86_64) go1.23.4 vscode/1.96.0 vscode-wakatime/25.0.0" },
    body: JSON.stringify(beats),
  });
}

const session = () => context.cookies().then((cs) => cs.map((c) => `${c.name}=${c.value}`).join("; "));

describe("API keys in the dashboard", () => {
  let key = "";
  const now = Math.floor(Date.now() / 1000);
  const times = [10, 8, 6, 4, 2].map((m) => now - m * 60);

  it("creates a key shown once, which a WakaTime client then uses to send heartbeats", async () => {
    await gotoReady(page, `${stack.siteUrl}/account/keys`);
    await page.getByLabel(/^Label/).fill("laptop");
    await page.getByLabel("Full access (send heartbeats)").check();
    await page.getByRole("button", { name: "Create key" }).click();
    key = (await page.getByTestId("new-key-value").textContent())!.trim();
    expect(key).toMatch(/^waka_[0-9a-f-]{36}$/);
    expect(await page.getByTestId("wakatime-cfg").textContent()).toContain(`api_key = ${key}`);
    expect(await page.getByTestId("wakatime-cfg").textContent()).toContain(`api_url = ${stack.siteUrl}/api/v1`);

    const res = await sendBeats(key, times.map((time, i) => ({ entity: `${SECRET_PATH}/main${i}.ts`, type: "file", time, project: "secret-project", language: "TypeScript", is_write: true })));
    expect(res.status).toBe(201);
    expect(((await res.json()) as { responses: [unknown, number][] }).responses.map((r) => r[1])).toEqual([201, 201, 201, 201, 201]);

    // The home page shows today's total, as the status bar API computes it.
    const start = dayStart(now);
    const expected = times.slice(1).reduce((sum, t, i) => (t > start ? sum + t - Math.max(times[i]!, start) : sum), 0);
    const bar = (await (await fetch(`${stack.siteUrl}/api/v1/users/current/statusbar/today`, { headers: { authorization: `Bearer ${key}` } })).json()) as { data: { grand_total: { total_seconds: number; text: string } } };
    expect(bar.data.grand_total.total_seconds).toBe(expected);
    await gotoReady(page, `${stack.siteUrl}/`);
    const shown = page.getByTestId("today-total");
    expect(Number(await shown.getAttribute("data-seconds"))).toBe(expected);
    expect((await shown.textContent())!.trim()).toMatch(/\d+ (min|sec)/);
  });

  it("revoking the key in the dashboard makes the client's next request fail with 401", async () => {
    await gotoReady(page, `${stack.siteUrl}/account/keys`);
    page.once("dialog", (d) => void d.accept());
    await page.getByRole("button", { name: "Revoke laptop" }).click({ timeout: 10_000 }).catch(async (err) => {
      throw new Error(`${err}\n${(await page.content()).slice(0, 6000)}`);
    });
    await page.getByText("Key revoked").waitFor();
    const res = await sendBeats(key, [{ entity: `${SECRET_PATH}/late.ts`, time: now - 30 }]);
    expect(res.status).toBe(401);
    expect(await page.getByTestId("keys-table").count()).toBe(0);
  });
});

describe("export and import", () => {
  it("exports a JSON file holding the heartbeats", async () => {
    await gotoReady(page, `${stack.siteUrl}/account/data`);
    const [download] = await Promise.all([page.waitForEvent("download"), page.getByTestId("export-link").click()]);
    expect(download.suggestedFilename()).toMatch(/^kodo-export-kim-e2e-\d{4}-\d{2}-\d{2}\.json$/);
    const doc = JSON.parse(await readFile((await download.path())!, "utf8"));
    expect(doc).toMatchObject({ format: "kodo-export", version: 2, user: { email: EMAIL, username: "kim-e2e" }, heartbeat_count: 5 });
    expect(doc.heartbeats.map((h: { entity: string }) => h.entity)).toEqual([0, 1, 2, 3, 4].map((i) => `${SECRET_PATH}/main${i}.ts`));
    expect(doc.heartbeats[0]).toMatchObject({ project: "secret-project", language: "TypeScript", editor: "VS Code", operating_system: "Linux" });

    // Imported back with a goal and sharing added: the page says what the export restored; again, nothing new.
    const edited = path.join(tmp, "kodo-export-edited.json");
    await writeFile(edited, JSON.stringify({ ...doc, sharing: { public_profile: false, leaderboards: true }, goals: [{ period: "day", seconds: 1800, project: null, language: null }] }));
    for (const [round, restored] of [[1, "Restored sharing and 1 goal from the export."], [2, null]] as const) {
      await gotoReady(page, `${stack.siteUrl}/account/data`);
      await page.getByLabel("JSON file").setInputFiles(edited);
      await page.getByRole("button", { name: "Import", exact: true }).click();
      const result = page.getByTestId("import-result");
      await result.waitFor();
      expect(await result.textContent(), `round ${round}`).toContain("Imported a Kodo export: 0 new heartbeats, 5 already here, 0 refused.");
      if (restored) expect(await page.getByTestId("import-restored").textContent()).toBe(restored);
      else expect(await page.getByTestId("import-restored").count()).toBe(0);
    }
  });

  it("imports a WakaTime data dump and shows the totals", async () => {
    const a = dayStart(Date.now() / 1000) - 60 * DAY + 10 * 3600;
    const b = a + DAY;
    const hb = (time: number, i: number) => ({ id: crypto.randomUUID(), entity: `/dump/src/f${i}.rs`, type: "file", category: "coding", time, project: "dumped", branch: "main", language: "Rust", is_write: false, user_agent_id: crypto.randomUUID(), machine_name_id: crypto.randomUUID() });
    // 600 s on day a, 900 s on day b (gaps within 15 minutes).
    const days = [
      { date: iso(a), heartbeats: [a, a + 300, a + 600].map(hb) },
      { date: iso(b), heartbeats: [b, b + 60, b + 120, b + 900].map(hb) },
    ];
    // ... and 200 earlier days with one 20-minute gap each: 0 s with a 15-minute timeout.
    for (let d = 1; d <= 200; d++) {
      const t = a - d * DAY;
      days.unshift({ date: iso(t), heartbeats: [t, t + 1200].map(hb) });
    }
    const file = path.join(tmp, "wakatime-dump.json");
    await writeFile(file, JSON.stringify({ user: { username: "kim" }, range: { start: days[0]!.date, end: iso(b) }, days }));

    await gotoReady(page, `${stack.siteUrl}/account/data`);
    await page.getByLabel("JSON file").setInputFiles(file);
    await page.getByRole("button", { name: "Import", exact: true }).click();
    const result = page.getByTestId("import-result");
    await result.waitFor();
    expect(await result.textContent()).toContain("Imported a WakaTime data dump: 407 new heartbeats, 0 already here, 0 refused.");
    // 600 + 900 s on the two busy days; the 200 quiet days add nothing.
    expect(await page.getByTestId("import-total").textContent()).toBe("25 mins");
  });

  it("imports from a WakaTime-compatible server day by day, resuming after a failed day", async () => {
    const failing = [...fakeDays.keys()][2]!;
    fake.failOnce.add(failing);
    await gotoReady(page, `${stack.siteUrl}/account/data`);
    await page.getByLabel(/^Server API address/).fill(fake.url);
    await page.getByLabel("Your API key on that server").fill(fake.key);
    await page.getByRole("button", { name: "Start import" }).click();
    await page.getByRole("alert").filter({ hasText: "send the step again to resume" }).waitFor();
    expect(await page.getByTestId("remote-progress").textContent()).toMatch(/Importing: \d+ of \d+ days/);
    await page.getByRole("button", { name: "Resume" }).click();
    await page.getByTestId("remote-progress").filter({ hasText: "Done" }).waitFor();
    expect(await page.getByTestId("remote-progress").textContent()).toContain("15 new heartbeats");
    expect(fake.requests.filter((r) => r === `/api/v1/users/current/heartbeats?date=${failing}`)).toHaveLength(2);

    // The imported heartbeats carry the remote's user agent and machine, resolved from ids.
    const day = [...fakeDays.keys()][0]!;
    const res = await fetch(`${stack.siteUrl}/api/v1/users/current/heartbeats?date=${day}`, { headers: { cookie: await session() } });
    const beats = ((await res.json()) as { data: { editor: string; machine_name_id: string; project: string }[] }).data;
    expect(beats).toHaveLength(3);
    expect(beats[0]).toMatchObject({ editor: "Neovim", machine_name_id: "imported-box", project: "remote-project" });
  });
});

describe("settings", () => {
  it("a new keystroke timeout recomputes the history in the background, with progress, and the totals follow", async () => {
    const allTime = async () =>
      ((await (await fetch(`${stack.siteUrl}/api/v1/users/current/all_time_since_today`, { headers: { cookie: await session() } })).json()) as { data: { total_seconds: number } }).data.total_seconds;
    const before = await allTime();
    await gotoReady(page, `${stack.siteUrl}/account/settings`);
    await page.getByLabel(/^Keystroke timeout/).fill("30");
    await page.getByRole("button", { name: "Save" }).click();
    await page.getByTestId("recompute").waitFor();
    expect(await page.getByTestId("recompute").textContent()).toMatch(/\d+ of \d+ days done/);
    await page.getByTestId("recompute").waitFor({ state: "detached", timeout: 60_000 });
    // The 200 dumped days had one 20-minute gap each: they count now.
    expect(await allTime()).toBe(before + 200 * 1200);
  });
});

describe("relay", () => {
  it("forwards new heartbeats to the upstream set on the page, shows its status and last error, and is removed", async () => {
    // A WakaTime-compatible upstream on loopback: records each bulk POST, answers as WakaTime.
    const received: { authorization: string | undefined; beats: { entity: string }[] }[] = [];
    let answer = 201;
    const upstream: Server = createServer((req, res) => {
      const chunks: Buffer[] = [];
      req.on("data", (c: Buffer) => chunks.push(c));
      req.on("end", () => {
        const beats = JSON.parse(Buffer.concat(chunks).toString()) as { entity: string }[];
        if (answer !== 201) return void res.writeHead(answer, { "content-type": "application/json" }).end(JSON.stringify({ error: "Invalid API key" }));
        received.push({ authorization: req.headers.authorization, beats });
        res.writeHead(201, { "content-type": "application/json" }).end(JSON.stringify({ responses: beats.map(() => [{ data: {} }, 201]) }));
      });
    });
    await new Promise<void>((resolve) => upstream.listen(0, "127.0.0.1", resolve));
    try {
      const upstreamUrl = `http://127.0.0.1:${(upstream.address() as { port: number }).port}/api/v1`;
      const upstreamKey = "waka_11111111-2222-4333-8444-555555555555";
      await gotoReady(page, `${stack.siteUrl}/account/keys`);
      await page.getByLabel(/^Label/).fill("relay test");
      await page.getByRole("button", { name: "Create key" }).click();
      const key = (await page.getByTestId("new-key-value").textContent())!.trim();

      await gotoReady(page, `${stack.siteUrl}/account/relay`);
      await page.getByLabel(/^API URL/).fill(upstreamUrl);
      await page.getByLabel(/^API key there/).fill(upstreamKey);
      await page.getByRole("button", { name: "Save relay" }).click();
      await page.getByText("Relay saved").waitFor();
      const status = page.getByTestId("relay-status");
      expect(await status.textContent()).toContain(upstreamUrl);
      expect(await status.textContent()).toContain(upstreamKey.slice(-4));
      expect(await page.content()).not.toContain(upstreamKey);

      const now = Math.floor(Date.now() / 1000);
      const beats = [3, 2, 1].map((m) => ({ entity: `/relay/file${m}.ts`, type: "file", time: now - m * 60, project: "relayed", language: "Go" }));
      expect((await sendBeats(key, beats)).status).toBe(201);
      await expect.poll(() => received.flatMap((r) => r.beats.map((b) => b.entity)).sort(), { timeout: 30_000 }).toEqual(["/relay/file1.ts", "/relay/file2.ts", "/relay/file3.ts"]);
      expect(received[0]!.authorization).toBe(`Basic ${Buffer.from(upstreamKey).toString("base64")}`);
      await expect
        .poll(async () => {
          await gotoReady(page, `${stack.siteUrl}/account/relay`);
          return [await page.getByTestId("relay-forwarded").textContent(), await page.getByTestId("relay-queued").textContent()];
        })
        .toEqual(["3", "0 heartbeats"]);
      expect(await page.getByTestId("relay-last-success").textContent()).not.toBe("never");

      // The upstream now refuses the key: the page shows the error and what waits.
      answer = 401;
      expect((await sendBeats(key, [{ entity: "/relay/late.ts", type: "file", time: now - 10, project: "relayed" }])).status).toBe(201);
      await expect
        .poll(async () => {
          await gotoReady(page, `${stack.siteUrl}/account/relay`);
          return await page.getByTestId("relay-last-error").textContent();
        }, { timeout: 30_000 })
        .toMatch(/upstream refused the key \(401: Invalid API key\): check the key/);
      expect(await page.getByTestId("relay-queued").textContent()).toMatch(/^1 heartbeat, oldest since/);

      page.once("dialog", (d) => void d.accept());
      await page.getByRole("button", { name: "Remove relay" }).click();
      await page.getByText("Relay removed").waitFor();
      expect(await page.getByTestId("relay-status").count()).toBe(0);
      const after = await fetch(`${stack.siteUrl}/api/kodo/account/relay`, { headers: { authorization: `Basic ${Buffer.from(key).toString("base64")}` } });
      expect(await after.json()).toEqual({ data: null });
    } finally {
      await new Promise<void>((resolve) => upstream.close(() => resolve()));
    }
  });
});

describe("the shell", () => {
  it("is usable on a phone: no sideways scrolling, every control named, one h1 and a main landmark", async () => {
    const phone = await context.newPage();
    await phone.setViewportSize({ width: 360, height: 740 });
    for (const p of ["/account/keys", "/account/settings", "/account/data", "/account/delete", "/dev/outbox"]) {
      await gotoReady(phone, `${stack.siteUrl}${p}`);
      const report = await phone.evaluate(() => {
        const unnamed = [...document.querySelectorAll("input:not([type=hidden]), select, textarea, button, a[href]")]
          .filter((el) => {
            const e = el as HTMLInputElement;
            const name = (e.labels?.length ?? 0) > 0 || e.getAttribute("aria-label") || (el.tagName !== "INPUT" && el.tagName !== "SELECT" && el.textContent?.trim());
            return !name;
          })
          .map((el) => el.outerHTML.slice(0, 80));
        return {
          overflow: document.documentElement.scrollWidth - window.innerWidth,
          unnamed,
          h1: document.querySelectorAll("h1").length,
          main: document.querySelectorAll("main").length,
        };
      });
      expect(report, p).toEqual({ overflow: 0, unnamed: [], h1: 1, main: 1 });
    }
    await phone.close();
  });

  it("switches to the dark theme and keeps it across reloads (rendered by the server)", async () => {
    await gotoReady(page, `${stack.siteUrl}/account/settings`);
    await page.getByLabel("Theme").selectOption("dark");
    expect(await page.evaluate(() => document.documentElement.dataset.theme)).toBe("dark");
    const bg = () => page.evaluate(() => getComputedStyle(document.body).backgroundColor);
    expect(await bg()).toBe("rgb(13, 18, 16)"); // --bg of the dark palette (site/src/app.css)
    await page.reload();
    expect(await page.evaluate(() => document.documentElement.dataset.theme)).toBe("dark");
    await page.getByLabel("Theme").selectOption("light");
    expect(await bg()).toBe("rgb(244, 246, 245)");
  });
});

describe("deleting the account", () => {
  it("removes every row and the activity store; nothing persisted references the user any more", async () => {
    const account = (await (await fetch(`${stack.siteUrl}/api/kodo/account`, { headers: { cookie: await session() } })).json()) as { user: { id: string; username: string } };
    const userId = account.user.id;
    const traces = async () =>
      (await persistedRows(stack.persistTo)).filter(({ row }) => row.includes(userId) || row.includes(EMAIL) || row.includes(SECRET_PATH) || row.includes("/dump/src/") || row.includes("remote-project"));
    const found = await traces();
    // Before: the user shows up in D1 (account rows) and in their Durable Object (heartbeats).
    expect(new Set(found.map((t) => t.file.split(path.sep)[1]))).toEqual(new Set(["d1", "do"]));
    const cookie = await session();

    await gotoReady(page, `${stack.siteUrl}/account/delete`);
    await page.getByLabel(/Type your username/).fill(account.user.username);
    await page.getByRole("button", { name: "Delete my account and all my data" }).click();
    await page.waitForURL(`${stack.siteUrl}/?deleted`);
    await page.getByText("Your account and everything Kodo held about it have been deleted.").waitFor();
    await page.getByRole("link", { name: "Sign in", exact: true }).first().waitFor();

    expect((await traces()).map((t) => `${t.file} ${t.table}: ${t.row.slice(0, 300)}`)).toEqual([]);
    // The old session cookie is dead even if a client kept it.
    expect((await fetch(`${stack.siteUrl}/api/kodo/account`, { headers: { cookie } })).status).toBe(401);
  });
});
