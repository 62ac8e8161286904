/**
 * Black box, against a real local worker (`wrangler dev` on workerd, whose Cache API really
 * caches): a shared user's badge, endpoint JSON, public stats, profile and activity map are
 * answered from the cache the second time; after sharing goes off, and after the account is
 * deleted, the very next request of each answers "private"/404 and the leaderboard no longer
 * lists the user; sharing on again shows fresh numbers, not the ones cached before.
 */
import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import path from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { freePort, startWorker } from "../../scripts/local-worker.mjs";
import { d1Rows } from "./site-stack.ts";
import { expectCachedAndShared, expectNothingVisible, publicReadUrls } from "../test/public-cache-checks.ts";

let worker: Awaited<ReturnType<typeof startWorker>> | undefined;
let persistTo: string;
let base: string;
const HOUR_AGO = Math.floor(Date.now() / 1000) - 3600;
const UA = "wakatime/v1.90.0 (linux-6.1-x86_64) go1.22 vscode/1.95.0 vscode-wakatime/24.6.0";

beforeAll(async () => {
  persistTo = mkdtempSync(path.join(tmpdir(), "kodo-cache-purge-"));
  const port = await freePort();
  base = `http://127.0.0.1:${port}`;
  worker = await startWorker({
    port,
    persistTo,
    // Days reach D1 (where leaderboards read) a second after the heartbeats stop.
    vars: { BETTER_AUTH_SECRET: "e2e-secret-0123456789abcdef0123456789abcdef", BETTER_AUTH_URL: base, KODO_LOCAL_OUTBOX: "1", FLUSH_QUIET_SECONDS: "1", FLUSH_MAX_DELAY_SECONDS: "2" },
  });
});

afterAll(async () => {
  await worker?.stop();
  if (persistTo) rmSync(persistTo, { recursive: true, force: true });
});

interface Session {
  cookie: string;
  csrf: string;
  username: string;
  key: string;
}

/** Signs in through the local outbox's magic link, sets a username, makes a full key. */
async function signIn(email: string, username: string): Promise<Session> {
  const asked = await fetch(`${base}/api/auth/sign-in/magic-link`, { method: "POST", headers: { "content-type": "application/json", origin: base }, body: JSON.stringify({ email, callbackURL: "/" }) });
  expect(asked.status).toBe(200);
  const outbox = (await (await fetch(`${base}/api/kodo/dev/outbox`)).json()) as { data: { to: string; link: string }[] };
  const link = outbox.data.find((m) => m.to === email)!.link;
  const followed = await fetch(link, { redirect: "manual" });
  const cookie = followed.headers.getSetCookie().map((c) => c.split(";")[0]!).find((c) => /^kodo\.session_token=./.test(c))!;
  expect(cookie).toBeTruthy();
  const account = (await (await fetch(`${base}/api/kodo/account`, { headers: { cookie } })).json()) as { csrf_token: string };
  const s = { cookie, csrf: account.csrf_token, username, key: "" };
  await write(s, "PATCH", "/api/kodo/account", { username });
  s.key = ((await (await write(s, "POST", "/api/kodo/account/keys", { scope: "full", label: "e2e" })).json()) as { key: string }).key;
  return s;
}

function write(s: Session, method: string, apiPath: string, body: unknown): Promise<Response> {
  return fetch(`${base}${apiPath}`, {
    method,
    headers: { "content-type": "application/json", cookie: s.cookie, origin: base, "x-csrf-token": s.csrf },
    body: JSON.stringify(body),
  }).then(async (res) => {
    if (!res.ok) throw new Error(`${method} ${apiPath}: ${res.status} ${await res.text()}`);
    return res;
  });
}

/** `count` heartbeats a minute apart from `start`: (count - 1) minutes. */
async function beats(key: string, start: number, count: number): Promise<void> {
  const body = Array.from({ length: count }, (_, i) => ({ entity: "/src/app.ts", type: "file", category: "coding", time: start + i * 60, project: "kodo", language: "TypeScript", is_write: true }));
  const res = await fetch(`${base}/api/v1/users/current/heartbeats.bulk`, { method: "POST", headers: { authorization: `Basic ${btoa(key)}`, "content-type": "application/json", "user-agent": UA }, body: JSON.stringify(body) });
  expect(res.status).toBe(201);
}

