import { describe, expect, it } from "vitest";
import fc from "fast-check";
import type { ActivityStore, User } from "../ports.ts";
import type { Outbound } from "../net/safe-fetch.ts";
import { emptyCounts } from "./import.ts";
import { decodeCursor, encodeCursor, type RemoteCursor } from "./remote-cursor.ts";
import { MAX_HEARTBEATS_ANSWER_BYTES, RemoteServer, nextPageOf } from "./remote-import.ts";
import { pullStep, type StepBudget } from "./remote-step.ts";

const DAY0 = "2026-03-01";
const dayStart = (day: string) => Date.parse(`${day}T00:00:00Z`) / 1000;
const user = { id: "u1", timeZone: "UTC", keystrokeTimeoutMinutes: 15 } as User;

/** An activity store that only dedupes by (entity, time): enough to count created/duplicates. */
function memoryActivity() {
  const stored = new Set<string>();
  const activity = {
    async ingest(_u: User, beats: { entity: string; time: number }[]) {
      return beats.map((b) => {
        const k = `${b.entity}@${b.time}`;
        if (stored.has(k)) return "duplicate";
        stored.add(k);
        return "created";
      });
    },
  } as unknown as ActivityStore;
  return { activity, stored };
}

const beat = (day: string, i: number) => ({ entity: `/src/f${i % 7}.ts`, time: dayStart(day) + i, type: "file", category: "coding", project: "p", language: "TypeScript", is_write: false });

/**
 * A remote on a public host (resolved through the fake resolver) that answers each day's
 * heartbeats as a stream, optionally in pages of `pageSize` (`paging`: how it says so).
 */
function fakeRemote(counts: Record<string, number>, opts: { pageSize?: number; paging?: "next_page" | "total_pages" | "kodo" } = {}) {
  const requests: string[] = [];
  let bytesPulled = 0;
  const outbound: Outbound = {
    resolver: { resolve: async () => ["93.184.216.34"] },
    fetch: async (url) => {
      const u = new URL(url);
      requests.push(`${u.pathname.replace("/api/v1", "")}${u.search}`);
      const day = u.searchParams.get("date")!;
      const n = counts[day] ?? 0;
      const size = opts.pageSize ?? n;
      // Kodo opens later pages by cursor only, and refuses a bare page number (heartbeats.ts).
      const cursor = u.searchParams.get("cursor");
      if (opts.paging === "kodo" && u.searchParams.has("page") && !cursor) return Response.json({ error: "page: use the cursor" }, { status: 400 });
      const page = cursor ? Number(atob(cursor)) : Number(u.searchParams.get("page") ?? "1");
      const from = (page - 1) * size;
      const items = Array.from({ length: Math.max(0, Math.min(size, n - from)) }, (_, i) => beat(day, from + i));
      const pages = Math.max(1, Math.ceil(n / Math.max(size, 1)));
      const paging = opts.paging === "kodo" ? { page, total_pages: pages, next_page: page < pages ? page + 1 : null, next_cursor: page < pages ? btoa(String(page + 1)) : null }
        : opts.paging === "next_page" ? { next_page: page < pages ? page + 1 : null } : opts.paging === "total_pages" ? { page, total_pages: pages } : {};
      // Paging fields after the data (a stream reader only sees them at the end).
      const text = `{"data":${JSON.stringify(items)},"timezone":"UTC"${Object.entries(paging).map(([k, v]) => `,"${k}":${JSON.stringify(v)}`).join("")}}`;
      const bytes = new TextEncoder().encode(text);
      let at = 0;
      return new Response(
        new ReadableStream({
          pull(ctl) {
            if (at >= bytes.length) return ctl.close();
            const chunk = bytes.slice(at, at + 4096);
            at += chunk.length;
            bytesPulled += chunk.length;
            ctl.enqueue(chunk);
          },
        }),
        { headers: { "content-type": "application/json" } },
      );
    },
  };
  return { remote: new RemoteServer("https://remote.example.com/api/v1", "k", outbound), requests, pulled: () => bytesPulled };
}

async function runToEnd(remote: RemoteServer, lastDay: string, budget: StepBudget) {
  const { activity, stored } = memoryActivity();
  const counts = emptyCounts();
  let cursor: RemoteCursor | null = { day: DAY0, page: null, skip: 0 };
  const cursors: string[] = [];
  let days = 0;
  let steps = 0;
  while (cursor && steps++ < 100) {
    // Through the stored form, as the job keeps it.
    const from = decodeCursor(encodeCursor(cursor));
    const out = await pullStep({ remote, activity, user, lookups: null, from, lastDay, now: () => dayStart("2026-03-10"), counts, budget });
    expect(out.failure).toBeNull();
    days += out.daysDone;
    cursor = out.cursor;
    cursors.push(cursor ? encodeCursor(cursor) : "done");
  }
  return { counts, stored, cursors, days };
}

const BIG = { days: 14, heartbeats: 1000, ms: 60_000, pages: 60 };

