/**
 * Builders for the social tests: users in fixed-offset zones (no DST, so local days are
 * computed here independently of core), activity blocks at a local hour, and sharing changes
 * through the API.
 */
import { env } from "cloudflare:workers";
import { aUser, call, postBeats, stubFor, wire, type TestUser } from "./helpers.ts";

/** Zones without daylight saving: offset in seconds. */
export const ZONE_OFFSET_SECONDS: Record<string, number> = {
  UTC: 0,
  "Asia/Tokyo": 9 * 3600,
  "Asia/Kolkata": 5.5 * 3600,
  "Pacific/Kiritimati": 14 * 3600,
  "Pacific/Pago_Pago": -11 * 3600,
};

export interface SocialUser extends TestUser {
  username: string;
  zone: string;
}

export async function aSocialUser(zone = "UTC"): Promise<SocialUser> {
  const u = await aUser({ timeZone: zone });
  const row = await env.DB.prepare("SELECT username FROM users WHERE id = ?").bind(u.id).first<{ username: string }>();
  return { ...u, username: row!.username, zone };
}

/** The local day (YYYY-MM-DD) of an epoch second in a fixed-offset zone. */
export function localDay(epochSeconds: number, zone: string): string {
  return new Date((epochSeconds + ZONE_OFFSET_SECONDS[zone]!) * 1000).toISOString().slice(0, 10);
}

/** Epoch seconds of local `hour` on the day `daysAgo` days before the zone's today. */
export function localTime(nowSeconds: number, zone: string, daysAgo: number, hour: number): number {
  const offset = ZONE_OFFSET_SECONDS[zone]!;
  const localMidnight = Math.floor((nowSeconds + offset) / 86400) * 86400 - daysAgo * 86400;
  return localMidnight + hour * 3600 - offset;
}

export function dayPlus(day: string, n: number): string {
  return new Date(Date.parse(`${day}T00:00:00Z`) + n * 86400_000).toISOString().slice(0, 10);
}

export interface Beat {
  time: number;
  project: string;
  language: string;
  category: string;
}

/** A block of heartbeats every `stepSeconds` from `start` for `count` beats. */
export function block(start: number, count: number, stepSeconds: number, over: Partial<Beat> = {}): Beat[] {
  return Array.from({ length: count }, (_, i) => ({ time: start + i * stepSeconds, project: "kodo", language: "TypeScript", category: "coding", ...over }));
}

/** Posts the beats (in batches) and flushes: the user's board entries reach D1. */
export async function seed(user: TestUser, beats: Beat[]): Promise<void> {
  for (let i = 0; i < beats.length; i += 500) {
    const res = await postBeats(user.key, beats.slice(i, i + 500).map((b) => wire(b.time, { project: b.project, language: b.language, category: b.category })));
    if (res.status !== 201 && res.status !== 202) throw new Error(`seed: ${res.status} ${await res.text()}`);
  }
  await stubFor(user.id).flush();
}

export async function share(user: TestUser, change: Record<string, unknown>): Promise<void> {
  const res = await call("/api/kodo/sharing", { method: "PATCH", key: user.key, body: JSON.stringify(change) });
  if (res.status !== 200) throw new Error(`share: ${res.status} ${await res.text()}`);
}

export async function befriend(a: SocialUser, b: SocialUser): Promise<void> {
  const req = await call("/api/kodo/friends", { method: "POST", key: a.key, body: JSON.stringify({ username: b.username }) });
  if (req.status !== 202) throw new Error(`request: ${req.status} ${await req.text()}`);
  const acc = await call(`/api/kodo/friends/${a.username}/accept`, { method: "POST", key: b.key });
  if (acc.status !== 200) throw new Error(`accept: ${acc.status} ${await acc.text()}`);
}