const get = (p: string) => fetch(`${base}${p}`);

async function leaders(): Promise<{ username: string; seconds: number }[]> {
  const body = (await (await get("/api/v1/leaders")).json()) as { data: { user: { username: string }; running_total: { total_seconds: number } }[] };
  return body.data.map((d) => ({ username: d.user.username, seconds: d.running_total.total_seconds }));
}

/**
 * Waits until the user's board entry in D1 (where leaderboards read; the Durable Object flushes
 * it a second after the heartbeats stop) holds `seconds` over the last 7 days. New activity reaches a cached board
 * only with its TTL, so tests change sharing after this, not before.
 */
async function flushed(username: string, seconds: number): Promise<void> {
  await expect
    .poll(
      async () => {
        const id = (await d1Rows(persistTo, "users")).find((u) => u.username === username)?.id;
        return Number((await d1Rows(persistTo, "board_entries")).find((d) => d.user_id === id && d.language === "")?.last_7_days ?? 0);
      },
      { timeout: 30_000, interval: 300 },
    )
    .toBe(seconds);
}

const onBoard = async (username: string) => (await leaders()).find((e) => e.username === username)?.seconds;

async function expectGone(u: string): Promise<void> {
  await expectNothingVisible(get, u);
  expect((await leaders()).map((e) => e.username)).not.toContain(u);
}

describe("purging every cache that holds a user, against a real worker", () => {
  it("sharing off: the very next request of each is private and the board drops the user; on again: fresh numbers", async () => {
    const s = await signIn("sharer@example.com", "sharer-e2e");
    await beats(s.key, HOUR_AGO, 31);
    await flushed(s.username, 1800);
    await write(s, "PATCH", "/api/kodo/sharing", { publicProfile: true, leaderboards: true, projects: "public" });
    expect(await onBoard(s.username)).toBe(1800);
    await expectCachedAndShared(get, s.username);

    await write(s, "PATCH", "/api/kodo/sharing", { publicProfile: false, leaderboards: false });
    await expectGone(s.username);

    await beats(s.key, HOUR_AGO + 35 * 60, 21); // 5-minute gap (counted) + 20 minutes
    await flushed(s.username, 3300);
    await write(s, "PATCH", "/api/kodo/sharing", { publicProfile: true, leaderboards: true });
    const badge = await get(`/api/badge/${s.username}/last_7_days.json`);
    expect(badge.headers.get("x-kodo-cache")).toBe("miss");
    expect(((await badge.json()) as { message: string }).message).toBe("55 mins");
    expect(await onBoard(s.username)).toBe(3300);
  });

  it("account deleted: nothing of the user is served any more, the key stops, another user's cache stays", async () => {
    const gone = await signIn("leaver@example.com", "leaver-e2e");
    const stays = await signIn("stayer@example.com", "stayer-e2e");
    for (const s of [gone, stays]) {
      await beats(s.key, HOUR_AGO, 31);
      await flushed(s.username, 1800);
      await write(s, "PATCH", "/api/kodo/sharing", { publicProfile: true, leaderboards: true, projects: "public" });
      expect(await onBoard(s.username)).toBe(1800);
      await expectCachedAndShared(get, s.username);
    }
    expect((await fetch(`${base}/api/v1/users/current`, { headers: { authorization: `Basic ${btoa(gone.key)}` } })).status).toBe(200);

    const del = await write(gone, "DELETE", "/api/kodo/account", { confirm: gone.username });
    expect(del.status).toBe(200);
    await expectGone(gone.username);
    expect((await fetch(`${base}/api/v1/users/current`, { headers: { authorization: `Basic ${btoa(gone.key)}` } })).status).toBe(401);
    for (const url of publicReadUrls(stays.username)) expect((await get(url)).headers.get("x-kodo-cache"), url).toBe("hit");
    expect((await leaders()).map((e) => e.username)).toContain(stays.username);
  });
});
