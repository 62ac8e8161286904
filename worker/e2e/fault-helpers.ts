/**
 * Shared by the fault tests (fault-*.test.ts): a seeded heartbeat trace, a client that retries
 * until acknowledged, and totals computed independently of Kodo's merge code.
 */
import fc from "fast-check";

export const UA = "wakatime/v1.90.0 (linux-6.1-x86_64) go1.22 vscode/1.95.0 vscode-wakatime/24.6.0";
export const TIMEOUT_SECONDS = 15 * 60;

export interface Beat {
  entity: string;
  type: "file";
  category: "coding";
  time: number;
  project: string;
  language: string;
  branch: string;
  is_write: boolean;
}

const PROJECTS = ["kodo", "infra", "website", "billing"];
const LANGUAGES = ["TypeScript", "Go", "Python", "Markdown"];

/**
 * A seeded trace ending at `endSeconds`: editing bursts (10-170 s apart), breaks longer than the
 * timeout, project and language switches, and activity across midnight (UTC) on every day it
 * covers. Times are whole milliseconds and all distinct, so every heartbeat is one event.
 */
export function generateBeats(seed: number, count: number, endSeconds: number): Beat[] {
  const step = fc.record({
    gap: fc.oneof({ weight: 30, arbitrary: fc.integer({ min: 10_000, max: 170_000 }) }, { weight: 1, arbitrary: fc.integer({ min: 16 * 60_000, max: 2 * 3_600_000 }) }),
    project: fc.constantFrom(...PROJECTS),
    language: fc.constantFrom(...LANGUAGES),
    file: fc.integer({ min: 0, max: 30 }),
    switchProject: fc.double({ min: 0, max: 1, noNaN: true }),
    write: fc.boolean(),
  });
  const steps = fc.sample(step, { seed, numRuns: count });
  const beats: Beat[] = [];
  let ms = endSeconds * 1000 - steps.reduce((sum, s) => sum + s.gap, 0);
  let project = PROJECTS[0]!;
  for (const s of steps) {
    ms += s.gap;
    if (s.switchProject < 0.1) project = s.project;
    beats.push({
      entity: `/home/dev/${project}/src/file${s.file}.ts`,
      type: "file",
      category: "coding",
      time: ms / 1000,
      project,
      language: s.language,
      branch: "main",
      is_write: s.write,
    });
  }
  return beats;
}

/** Splits into batches of sizes drawn from `sizes` (seeded). */
export function batches<T>(items: T[], seed: number, sizes: { min: number; max: number }): T[][] {
  const lengths = fc.sample(fc.integer(sizes), { seed, numRuns: items.length });
  const out: T[][] = [];
  for (let i = 0, k = 0; i < items.length; k++) {
    const n = lengths[k % lengths.length]!;
    out.push(items.slice(i, i + n));
    i += n;
  }
  return out;
}

export function shuffled<T>(items: T[], seed: number): T[] {
  const keys = fc.sample(fc.double({ min: 0, max: 1, noNaN: true }), { seed, numRuns: items.length });
  return items.map((item, i) => ({ item, k: keys[i]! })).sort((a, b) => a.k - b.k).map((x) => x.item);
}

export const basic = (key: string) => `Basic ${Buffer.from(key).toString("base64")}`;

/** Day (YYYY-MM-DD) of an instant in UTC. */
export const utcDay = (seconds: number) => new Date(seconds * 1000).toISOString().slice(0, 10);

/**
 * Per day and per project, the seconds Kodo must report, computed here without Kodo's code:
 * sort by time; the gap to the next heartbeat counts toward the earlier heartbeat's project when
 * it is at most the timeout, split at UTC midnight between the two days it spans.
 */