describe("remote import step", () => {
  it("stops a step at its heartbeat budget inside a day and resumes there, losing and repeating nothing", async () => {
    const f = fakeRemote({ "2026-03-01": 2500, "2026-03-02": 10, "2026-03-03": 0 });
    const { counts, stored, cursors, days } = await runToEnd(f.remote, "2026-03-03", BIG);
    expect(cursors).toEqual(["2026-03-01~1000~", "2026-03-01~2000~", "done"]);
    expect(counts).toMatchObject({ received: 2510, created: 2510, duplicates: 0, rejected: 0 });
    expect(stored.size).toBe(2510);
    expect(days).toBe(3);
  });

  it("follows next_page and total_pages within a day, stopping inside a page too", async () => {
    for (const paging of ["next_page", "total_pages"] as const) {
      const f = fakeRemote({ "2026-03-01": 3000, "2026-03-02": 5 }, { pageSize: 1500, paging });
      const { counts, cursors, days } = await runToEnd(f.remote, "2026-03-02", BIG);
      expect(counts, paging).toMatchObject({ received: 3005, created: 3005, duplicates: 0 });
      expect(cursors).toEqual(["2026-03-01~1000~", "2026-03-01~1000~2", "done"]);
      expect(days).toBe(2);
      expect(f.requests.filter((r) => r.includes("2026-03-01"))).toEqual([
        "/users/current/heartbeats?date=2026-03-01",
        "/users/current/heartbeats?date=2026-03-01",
        "/users/current/heartbeats?date=2026-03-01&page=2",
        "/users/current/heartbeats?date=2026-03-01&page=2",
      ]);
    }
  });

  it("follows a Kodo server's next_cursor (Kodo refuses later pages by number alone)", async () => {
    const f = fakeRemote({ "2026-03-01": 3000, "2026-03-02": 5 }, { pageSize: 1500, paging: "kodo" });
    const { counts, stored, days } = await runToEnd(f.remote, "2026-03-02", BIG);
    expect(counts).toMatchObject({ received: 3005, created: 3005, duplicates: 0, rejected: 0 });
    expect(stored.size).toBe(3005);
    expect(days).toBe(2);
    expect(f.requests.filter((r) => r.includes("2026-03-01")).at(-1)).toBe(`/users/current/heartbeats?date=2026-03-01&cursor=${encodeURIComponent(btoa("2"))}`);
  });

  it("stops reading an endless day's answer at the byte cap with a clear error, keeping what came before", async () => {
    let pulled = 0;
    const enc = new TextEncoder();
    const item = enc.encode(`${JSON.stringify(beat("2026-03-02", 1)).replace(/}$/, ',"pad":"' + "x".repeat(3000) + '"}')},`);
    const outbound: Outbound = {
      resolver: { resolve: async () => ["93.184.216.34"] },
      fetch: async (url) => {
        if (!url.includes("2026-03-02")) return Response.json({ data: [beat("2026-03-01", 1)] });
        let started = false;
        // An endless day: the same heartbeat again and again (dedupe makes it one).
        return new Response(
          new ReadableStream({
            pull(ctl) {
              const chunk = started ? item : enc.encode('{"data":[');
              started = true;
              pulled += chunk.length;
              ctl.enqueue(chunk);
            },
          }),
        );
      },
    };
    const remote = new RemoteServer("https://remote.example.com/api/v1", "k", outbound);
    const { activity, stored } = memoryActivity();
    const counts = emptyCounts();
    const out = await pullStep({ remote, activity, user, lookups: null, from: { day: DAY0, page: null, skip: 0 }, lastDay: "2026-03-02", now: () => dayStart("2026-03-10"), counts, budget: { ...BIG, heartbeats: 1_000_000 } });
    expect(out.failure).toBe("/users/current/heartbeats: the answer is larger than 32 MiB (the import cannot read it)");
    expect(out.daysDone).toBe(1);
    expect(out.cursor).toEqual({ day: "2026-03-02", page: null, skip: counts.received - 1 });
    expect(stored.size).toBe(2);
    // The stream may have pulled one chunk ahead of the reader.
    expect(pulled).toBeLessThanOrEqual(MAX_HEARTBEATS_ANSWER_BYTES + 2 * item.length);
  });

  it("treats an answer without a data list as an error, an empty one as an empty day", async () => {
    const outbound: Outbound = { resolver: { resolve: async () => ["93.184.216.34"] }, fetch: async (url) => (url.includes("03-01") ? Response.json({ data: [] }) : Response.json({ heartbeats: [] })) };
    const remote = new RemoteServer("https://remote.example.com/api/v1", "k", outbound);
    const { activity } = memoryActivity();
    const out = await pullStep({ remote, activity, user, lookups: null, from: { day: DAY0, page: null, skip: 0 }, lastDay: "2026-03-02", now: () => 0, counts: emptyCounts() });
    expect(out).toEqual({ cursor: { day: "2026-03-02", page: null, skip: 0 }, daysDone: 1, failure: "heartbeats?date=2026-03-02: no data list in the answer" });
  });
});

describe("import cursor and paging fields", () => {
  it("round-trips through its stored form and sorts by its day", () => {
    const day = fc.date({ min: new Date("2000-01-01"), max: new Date("2099-12-31"), noInvalidDate: true }).map((d) => d.toISOString().slice(0, 10));
    fc.assert(
      fc.property(day, fc.option(fc.string({ minLength: 1, maxLength: 200 }), { nil: null }), fc.nat(1_000_000), (d, page, skip) => {
        const c = { day: d, page, skip };
        expect(decodeCursor(encodeCursor(c))).toEqual(c);
        expect(encodeCursor(c) >= d && encodeCursor(c) < `${d}\uffff`).toBe(true);
      }),
    );
  });

  it("reads next_page (number or token) or page/total_pages, and never loops", () => {
    expect(nextPageOf({ next_page: 2 }, null)).toBe("2");
    expect(nextPageOf({ next_page: "abc" }, null)).toBe("abc");
    expect(nextPageOf({ next_page: null, page: 1, total_pages: 3 }, null)).toBeNull();
    expect(nextPageOf({ page: 2, total_pages: 3 }, "2")).toBe("3");
    expect(nextPageOf({ page: 3, total_pages: 3 }, "3")).toBeNull();
    expect(nextPageOf({ next_page: "abc" }, "abc")).toBeNull();
    expect(nextPageOf({ next_page: "x".repeat(201) }, null)).toBeNull();
    expect(nextPageOf({}, null)).toBeNull();
  });
});
