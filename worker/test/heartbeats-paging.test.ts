/**
 * `GET users/current/heartbeats?date=` pages big days (core heartbeat/paging.ts): a day of more
 * than 100 000 heartbeats, whose one answer used to exceed the Durable Object RPC limit and
 * answer 500, is read page by page at the real default page size, every heartbeat exactly once.
 */
import { beforeEach, describe, expect, it } from "vitest";
import { HEARTBEATS_PER_PAGE } from "@kodo/core";
import { aUser, call, freshStorage, getJson, postBeats, wire } from "./helpers.ts";

beforeEach(freshStorage);

const DAY = "2026-10-05";
const dayStart = Date.parse(`${DAY}T00:00:00Z`) / 1000;

interface Page {
  data: { time: number; entity: string; id: string }[];
  page: number;
  total: number;
  total_pages: number;
  next_page: number | null;
  prev_page: number | null;
  next_cursor: string | null;
}

async function ingestDay(key: string, count: number, entity: (i: number) => string): Promise<void> {
  for (let i = 0; i < count; i += 1000) {
    const batch = Array.from({ length: Math.min(1000, count - i) }, (_, j) => wire(dayStart + 1 + (i + j) * 0.8, { entity: entity(i + j) }));
    const res = await postBeats(key, batch);
    expect(res.status).toBe(201);
  }
}

async function readAllPages(key: string, query = ""): Promise<Page[]> {
  const pages: Page[] = [];
  let next = `/api/v1/users/current/heartbeats?date=${DAY}${query}`;
  for (;;) {
    const page = await getJson<Page>(next, key);
    pages.push(page);
    if (!page.next_cursor) return pages;
    next = `/api/v1/users/current/heartbeats?date=${DAY}${query}&page=${page.next_page}&cursor=${page.next_cursor}`;
  }
}

describe("heartbeats of a day, paged", () => {
  it("reads a day of 100 500 heartbeats page by page, each exactly once and in order", { timeout: 600_000 }, async () => {
    const u = await aUser();
    const count = 100_500;
    await ingestDay(u.key, count, (i) => `/src/module-${i}.ts`);
    const pages = await readAllPages(u.key);
    const expectedPages = Math.ceil(count / HEARTBEATS_PER_PAGE);
    expect(pages.length).toBe(expectedPages);
    expect(pages.map((p) => p.page)).toEqual(Array.from({ length: expectedPages }, (_, i) => i + 1));
    for (const p of pages) expect([p.total, p.total_pages]).toEqual([count, expectedPages]);
    expect(pages.slice(0, -1).every((p) => p.data.length === HEARTBEATS_PER_PAGE)).toBe(true);
    expect(pages[0]!.prev_page).toBeNull();
    expect(pages.at(-1)!).toMatchObject({ next_page: null, next_cursor: null, prev_page: expectedPages - 1 });
    const entities = pages.flatMap((p) => p.data.map((h) => h.entity));
    expect(entities.length).toBe(count);
    expect(entities).toEqual(Array.from({ length: count }, (_, i) => `/src/module-${i}.ts`));
  });

  it("pages by per_page, and refuses bad paging input with a 400", async () => {
    const u = await aUser();
    await ingestDay(u.key, 25, (i) => `/big/${String(i).padStart(3, "0")}/${"x".repeat(1000)}`);
    const pages = await readAllPages(u.key, "&per_page=10");
    expect(pages.map((p) => p.data.length)).toEqual([10, 10, 5]);
    expect(pages.map((p) => p.total_pages)).toEqual([3, 3, 3]);
    expect(new Set(pages.flatMap((p) => p.data.map((h) => h.id))).size).toBe(25);

    const first = pages[0]!;
    const bad = async (query: string) => {
      const res = await call(`/api/v1/users/current/heartbeats?date=${DAY}${query}`, { key: u.key });
      return [res.status, ((await res.json()) as { error: string }).error];
    };
    expect(await bad("&page=2")).toEqual([400, "page: pages after the first are read with the cursor the previous page gave as next_cursor"]);
    expect(await bad("&page=0")).toEqual([400, "page: a whole number from 1"]);
    expect(await bad("&per_page=5001")).toEqual([400, "per_page: a whole number from 1 to 5000"]);
    expect(await bad("&per_page=abc")).toEqual([400, "per_page: a whole number from 1 to 5000"]);
    expect(await bad("&cursor=not-a-cursor")).toEqual([400, "cursor: not a cursor this server gave as next_cursor"]);
    expect(await bad(`&cursor=${first.next_cursor}&page=3&per_page=10`)).toEqual([400, "page: the cursor opens page 2"]);
    const otherDay = await call(`/api/v1/users/current/heartbeats?date=2026-10-06&cursor=${first.next_cursor}`, { key: u.key });
    expect(otherDay.status).toBe(400);
    // A forged cursor decodes to something invalid: still a 400, never a 500.
    const forged = btoa(JSON.stringify(["2026-10-05", 2, "x", 1, 0])).replace(/=+$/, "");
    expect((await bad(`&cursor=${forged}`))[0]).toBe(400);
    // An empty day is one empty page.
    const empty = await getJson<Page>("/api/v1/users/current/heartbeats?date=2026-10-01", u.key);
    expect(empty).toMatchObject({ data: [], page: 1, total: 0, total_pages: 1, next_page: null, next_cursor: null });
  });
});