export function expectedTotals(beats: Beat[]): Map<string, Map<string, number>> {
  const sorted = [...beats].sort((a, b) => a.time - b.time);
  const out = new Map<string, Map<string, number>>();
  const add = (day: string, project: string, seconds: number) => {
    let m = out.get(day);
    if (!m) out.set(day, (m = new Map()));
    m.set(project, (m.get(project) ?? 0) + seconds);
  };
  for (let i = 0; i + 1 < sorted.length; i++) {
    const a = sorted[i]!;
    const b = sorted[i + 1]!;
    const gap = b.time - a.time;
    if (gap <= 0 || gap > TIMEOUT_SECONDS) continue;
    const midnight = Date.parse(`${utcDay(a.time)}T00:00:00Z`) / 1000 + 86_400;
    if (b.time <= midnight) add(utcDay(a.time), a.project, gap);
    else {
      add(utcDay(a.time), a.project, midnight - a.time);
      add(utcDay(b.time), a.project, b.time - midnight);
    }
  }
  return out;
}

export interface DaySummary {
  total: number;
  projects: Map<string, number>;
}

/** Kodo's summaries for `start..end`, as day -> totals. */
export async function summariesByDay(baseUrl: string, key: string, start: string, end: string): Promise<Map<string, DaySummary>> {
  const res = await fetch(`${baseUrl}/api/v1/users/current/summaries?start=${start}&end=${end}`, { headers: { authorization: basic(key) } });
  if (res.status !== 200) throw new Error(`summaries: ${res.status} ${await res.text()}`);
  const body = (await res.json()) as {
    data: { range: { date: string }; grand_total: { total_seconds: number }; projects: { name: string; total_seconds: number }[] }[];
  };
  return new Map(
    body.data.map((d) => [d.range.date, { total: d.grand_total.total_seconds, projects: new Map(d.projects.map((p) => [p.name, p.total_seconds])) }]),
  );
}

/** Every stored heartbeat of the given days, as "time|entity" -> count. */
export async function storedBeats(baseUrl: string, key: string, days: string[]): Promise<Map<string, number>> {
  const counts = new Map<string, number>();
  for (const day of days) {
    const res = await fetch(`${baseUrl}/api/v1/users/current/heartbeats?date=${day}`, { headers: { authorization: basic(key) } });
    if (res.status !== 200) throw new Error(`heartbeats ${day}: ${res.status} ${await res.text()}`);
    const body = (await res.json()) as { data: { time: number; entity: string }[] };
    for (const hb of body.data) {
      const id = beatId(hb);
      counts.set(id, (counts.get(id) ?? 0) + 1);
    }
  }
  return counts;
}

export const beatId = (hb: { time: number; entity: string }) => `${Math.round(hb.time * 1000)}|${hb.entity}`;

export function daysOf(beats: Beat[]): string[] {
  return [...new Set(beats.map((b) => utcDay(b.time)))].sort();
}

/**
 * Posts one batch until the server acknowledges every item (201 stored or 202 already stored).
 * Connection errors and 5xx (the runtime being killed and restarted) are retried; any 4xx is a
 * bug in the test or the server and fails at once.
 */
export async function sendUntilAcknowledged(url: () => string, key: string, batch: Beat[], deadlineMs: number): Promise<number> {
  let attempts = 0;
  for (;;) {
    attempts++;
    if (Date.now() > deadlineMs) throw new Error(`batch not acknowledged after ${attempts} attempts`);
    let res: Response;
    let text: string;
    try {
      res = await fetch(`${url()}/api/v1/users/current/heartbeats.bulk`, {
        method: "POST",
        headers: { authorization: basic(key), "content-type": "application/json", "user-agent": UA },
        body: JSON.stringify(batch),
        signal: AbortSignal.timeout(15_000),
      });
      // The runtime can die after the headers and before the whole body: no answer read in
      // full is no acknowledgement, so that too is retried.
      text = await res.text();
    } catch {
      await new Promise((r) => setTimeout(r, 100));
      continue;
    }
    if (res.status >= 500) {
      await new Promise((r) => setTimeout(r, 100));
      continue;
    }
    if (res.status !== 201) throw new Error(`bulk answered ${res.status}: ${text.slice(0, 300)}`);
    const { responses } = JSON.parse(text) as { responses: [unknown, number][] };
    const bad = responses.find(([, status]) => status !== 201 && status !== 202);
    if (bad || responses.length !== batch.length) throw new Error(`bulk item refused: ${JSON.stringify(bad ?? responses.length)}`);
    return attempts;
  }
}
