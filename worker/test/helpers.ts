import { env, exports } from "cloudflare:workers";
import { applyD1Migrations, reset } from "cloudflare:test";
import { hashKey } from "@kodo/core/http";
import { d1Accounts } from "../src/stores/accounts.ts";

export const UA_CLI = "wakatime/v1.90.0 (linux-6.1-x86_64) go1.22 vscode/1.95.0 vscode-wakatime/24.6.0";

/** Fresh storage for each test: storage is isolated per file, not per test. */
export async function freshStorage(): Promise<void> {
  await reset();
  await applyD1Migrations(env.DB, env.TEST_MIGRATIONS);
}

export interface TestUser {
  id: string;
  key: string;
}

let counter = 0;
/** A user with a full-access key, optionally in a time zone / with a timeout. */
export async function aUser(opts: { timeZone?: string; timeoutMinutes?: number; scope?: "full" | "read" } = {}): Promise<TestUser> {
  const key = `waka_${crypto.randomUUID()}`;
  const user = await d1Accounts(env.DB).ensureUserWithKey({
    username: `user${++counter}_${crypto.randomUUID().slice(0, 6)}`,
    keyHash: await hashKey(key),
    label: "test",
    timeZone: opts.timeZone ?? "UTC",
  });
  if (opts.timeoutMinutes !== undefined) {
    await env.DB.prepare("UPDATE user_settings SET keystroke_timeout_minutes = ? WHERE user_id = ?").bind(opts.timeoutMinutes, user.id).run();
  }
  if (opts.scope === "read") {
    await env.DB.prepare("UPDATE api_keys SET scope = 'read' WHERE user_id = ?").bind(user.id).run();
  }
  return { id: user.id, key };
}

export const basic = (key: string) => `Basic ${btoa(key)}`;

export async function call(path: string, init: RequestInit & { key?: string } = {}): Promise<Response> {
  const headers = new Headers(init.headers);
  if (init.key && !headers.has("authorization")) headers.set("authorization", basic(init.key));
  if (init.body !== undefined && !headers.has("content-type")) headers.set("content-type", "application/json");
  return exports.default.fetch(new Request(`http://kodo.test${path}`, { ...init, headers }));
}

export async function getJson<T = any>(path: string, key: string): Promise<T> {
  const res = await call(path, { key });
  if (res.status !== 200) throw new Error(`${path}: ${res.status} ${await res.text()}`);
  return (await res.json()) as T;
}

export async function postBeats(key: string, beats: unknown, path = "/api/v1/users/current/heartbeats.bulk", headers: Record<string, string> = {}) {
  return call(path, { method: "POST", key, body: JSON.stringify(beats), headers: { "user-agent": UA_CLI, ...headers } });
}

/** A wire heartbeat (WakaTime field names). */
export function wire(time: number, overrides: Record<string, unknown> = {}) {
  return {
    entity: "/home/dev/kodo/src/app.ts",
    type: "file",
    category: "coding",
    time,
    project: "kodo",
    branch: "main",
    language: "TypeScript",
    is_write: false,
    lines: 120,
    lineno: 10,
    cursorpos: 4,
    ...overrides,
  };
}

export function stubFor(userId: string) {
  return env.USER_ACTIVITY.get(env.USER_ACTIVITY.idFromName(userId));
}

/** The user's board entries in D1 (plus the DO's log size). */
export async function storedCounts(userId: string) {
  const d1 = await env.DB.prepare("SELECT count(*) AS n FROM board_entries WHERE user_id = ?").bind(userId).first<{ n: number }>();
  const log = await stubFor(userId).heartbeatCount();
  return { boardEntries: d1?.n ?? 0, heartbeats: log };
}

/**
 * Totals computed independently of Kodo's merge code: sort times, and count each gap up to
 * the timeout toward the earlier heartbeat's key. Heartbeats at the same instant are ordered by key.
 */
export function expectedTotals(beats: { time: number; key: string }[], timeoutMinutes = 15): Map<string, number> {
  const sorted = [...beats].sort((a, b) => a.time - b.time || (a.key < b.key ? -1 : a.key > b.key ? 1 : 0));
  const out = new Map<string, number>();
  for (let i = 0; i + 1 < sorted.length; i++) {
    const gap = sorted[i + 1]!.time - sorted[i]!.time;
    if (gap > 0 && gap <= timeoutMinutes * 60) out.set(sorted[i]!.key, (out.get(sorted[i]!.key) ?? 0) + gap);
  }
  return out;
}

export const sum = (m: Map<string, number>) => [...m.values()].reduce((a, b) => a + b, 0);
