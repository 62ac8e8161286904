/**
 * Sign-in rate limits counted in Durable Objects (worker/src/auth/rate-limiter.ts): they hold
 * across worker instances (two env objects here, so two Better Auth instances with their own
 * in-memory state, as two isolates would have), per client address and per address mailed,
 * and a window ends. The suite's own config keeps limits off (local http); these requests
 * switch them on with a 2 s window instead of the real 60 s.
 */
import { env } from "cloudflare:workers";
import { runInDurableObject } from "cloudflare:test";
import { beforeEach, describe, expect, it } from "vitest";
import { freshStorage } from "./helpers.ts";
import { ORIGIN } from "./sign-in-helpers.ts";
import worker from "../src/index.ts";

beforeEach(freshStorage);

const WINDOW_SECONDS = 2;
/** Two "isolates": the same bindings, separate auth instances (authFor caches per env object). */
const isolateA = { ...env, AUTH_RATE_LIMIT: "on", AUTH_RATE_LIMIT_WINDOW_SECONDS: String(WINDOW_SECONDS) } as Env;
const isolateB = { ...isolateA } as Env;
const ctx = { waitUntil() {}, passThroughOnException() {}, props: {} } as unknown as ExecutionContext;

async function askLink(on: Env, email: string, ip: string): Promise<number> {
  const req = new Request(`${ORIGIN}/api/auth/sign-in/magic-link`, {
    method: "POST",
    headers: { "content-type": "application/json", origin: ORIGIN, "cf-connecting-ip": ip },
    body: JSON.stringify({ email, callbackURL: "/" }),
  });
  const res = await worker.fetch(req, on, ctx);
  await res.arrayBuffer();
  return res.status;
}

describe("magic-link rate limits across isolates", () => {
  it("5 per window per client address, counted together by two instances; then 429 until the window ends", async () => {
    const ip = "203.0.113.7";
    const statuses: number[] = [];
    for (let i = 0; i < 5; i++) statuses.push(await askLink(i % 2 === 0 ? isolateA : isolateB, `person${i}@example.com`, ip));
    expect(statuses).toEqual([200, 200, 200, 200, 200]);
    expect(await askLink(isolateB, "person5@example.com", ip)).toBe(429);
    expect(await askLink(isolateA, "person6@example.com", ip)).toBe(429);
    // The count lives in the Durable Object, not in either instance.
    const stub = env.RATE_LIMITER.get(env.RATE_LIMITER.idFromName(`${ip}|/sign-in/magic-link`));
    const stored = await runInDurableObject(stub, (_obj, state) => state.storage.kv.get<{ count: number }>("window"));
    expect(stored?.count).toBe(5);
    // Another address is not affected.
    expect(await askLink(isolateA, "other@example.com", "198.51.100.9")).toBe(200);
    const mails = await env.DB.prepare("SELECT count(*) AS n FROM outbox_messages").first<{ n: number }>();
    expect(mails!.n).toBe(6);

    await new Promise((r) => setTimeout(r, WINDOW_SECONDS * 1000 + 200));
    expect(await askLink(isolateB, "person7@example.com", ip)).toBe(200);
  });

  it("5 per window per address mailed, whatever client addresses ask", async () => {
    const statuses: number[] = [];
    for (let i = 0; i < 6; i++) statuses.push(await askLink(i % 2 === 0 ? isolateA : isolateB, "Target@Example.com", `192.0.2.${i + 1}`));
    expect(statuses).toEqual([200, 200, 200, 200, 200, 429]);
    const mails = await env.DB.prepare("SELECT count(*) AS n FROM outbox_messages WHERE lower(recipient) = 'target@example.com'").first<{ n: number }>();
    expect(mails!.n).toBe(5);
  });

  it("is off on the suite's plain-http config (local setups sign in a lot from one address)", async () => {
    const local = { ...env } as Env;
    const statuses: number[] = [];
    for (let i = 0; i < 7; i++) statuses.push(await askLink(local, `local${i}@example.com`, "127.0.0.1"));
    expect(statuses.every((s) => s === 200)).toBe(true);
  });
});
