/**
 * A realistic, seeded activity trace: users working in their own time zones on working days,
 * in blocks of editing with breaks, switching between 3-8 projects in several languages, some
 * working past midnight, and one user whose plugin was offline for a week and synced it a week
 * late. Each heartbeat carries the instant a plugin would have delivered it (`sentAt`), so a
 * replay can follow the flush policy on a simulated clock.
 */
import { between, pick, rng } from "./stats.ts";
import { addDays, dayOf, startOfDay } from "../../core/src/time/zone.ts";

export interface TraceHeartbeat {
  time: number;
  entity: string;
  project: string;
  language: string;
  branch: string;
  is_write: boolean;
  /** When the plugin sent it (trace time, epoch seconds). */
  sentAt: number;
}

export interface TraceUser {
  username: string;
  timeZone: string;
  userAgent: string;
  machine: string;
  heartbeats: TraceHeartbeat[];
  /** True for the user whose plugin synced a week late. */
  offline: boolean;
}

export interface TraceOptions {
  seed: number;
  users: number;
  workingDays: number;
  /** Seconds between heartbeats while active: [min, max]. */
  intervalSeconds: [number, number];
  /** How often a plugin sends what it has queued (trace seconds). */
  sendEverySeconds: number;
  /** The last day of the trace (YYYY-MM-DD, UTC calendar). */
  lastDay: string;
  /** Work on weekends too (a heavy user's year); default false. */
  weekends?: boolean;
  /** Make the first user the one whose plugin syncs a week late; default true. */
  offlineUser?: boolean;
  /** Time zone of every user (default: a spread of zones). */
  timeZone?: string;
}

const ZONES = ["Europe/Berlin", "America/New_York", "Asia/Tokyo", "UTC", "America/Los_Angeles", "Asia/Kolkata", "Australia/Sydney", "Europe/London"];
const PROJECT_NAMES = ["kodo", "billing-api", "infra", "website", "mobile-app", "data-pipeline", "auth-service", "docs", "cli", "design-system", "ml-models", "payments"];
const LANGUAGES: [string, string][] = [
  ["TypeScript", "ts"],
  ["Go", "go"],
  ["Python", "py"],
  ["Rust", "rs"],
  ["Markdown", "md"],
  ["SQL", "sql"],
  ["YAML", "yaml"],
  ["Kotlin", "kt"],
];
const EDITORS = [
  "wakatime/v1.90.0 (linux-6.1-x86_64) go1.22 vscode/1.95.0 vscode-wakatime/24.6.0",
  "wakatime/v1.90.0 (darwin-23.4.0-arm64) go1.22 IntelliJ/2024.1 intellij-wakatime/15.0.0",
  "wakatime/v1.90.0 (windows-10.0.22631-x86_64) go1.22 neovim/0.10.0 vim-wakatime/11.2.0",
];

