/** Fixtures for the public-read tests (badges, public JSON, activity map, OpenAPI). */
import { env } from "cloudflare:workers";
import { aUser, postBeats, wire, type TestUser } from "./helpers.ts";

export interface Sharing {
  publicProfile: boolean;
  projects: "hidden" | "alias" | "public";
  languages: boolean;
  editors: boolean;
  operatingSystems: boolean;
  machines: boolean;
  historyDays: number;
}

export interface PublicTestUser extends TestUser {
  username: string;
}

/** A user; with `sharing`, their user_sharing row (columns not given keep the schema's defaults). */
export async function aSharingUser(sharing?: Partial<Sharing>, opts: { timeZone?: string } = {}): Promise<PublicTestUser> {
  const u = await aUser(opts);
  const row = await env.DB.prepare("SELECT username FROM users WHERE id = ?").bind(u.id).first<{ username: string }>();
  if (sharing) await setSharing(u.id, sharing);
  return { ...u, username: row!.username };
}

const COLUMN: Record<keyof Sharing, string> = {
  publicProfile: "public_profile",
  projects: "projects",
  languages: "languages",
  editors: "editors",
  operatingSystems: "operating_systems",
  machines: "machines",
  historyDays: "history_days",
};

/** Creates or updates the user's sharing row. */
export async function setSharing(userId: string, sharing: Partial<Sharing>): Promise<void> {
  await env.DB.prepare("INSERT OR IGNORE INTO user_sharing (user_id) VALUES (?)").bind(userId).run();
  for (const [key, value] of Object.entries(sharing) as [keyof Sharing, unknown][]) {
    const v = typeof value === "boolean" ? (value ? 1 : 0) : value;
    await env.DB.prepare(`UPDATE user_sharing SET ${COLUMN[key]} = ? WHERE user_id = ?`).bind(v, userId).run();
  }
}

/** `count` heartbeats a minute apart from `start`: (count - 1) minutes of activity. */
export function minutes(start: number, count: number, overrides: Record<string, unknown> = {}) {
  return Array.from({ length: count }, (_, i) => wire(start + i * 60, overrides));
}

/** Posts heartbeats and fails the test unless every one was stored. */
export async function send(key: string, beats: ReturnType<typeof wire>[]): Promise<void> {
  const res = await postBeats(key, beats);
  const body = (await res.json()) as { responses: [unknown, number][] };
  const statuses = body.responses.map(([, status]) => status);
  if (res.status !== 201 || statuses.some((s) => s !== 201)) throw new Error(`heartbeats not stored: ${res.status} ${JSON.stringify(body).slice(0, 300)}`);
}

/** "YYYY-MM-DD" of an epoch-seconds instant in UTC. */
export const utcDay = (seconds: number) => new Date(seconds * 1000).toISOString().slice(0, 10);
export const startOfUtcDay = (day: string) => Date.parse(`${day}T00:00:00Z`) / 1000;
