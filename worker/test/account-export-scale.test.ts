/**
 * A year of heavy use: 300,000 heartbeats (365 days x ~822, one a minute for 13.7 hours a day)
 * exported through the API. The document is streamed: it is read here piece by piece with the
 * same incremental scanner the import uses, never as one string, and the first bytes arrive
 * long before the last page of heartbeats has been read from the Durable Object.
 */
import { env } from "cloudflare:workers";
import { runInDurableObject } from "cloudflare:test";
import { beforeAll, describe, expect, it } from "vitest";
import { JsonItemScanner, dedupeKey } from "@kodo/core";
import { call, freshStorage, stubFor } from "./helpers.ts";
import { signIn, type SignedIn } from "./sign-in-helpers.ts";
import type { Heartbeat } from "@kodo/core";
import { insertHeartbeats } from "../src/activity/log.ts";
import type { UserActivity } from "../src/activity/object.ts";

const DAYS = 365;
const PER_DAY = 822; // 365 x 822 = 300,030
const TOTAL = DAYS * PER_DAY;
const DAY = 86_400;

let user: SignedIn;

beforeAll(async () => {
  await freshStorage();
  user = await signIn("heavy@example.com");
  const start = Math.floor(Date.now() / 1000 / DAY) * DAY - DAYS * DAY;
  await runInDurableObject(stubFor(user.userId), async (instance: UserActivity, state) => {
    const days: string[] = [];
    const batch: { id: string; hb: Heartbeat }[] = [];
    for (let d = 0; d < DAYS; d++) {
      const dayStart = start + d * DAY;
      days.push(new Date(dayStart * 1000).toISOString().slice(0, 10));
      for (let i = 0; i < PER_DAY; i++) {
        const hb = {
          time: dayStart + 8 * 3600 + i * 60,
          entity: `/work/project-${d % 7}/src/module-${i % 40}.ts`,
          type: "file",
          category: "coding",
          project: `project-${d % 7}`,
          projectRootCount: 4,
          branch: "main",
          language: "TypeScript",
          dependencies: ["react", "zod"],
          lines: 200 + i,
          lineNumber: i % 200,
          cursorPosition: 12,
          lineAdditions: null,
          lineDeletions: null,
          isWrite: i % 5 === 0,
          editor: "VS Code",
          operatingSystem: "Linux",
          machine: "workstation",
          userAgent: "wakatime/v1.102.1 (linux-6.8.0-x86_64) go1.23.4 vscode/1.96.0 vscode-wakatime/25.0.0",
          aiLineChanges: null,
          humanLineChanges: null,
        };
        batch.push({ id: await dedupeKey(user.userId, hb), hb });
      }
      insertHeartbeats(state.storage, batch.splice(0), Date.now() / 1000);
    }
    // Bind the object to the user and let it derive every day (as ingest would have).
    await instance.adoptSettings(user.userId, { timeZone: "UTC", keystrokeTimeoutMinutes: 15 });
    (instance as unknown as { dayStore: { markStale(days: string[]): void } }).dayStore.markStale(days);
  });
}, 300_000);

describe("exporting a year of heavy use", () => {
  it("streams 300k heartbeats and 365 days without building the document in memory", async () => {
    expect(await stubFor(user.userId).heartbeatCount()).toBe(TOTAL);
    const started = Date.now();
    const res = await call("/api/kodo/account/export", { headers: { cookie: user.cookie } });
    expect(res.status).toBe(200);
    const reader = res.body!.getReader();
    const decoder = new TextDecoder();
    const scanner = new JsonItemScanner(["heartbeats[]", "days[]"]);
    let firstByteMs = -1;
    let bytes = 0;
    let chunks = 0;
    let heartbeats = 0;
    let lastTime = 0;
    let ordered = true;
    let days = 0;
    let daySeconds = 0;
    for (;;) {
      const { done, value } = await reader.read();
      if (done) break;
      if (firstByteMs < 0) firstByteMs = Date.now() - started;
      bytes += value.byteLength;
      chunks++;
      for (const item of scanner.push(decoder.decode(value, { stream: true }))) {
        if (item.path === "days[]") {
          days++;
          daySeconds += (item.value as { total_seconds: number }).total_seconds;
        } else {
          heartbeats++;
          const t = (item.value as { time: number }).time;
          if (t < lastTime) ordered = false;
          lastTime = t;
        }
      }
    }
    scanner.push(decoder.decode());
    scanner.end();
    const totalMs = Date.now() - started;
    console.log(`export of ${TOTAL} heartbeats: ${(bytes / 1048576).toFixed(1)} MiB in ${chunks} chunks, first byte after ${firstByteMs} ms, done after ${totalMs} ms`);

    expect(heartbeats).toBe(TOTAL);
    expect(ordered).toBe(true);
    expect(days).toBe(DAYS);
    // Each day: 821 one-minute gaps.
    expect(daySeconds).toBe(DAYS * (PER_DAY - 1) * 60);
    // Streamed: many pieces, and the first arrives well before the end.
    expect(chunks).toBeGreaterThan(TOTAL / 2000);
    expect(firstByteMs).toBeLessThan(totalMs / 2);
  }, 300_000);
});