export function generateTrace(options: TraceOptions): TraceUser[] {
  const random = rng(options.seed);
  const users: TraceUser[] = [];
  for (let u = 0; u < options.users; u++) {
    const timeZone = options.timeZone ?? ZONES[u % ZONES.length]!;
    const projectCount = 3 + Math.floor(random() * 6); // 3..8
    const projects = shuffle(random, PROJECT_NAMES).slice(0, projectCount).map((name) => ({
      name,
      languages: shuffle(random, LANGUAGES).slice(0, 1 + Math.floor(random() * 3)),
      files: 10 + Math.floor(random() * 60),
    }));
    const nightOwl = random() < 0.3;
    const days = workingDays(options.lastDay, options.workingDays, options.weekends ?? false);
    const offline = u === 0 && (options.offlineUser ?? true);
    // The offline user's third week: queued locally, sent a week after it ended.
    const offlineDays = offline ? new Set(days.slice(10, 15)) : new Set<string>();
    const heartbeats: TraceHeartbeat[] = [];
    for (const day of days) {
      const dayStart = startOfDay(day, timeZone);
      let t = dayStart + between(random, 7.5, 10.5) * 3600;
      const end = dayStart + between(random, 16.5, 19) * 3600;
      // Late work that runs past local midnight, on some days of some users.
      const lateUntil = nightOwl && random() < 0.35 ? startOfDay(addDays(day, 1), timeZone) + between(random, 0.2, 1.5) * 3600 : null;
      const blocks: [number, number][] = [[t, end]];
      if (lateUntil) blocks.push([dayStart + between(random, 21, 22.5) * 3600, lateUntil]);
      for (const [from, to] of blocks) {
        t = from;
        let project = pick(random, projects);
        while (t < to) {
          // A block of 20-120 minutes of editing, then a break of 5-60 minutes (lunch included).
          const blockEnd = Math.min(to, t + between(random, 20, 120) * 60);
          if (random() < 0.5) project = pick(random, projects);
          let [language, ext] = pick(random, project.languages);
          let file = Math.floor(random() * project.files);
          while (t < blockEnd) {
            if (random() < 0.15) {
              file = Math.floor(random() * project.files);
              [language, ext] = pick(random, project.languages);
            }
            heartbeats.push({
              time: Math.round(t * 1000) / 1000,
              entity: `/home/dev/${project.name}/src/${language.toLowerCase()}/file${file}.${ext}`,
              project: project.name,
              language,
              branch: random() < 0.8 ? "main" : `feature/${project.name}-${1 + Math.floor(random() * 9)}`,
              is_write: random() < 0.2,
              sentAt: 0,
            });
            t += between(random, options.intervalSeconds[0], options.intervalSeconds[1]);
          }
          t += between(random, 5, 60) * 60;
        }
      }
    }
    heartbeats.sort((a, b) => a.time - b.time);
    assignSendTimes(heartbeats, options.sendEverySeconds, (hb) => offlineDays.has(dayOf(hb.time, timeZone)));
    users.push({
      username: `trace${u}`,
      timeZone,
      userAgent: EDITORS[u % EDITORS.length]!,
      machine: `laptop-${u}`,
      heartbeats,
      offline,
    });
  }
  return users;
}

/**
 * The plugin sends what it has queued every `sendEverySeconds` (the first send after a
 * heartbeat is on the next tick); offline heartbeats go out together a week after the last of
 * them was recorded.
 */
function assignSendTimes(heartbeats: TraceHeartbeat[], sendEverySeconds: number, isOffline: (hb: TraceHeartbeat) => boolean) {
  const offline = heartbeats.filter(isOffline);
  const syncAt = offline.length ? Math.ceil((offline.at(-1)!.time + 7 * 86_400) / sendEverySeconds) * sendEverySeconds : 0;
  for (const hb of heartbeats) {
    hb.sentAt = isOffline(hb) ? syncAt : Math.ceil((hb.time + 0.001) / sendEverySeconds) * sendEverySeconds;
  }
}

/** The last `count` working days (Monday to Friday unless `weekends`) up to `lastDay`. */
function workingDays(lastDay: string, count: number, weekends: boolean): string[] {
  const days: string[] = [];
  for (let d = lastDay; days.length < count; d = addDays(d, -1)) {
    const weekday = new Date(`${d}T12:00:00Z`).getUTCDay();
    if (weekends || (weekday !== 0 && weekday !== 6)) days.unshift(d);
  }
  return days;
}

function shuffle<T>(random: () => number, items: readonly T[]): T[] {
  const a = [...items];
  for (let i = a.length - 1; i > 0; i--) {
    const j = Math.floor(random() * (i + 1));
    [a[i], a[j]] = [a[j]!, a[i]!];
  }
  return a;
}

/** The wire shape a plugin sends (WakaTime field names). */
export function toWire(hb: TraceHeartbeat) {
  return { entity: hb.entity, type: "file", category: "coding", time: hb.time, project: hb.project, language: hb.language, branch: hb.branch, is_write: hb.is_write };
}
