/**
 * Two signed-in users with seeded activity on one local stack, for the social browser tests:
 * Alice and Bruno, each with four days of heartbeats in two projects (Bruno's second project
 * has a name that must never leak), their days flushed to D1 (leaderboards and teams read it).
 */
import type { BrowserContext, Page } from "playwright-core";
import { expectedSeconds, postSeed, type SeedBeat } from "./dashboard-seed.ts";
import { d1Rows, signInByEmail, startStack, type Stack } from "./site-stack.ts";

export const SECRET = "secret-rocket-xq7";
export const A = "alice-social";
export const B = "bruno-social";
const DAY = 86_400;

export interface SocialStack {
  stack: Stack;
  pageA: Page;
  pageB: Page;
  beatsA: SeedBeat[];
  beatsB: SeedBeat[];
  /** Seconds of `beats` (filtered) within the last 7 UTC days including today, by the gap rule. */
  week(beats: SeedBeat[], keep?: (b: SeedBeat) => boolean): number;
  close(): Promise<void>;
}

/** Calls the API from a signed-in page (its cookie and CSRF token), as the site's forms do. */
export async function asUser<T>(page: Page, method: string, apiPath: string, body?: unknown): Promise<T> {
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

/** Forty-one heartbeats a minute apart at `hour` UTC on each of the four days before today. */
function blocks(now: number, project: string, language: string, hour: number): SeedBeat[] {
  const out: SeedBeat[] = [];
  const today = Math.floor(now / DAY) * DAY;
  for (let d = 1; d <= 4; d++) {
    for (let i = 0; i <= 40; i++) {
      out.push({ time: today - d * DAY + hour * 3600 + i * 60, project, language, branch: "main", entity: `/src/${project}/main.${language.toLowerCase()}`, editor: "VS Code", machine: "laptop" });
    }
  }
  return out;
}

export async function startSocialStack(): Promise<SocialStack> {
  const now = Math.floor(Date.now() / 1000);
  // Flush each user's days to D1 a second after they go quiet.
  const stack = await startStack({ FLUSH_QUIET_SECONDS: "1", FLUSH_MAX_DELAY_SECONDS: "2" });
  const contexts: BrowserContext[] = [];
  try {
    contexts.push(await stack.newContext(), await stack.newContext());
    const pageA = await signInByEmail(stack, contexts[0]!, "alice.social@example.com");
    const pageB = await signInByEmail(stack, contexts[1]!, "bruno.social@example.com");
    // Confirm dialogs (remove, leave, transfer) are accepted.
    for (const p of [pageA, pageB]) p.on("dialog", (d) => void d.accept());
    const beatsA = [...blocks(now, "atlas", "TypeScript", 9), ...blocks(now, "atlas-docs", "Markdown", 15)];
    const beatsB = [...blocks(now, "harbor", "Go", 10), ...blocks(now, SECRET, "Rust", 14)];
    for (const [page, username, displayName, beats] of [[pageA, A, "Alice Social", beatsA], [pageB, B, "Bruno Social", beatsB]] as const) {
      await asUser(page, "PATCH", "/api/kodo/account", { username, display_name: displayName, time_zone: "UTC" });
      const { key } = await asUser<{ key: string }>(page, "POST", "/api/kodo/account/keys", { label: "seed", scope: "full" });
      await postSeed(stack.apiUrl, key, beats);
    }
    const flushedBy = Date.now() + 60_000;
    while (new Set((await d1Rows(stack.persistTo, "board_entries")).map((r) => r.user_id)).size < 2) {
      if (Date.now() > flushedBy) throw new Error(`the seeded board entries never reached D1\n${stack.logs()}`);
      await new Promise((r) => setTimeout(r, 1000));
    }
    const today = Math.floor(now / DAY) * DAY;
    return {
      stack,
      pageA,
      pageB,
      beatsA,
      beatsB,
      week: (beats, keep = () => true) => expectedSeconds(beats, keep, today - 6 * DAY, today + DAY),
      async close() {
        for (const c of contexts) await c.close().catch(() => {});
        await stack.close();
      },
    };
  } catch (err) {
    await stack.close();
    throw err;
  }
}
