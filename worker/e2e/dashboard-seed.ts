/**
 * Seeded activity for the dashboard's browser tests, and the expected figures computed here,
 * independently of Kodo's code: heartbeats sorted by time, each gap to the next one counted
 * toward the earlier heartbeat when it is at most the timeout, clipped to the asked window.
 * Local days come from Intl, not from core.
 */

import { mulberry32 } from "../../core/src/random.ts";

export interface SeedBeat {
  time: number;
  project: string;
  language: string;
  branch: string;
  entity: string;
  editor: "VS Code" | "Vim";
  machine: string;
}

export const USER_AGENTS = {
  "VS Code": "wakatime/v1.90.0 (linux-6.1-x86_64) go1.22 vscode/1.95.0 vscode-wakatime/24.6.0",
  Vim: "wakatime/v1.90.0 (darwin-23.0-arm64) go1.22 vim/9.1 vim-wakatime/11.0",
} as const;

const PROJECTS = [
  { project: "kodo", languages: ["TypeScript", "Go", "SQL"], branches: ["main", "dashboard"] },
  { project: "website", languages: ["Svelte", "CSS", "TypeScript"], branches: ["main"] },
  { project: "notes", languages: ["Markdown"], branches: ["main"] },
  { project: "infra", languages: ["YAML", "Shell"], branches: ["main", "upgrade"] },
  { project: "data-tools", languages: ["Python"], branches: ["main"] },
];


/** Offset of the zone from UTC (seconds) at an instant, from Intl. */
function offsetAt(epochSeconds: number, timeZone: string): number {
  const parts = new Intl.DateTimeFormat("en-US", { timeZone, hourCycle: "h23", year: "numeric", month: "2-digit", day: "2-digit", hour: "2-digit", minute: "2-digit", second: "2-digit" }).formatToParts(new Date(epochSeconds * 1000));
  const p = Object.fromEntries(parts.filter((x) => x.type !== "literal").map((x) => [x.type, Number(x.value)]));
  return Date.UTC(p.year!, p.month! - 1, p.day!, p.hour!, p.minute!, p.second!) / 1000 - Math.floor(epochSeconds);
}

/** The local day ("YYYY-MM-DD") of an instant. */
export function localDay(epochSeconds: number, timeZone: string): string {
  return new Intl.DateTimeFormat("en-CA", { timeZone, year: "numeric", month: "2-digit", day: "2-digit" }).format(new Date(epochSeconds * 1000));
}

/** The instant local `day` starts (zones without a DST change at midnight). */
export function localMidnight(day: string, timeZone: string): number {
  const guess = Date.parse(`${day}T00:00:00Z`) / 1000;
  return guess - offsetAt(guess - offsetAt(guess, timeZone), timeZone);
}

export function shiftDay(day: string, n: number): string {
  return new Date(Date.parse(`${day}T00:00:00Z`) + n * 86_400_000).toISOString().slice(0, 10);
}

/**
 * About `days` days of activity up to a minute ago: a few blocks a day in random projects,
 * some days off, blocks separated by pauses both shorter and longer than the timeout.
 */
export function seedActivity(now: number, timeZone: string, days: number, seed = 7): SeedBeat[] {
  const rnd = mulberry32(seed);
  const pick = <T>(xs: readonly T[]) => xs[Math.floor(rnd() * xs.length)]!;
  const today = localDay(now, timeZone);
  const beats: SeedBeat[] = [];
  for (let d = days - 1; d >= 0; d--) {
    const day = shiftDay(today, -d);
    if (d > 0 && rnd() < 0.15) continue; // a day off
    const dayStart = localMidnight(day, timeZone);
    let t = dayStart + (8 + rnd() * 3) * 3600;
    const end = d === 0 ? now - 60 : dayStart + 23.5 * 3600;
    if (d === 0) t = Math.max(dayStart + 60, now - 3 * 3600);
    const blocks = 1 + Math.floor(rnd() * 4);
    for (let b = 0; b < blocks && t < end; b++) {
      const p = pick(PROJECTS);
      const language = pick(p.languages);
      const branch = pick(p.branches);
      const editor = rnd() < 0.7 ? "VS Code" : "Vim";
      const machine = editor === "Vim" ? "mac-mini" : rnd() < 0.5 ? "laptop" : "desk";
      const count = 10 + Math.floor(rnd() * 80);
      const every = 30 + Math.floor(rnd() * 90);
      const files = Array.from({ length: 1 + Math.floor(rnd() * 4) }, (_, i) => `/home/dev/${p.project}/src/file-${i}.${language.toLowerCase().slice(0, 3)}`);
      for (let i = 0; i < count && t < end; i++) {
        beats.push({ time: Math.round(t * 1000) / 1000, project: p.project, language, branch, editor, machine, entity: pick(files) });
        t += every;
      }
      // Pauses: under the timeout (joined), or well over it (a new session).
      t += rnd() < 0.4 ? 5 * 60 : 40 * 60 + rnd() * 2 * 3600;
    }
  }
  return beats;
}

/** Seconds of the beats that `keep` selects, within [from, to), by the gap rule. */
export function expectedSeconds(beats: readonly SeedBeat[], keep: (b: SeedBeat) => boolean, from = -Infinity, to = Infinity, timeoutMinutes = 15): number {
  const sorted = [...beats].sort((a, b) => a.time - b.time);
  let total = 0;
  for (let i = 0; i + 1 < sorted.length; i++) {
    const b = sorted[i]!;
    const gap = sorted[i + 1]!.time - b.time;
    if (gap <= 0 || gap > timeoutMinutes * 60 || !keep(b)) continue;
    const start = Math.max(b.time, from);
    const end = Math.min(b.time + gap, to);
    if (end > start) total += end - start;
  }
  return Math.round(total * 1000) / 1000;
}

/** The API's wire form, posted in batches per (editor, machine) since those come from headers. */
export async function postSeed(apiUrl: string, key: string, beats: readonly SeedBeat[]): Promise<void> {
  const groups = new Map<string, SeedBeat[]>();
  for (const b of beats) {
    const k = `${b.editor}\u0000${b.machine}`;
    groups.set(k, [...(groups.get(k) ?? []), b]);
  }
  for (const group of groups.values()) {
    for (let i = 0; i < group.length; i += 1000) {
      const batch = group.slice(i, i + 1000);
      const res = await fetch(`${apiUrl}/api/v1/users/current/heartbeats.bulk`, {
        method: "POST",
        headers: { authorization: `Basic ${btoa(key)}`, "content-type": "application/json", "user-agent": USER_AGENTS[batch[0]!.editor], "x-machine-name": batch[0]!.machine },
        body: JSON.stringify(batch.map((b) => ({ entity: b.entity, type: "file", category: "coding", time: b.time, project: b.project, branch: b.branch, language: b.language, is_write: false }))),
      });
      if (res.status !== 201 && res.status !== 202) throw new Error(`seeding: ${res.status} ${await res.text()}`);
      const body = (await res.json()) as { responses: [unknown, number][] };
      const bad = body.responses.filter(([, s]) => s !== 201);
      if (bad.length > 0) throw new Error(`seeding: ${bad.length} heartbeats refused: ${JSON.stringify(bad[0])}`);
    }
  }
}
